import factory
from factory.django import DjangoModelFactory

from clients.models import Client, ClientGroup, FamilyLink, Membership, Organization, User
from portal_settings.models import PortalSettings

PASSWORD = "correct-horse-battery"


class OrganizationFactory(DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Practice {n}")
    contact_email = factory.LazyAttribute(lambda o: f"hello@{o.name.lower().replace(' ', '')}.test")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.PROVIDER


class PracticeAdminFactory(MembershipFactory):
    role = Membership.Role.ADMIN


class ClientGroupFactory(DjangoModelFactory):
    class Meta:
        model = ClientGroup

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Group {n}")


class ClientFactory(DjangoModelFactory):
    class Meta:
        model = Client

    organization = factory.SubFactory(OrganizationFactory)
    user = factory.SubFactory(UserFactory)
    group = None


class FamilyLinkFactory(DjangoModelFactory):
    """A family member with a password, linked to a client (a parent unless told)."""

    class Meta:
        model = FamilyLink

    client = factory.SubFactory(ClientFactory)
    organization = factory.LazyAttribute(lambda o: o.client.organization)
    user = factory.SubFactory(UserFactory)
    relationship = FamilyLink.Relationship.PARENT


class PortalSettingsFactory(DjangoModelFactory):
    class Meta:
        model = PortalSettings

    values = factory.Dict({})


def weekly_hours(*, organization, provider, start=9, end=12):
    """The provider open for booking every day of the week, from `start` to `end` o'clock."""
    import datetime as dt

    from portal.appointments.models import Availability

    for weekday in range(7):
        Availability.objects.create(
            organization=organization,
            provider=provider,
            weekday=weekday,
            start_time=dt.time(start),
            end_time=dt.time(end),
        )
