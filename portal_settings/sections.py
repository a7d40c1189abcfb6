"""The section registry: the nine sections of the Client Portal a provider can allow or withhold.

The single source of truth. Each entry names its package under portal/, and the portal builds
the rest from the entry (see portal/registry.py): the client URLs at /portal/<slug>/, the
provider's tab on a client's profile, the models, the demo data. Keys are stored in the
settings and the audit trail, so an existing key never changes.
"""

from dataclasses import dataclass

from django.urls import reverse

from portal_settings.levels import ALL_LEVELS, FULL_OR_OFF, Access


@dataclass(frozen=True)
class Section:
    key: str
    label: str  # the reference's words, shown on the settings forms
    tab: str  # the short name on the portal's tab bar
    summary: str  # what the client finds there (home card, empty states)
    slug: str  # the URL segment: /portal/<slug>/ and /clients/<id>/<slug>/
    package: str  # the package under portal/ that implements it, e.g. "care_plans"
    # The access levels a provider may choose, most access first. A section whose portal views
    # only show things (View care plans) has no View only: it is Full or Off.
    levels: tuple[Access, ...] = ALL_LEVELS

    def allows_level(self, value) -> bool:
        return value in self.levels

    @property
    def url(self) -> str:
        return section_url(self.key)

    @property
    def field_name(self) -> str:
        """The name of the section's control on the settings forms."""
        return f"section-{self.key}"


SECTIONS: tuple[Section, ...] = (
    Section(
        "billing",
        "View and pay bills",
        "Billing",
        "Your invoices from the practice, what is open and what is paid, and paying online.",
        slug="billing",
        package="billing",
    ),
    Section(
        "appointments",
        "Schedule appointments",
        "Appointments",
        "Book an open time with your provider, and see or cancel your upcoming appointments.",
        slug="appointments",
        package="appointments",
    ),
    Section(
        "goals",
        "View and create goals",
        "Goals",
        "Goals you and your provider set, with target dates, and marking them complete.",
        slug="goals",
        package="goals",
    ),
    Section(
        "journal",
        "View and create journal entries",
        "Journal",
        "Your food, mood, activity and note entries, which your provider can read.",
        slug="journal",
        package="journal",
    ),
    Section(
        "documents",
        "View and upload documents",
        "Documents",
        "Documents your provider shares with you, and files you upload for them.",
        slug="documents",
        package="documents",
    ),
    Section(
        "forms",
        "View and complete intake forms",
        "Forms",
        "Intake forms your provider asks you to fill in, and the ones you have submitted.",
        slug="forms",
        package="intake",
    ),
    Section(
        "care_plans",
        "View care plans",
        "Care plans",
        "The care plans your provider has written for you, with their recommendations.",
        slug="care-plans",
        package="care_plans",
        levels=FULL_OR_OFF,
    ),
    Section(
        "programs",
        "View and complete programs",
        "Programs",
        "Programs you are enrolled in, module by module, and your progress.",
        slug="programs",
        package="programs",
    ),
    Section(
        "packages",
        "View and purchase packages",
        "Packages",
        "Session packages the practice offers, and buying one online.",
        slug="packages",
        package="packages",
    ),
)

BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}
KEYS: tuple[str, ...] = tuple(BY_KEY)

# The tag of portal views that every signed-in client may reach (home, profile).
ALWAYS_AVAILABLE = "__always__"


def section_url(key: str) -> str:
    return reverse(f"portal:{key}")
