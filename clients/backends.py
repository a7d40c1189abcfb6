from django.contrib.auth.backends import ModelBackend

from clients.identity import load_user


class EmailBackend(ModelBackend):
    """Django's model backend; a signed-in request's user arrives with a provider's practice or
    a client's portal settings, in one query (clients.identity)."""

    def get_user(self, user_id):
        user = load_user(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
