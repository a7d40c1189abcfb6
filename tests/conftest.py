import pytest

from tests import factories
from tests.browser import chromium, new_page  # noqa: F401  (fixtures)
from tests.helpers import signed_in


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Plain static storage (no collectstatic manifest), private files in a temporary directory,
    # and a fast hasher: tests only.
    private_root = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": private_root, "base_url": None},
        },
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organization(db):
    return factories.OrganizationFactory(name="Harbor Wellness")


@pytest.fixture
def other_organization(db):
    return factories.OrganizationFactory(name="Elsewhere Health")


@pytest.fixture
def provider(organization):
    return factories.MembershipFactory(organization=organization).user


@pytest.fixture
def practice_admin(organization):
    return factories.PracticeAdminFactory(organization=organization).user


@pytest.fixture
def other_provider(other_organization):
    return factories.MembershipFactory(organization=other_organization).user


@pytest.fixture
def group(organization):
    return factories.ClientGroupFactory(organization=organization, name="Teens")


@pytest.fixture
def client_record(organization):
    """A client of `organization` (the name `client` is pytest-django's test client)."""
    return factories.ClientFactory(organization=organization)


@pytest.fixture
def provider_http(provider):
    return signed_in(provider)


@pytest.fixture
def admin_http(practice_admin):
    return signed_in(practice_admin)


@pytest.fixture
def client_http(client_record):
    return signed_in(client_record.user)


def pytest_unconfigure(config):
    """Say plainly, as the last line, when the PostgreSQL-only tests (races, cross-process) did
    not run."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = [
        report
        for report in reporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and "needs PostgreSQL" in str(report.longrepr[2])
    ]
    if skipped:
        reporter.write_line(
            f"NOTE: {len(skipped)} PostgreSQL-only tests (races, cross-process) were skipped on "
            "SQLite; run them with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/cps make test",
            yellow=True,
            bold=True,
        )
