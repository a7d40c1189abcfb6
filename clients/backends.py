from django.contrib.auth.backends import ModelBackend

from clients.models import User


class EmailBackend(ModelBackend):
    """Django's model backend, loading a provider's practice with the user in the same query."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("membership__organization").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
