"""Two scheduled runs at once record each start and end of a dated value once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from portal_settings.dated_events import dated_values_record
from portal_settings.levels import Access
from portal_settings.models import PortalSettings
from portal_settings.schedule import Dated
from tests.concurrency import requires_postgres, run_concurrently
from tests.factories import ClientFactory


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_racing_record_each_moment_once(organization):
    now = timezone.now()
    for _ in range(20):
        PortalSettings.objects.create(
            client=ClientFactory(organization=organization),
            schedule={
                "billing": Dated(
                    Access.OFF, now - timedelta(days=2), now - timedelta(days=1)
                ).as_json()
            },
        )
    counts = run_concurrently(dated_values_record, dated_values_record)
    assert sorted(counts) == [0, 40]  # the second waited for the first's lock, then had none
    assert AuditEntry.objects.filter(action__startswith="dated_").count() == 40
