"""Bump the identity generations (clients.identity_cache) when what they cover changes.

Connected for every model whose rows feed a signed-in request's identity; the bump runs when
the change commits, before the response that made it is sent, so the next request anywhere
sees it.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from clients import identity_cache
from clients.models import Client, ClientGroup, Membership, Organization, User


def _keys_for(instance) -> list[str]:
    from portal_settings.models import PortalSettings

    if isinstance(instance, User):
        return [identity_cache.user_key(instance.pk)]
    if isinstance(instance, (Client, Membership)):
        return [identity_cache.user_key(instance.user_id)]
    if isinstance(instance, Organization):
        return [identity_cache.organization_key(instance.pk)]
    if isinstance(instance, ClientGroup):
        return [identity_cache.organization_key(instance.organization_id)]
    if isinstance(instance, PortalSettings):
        if instance.organization_id:
            return [identity_cache.organization_key(instance.organization_id)]
        if instance.group_id:
            if PortalSettings.group.is_cached(instance):
                organization_id = instance.group.organization_id
            else:
                organization_id = ClientGroup.objects.values_list("organization_id", flat=True).get(
                    pk=instance.group_id
                )
            return [identity_cache.organization_key(organization_id)]
        if PortalSettings.client.is_cached(instance):
            user_id = instance.client.user_id
        else:
            user_id = Client.objects.values_list("user_id", flat=True).get(pk=instance.client_id)
        return [identity_cache.user_key(user_id)]
    return []


def changed(sender, instance, **kwargs):
    if not identity_cache.enabled():
        return
    keys = _keys_for(instance)
    if keys:
        transaction.on_commit(lambda: identity_cache.bump(keys), using=kwargs.get("using"))


def connect() -> None:
    from portal_settings.models import PortalSettings

    for model in (User, Client, Membership, Organization, ClientGroup, PortalSettings):
        post_save.connect(changed, sender=model, dispatch_uid=f"identity-{model.__name__}-save")
        post_delete.connect(changed, sender=model, dispatch_uid=f"identity-{model.__name__}-del")
