"""The portal home shows what needs the client, only for the sections they may use."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from portal.billing.services import Line, invoice_create
from portal.intake.models import FormAssignment
from portal.intake.services import form_assign, intake_form_create, question_add
from portal.programs.models import Enrollment, ModuleCompletion
from portal.programs.services import enroll, module_add, program_create
from portal_settings.models import PortalSettings
from tests.factories import ClientFactory
from tests.helpers import practice_today, signed_in
from tests.world import make_world

pytestmark = pytest.mark.django_db

SUMMARY_KEYS = ("appointments", "billing", "forms", "programs", "documents")


@pytest.fixture
def world(organization):
    return make_world(organization)


def home(world, *, off=()):
    if off:
        PortalSettings.objects.update_or_create(
            client=world["client"], defaults={"values": {k: "off" for k in off}}
        )
    return signed_in(world["client"].user).get(reverse("portal:home"))


def test_home_shows_what_needs_the_client_with_one_action_each(world):
    body = home(world).content.decode()
    # billing: the balance (the paid invoice does not count) and the next unpaid invoice
    assert "Balance due: <strong>$80.00</strong>" in body
    assert f'href="{world["invoice"].get_portal_url()}"' in body
    assert f"Pay {world['invoice'].label}" in body
    # the next appointment
    assert "Follow-up with" in body
    assert f'href="{reverse("portal:appointments")}" class="home-action"' in body
    # the form to complete
    assert reverse("portal:forms-fill", args=[world["assignment"].pk]) in body
    assert "Start “History”" in body
    # the current program module
    assert (
        reverse("portal:programs-module", args=[world["enrollment"].pk, world["module"].pk]) in body
    )
    assert "Continue with “Week 1”" in body
    # the recent shared document
    assert world["document"].portal_download_url() in body
    # the other sections: a plain link each
    for key in ("goals", "journal", "care_plans", "packages"):
        assert f'href="{reverse(f"portal:{key}")}"' in body


def test_a_section_turned_off_is_not_on_the_home(world):
    body = home(world, off=("billing", "documents")).content.decode()
    assert "Balance due" not in body
    assert world["invoice"].get_portal_url() not in body
    assert world["document"].portal_download_url() not in body
    assert reverse("portal:billing") not in body
    assert reverse("portal:documents") not in body
    assert "Continue with “Week 1”" in body


def test_nothing_pending_reads_calmly(organization):
    client = ClientFactory(organization=organization)
    body = signed_in(client.user).get(reverse("portal:home")).content.decode()
    assert "Nothing to pay." in body
    assert "Nothing booked." in body
    assert f'href="{reverse("portal:appointments-book")}"' in body
    assert "No forms to fill in." in body
    assert "No module waiting for you." in body
    assert "Nothing new from your practice." in body


def test_billing_sums_every_open_invoice_and_shows_the_one_due_first(world, provider):
    due_soon = invoice_create(
        actor=provider,
        client=world["client"],
        lines=[Line("Overdue session", 1, Decimal("20.50"))],
        due_on=practice_today() - datetime.timedelta(days=1),
    )
    body = home(world).content.decode()
    assert "Balance due: <strong>$100.50</strong> (2 open invoices)" in body
    assert f"Pay {due_soon.label}" in body
    assert "<mark>Overdue</mark>" in body


def test_a_completed_module_moves_the_client_to_the_next(world):
    second = module_add(program=world["program"], title="Week 2", content="Wake up.")
    ModuleCompletion.objects.create(enrollment=world["enrollment"], module=world["module"])
    body = home(world).content.decode()
    assert reverse("portal:programs-module", args=[world["enrollment"].pk, second.pk]) in body
    ModuleCompletion.objects.create(enrollment=world["enrollment"], module=second)
    assert "No module waiting for you." in home(world).content.decode()


def test_the_program_card_skips_a_newer_program_already_complete(world, provider, organization):
    """The card shows the newest enrollment with a module left, not merely the newest."""
    done = program_create(actor=provider, organization=organization, title="Finished program")
    only = module_add(program=done, title="Only week", content="Done.")
    newer = enroll(actor=provider, program=done, client=world["client"])
    Enrollment.objects.filter(pk=newer.pk).update(
        enrolled_at=world["enrollment"].enrolled_at + datetime.timedelta(days=1)
    )
    ModuleCompletion.objects.create(enrollment=newer, module=only)
    body = home(world).content.decode()
    assert "Finished program" not in body
    assert (
        reverse("portal:programs-module", args=[world["enrollment"].pk, world["module"].pk]) in body
    )


def test_forms_list_three_and_count_the_rest(world, provider, organization):
    for n in range(4):
        form = intake_form_create(actor=provider, organization=organization, title=f"Form {n}")
        question_add(form=form, label="How are you?", kind="short_text", required=False)
        form_assign(actor=provider, form=form, client=world["client"])
    body = home(world).content.decode()
    assert "and 2 more" in body  # History + four forms = five waiting, three shown
    FormAssignment.objects.filter(client=world["client"]).update(status="submitted")
    assert "No forms to fill in." in home(world).content.decode()


def test_another_clients_things_never_show(world, organization):
    other = ClientFactory(organization=organization)
    body = signed_in(other.user).get(reverse("portal:home")).content.decode()
    assert world["invoice"].get_portal_url() not in body
    assert world["document"].portal_download_url() not in body
    assert "Follow-up" not in body
    assert "History" not in body


# the session, the user, the client with their settings, what the client last saw (for the
# notices of changes, portal_settings.notices); then one query per summary shown
BASE = 4


@pytest.mark.parametrize(
    ("off", "queries"),
    [
        ((), BASE + 5),
        (("billing", "documents"), BASE + 3),
        (("goals", "journal"), BASE + 5),  # sections without a summary cost nothing
        (SUMMARY_KEYS, BASE),
        # View only shows the same cards (without their actions), for the same queries
        ({key: "view" for key in SUMMARY_KEYS}, BASE + 5),
    ],
)
def test_home_costs_one_query_per_allowed_summary(world, off, queries, django_assert_num_queries):
    if off:
        values = off if isinstance(off, dict) else {k: "off" for k in off}
        PortalSettings.objects.update_or_create(client=world["client"], defaults={"values": values})
    http = signed_in(world["client"].user)
    http.get(reverse("portal:home"))  # the first visit also records what the client saw
    with django_assert_num_queries(queries):
        assert http.get(reverse("portal:home")).status_code == 200


def test_every_package_with_a_home_summary_has_its_card_template():
    from django.template.loader import get_template

    from portal.registry import _selectors
    from portal_settings.sections import SECTIONS

    offering = [s for s in SECTIONS if hasattr(_selectors(s), "home_summary")]
    assert {s.key for s in offering} == set(SUMMARY_KEYS)
    for section in offering:
        get_template(f"portal/{section.package}/_home_card.html")


def test_a_view_only_section_in_also_in_your_portal_says_it_can_be_viewed(client_record):
    from portal_settings.sections import BY_KEY

    PortalSettings.objects.create(client=client_record, values={"goals": "view"})
    body = signed_in(client_record.user).get(reverse("portal:home")).content.decode()
    more = body.split('id="home-more"', 1)[1].split("</section>", 1)[0]
    goals = next(line for line in more.splitlines() if ">Goals</a>" in line)
    assert "View only: you can see what is here, but not change anything." in goals
    # Not the summary that names its actions ("... and marking them complete").
    assert BY_KEY["goals"].summary not in goals
    journal = next(line for line in more.splitlines() if ">Journal</a>" in line)
    assert BY_KEY["journal"].summary in journal
