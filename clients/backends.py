from django.contrib.auth.backends import ModelBackend

from clients.identity import load_user
from clients.models import User


class EmailBackend(ModelBackend):
    """Django's model backend; a signed-in request's user arrives with a provider's practice or
    a client's portal settings, in one query (clients.identity).

    Every sign-in runs the password hasher exactly once, whatever the outcome (unknown account,
    wrong password, right password on an archived or switched-off account), so the time taken
    tells nothing. When the password is right but access is withdrawn, the user is left on the
    request for the sign-in form to say whom to contact, without checking the password again.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            User().set_password(password)  # the hasher once, as for a real account (#20760)
            return None
        if not user.check_password(password):
            return None
        if self.user_can_authenticate(user):
            return user
        if request is not None:
            request.withdrawn_access_user = user
        return None

    def get_user(self, user_id):
        user = load_user(user_id)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
