from django.contrib.auth.backends import ModelBackend

from clients.models import User


class EmailBackend(ModelBackend):
    """Django's model backend (users sign in with their email, the USERNAME_FIELD).

    A signed-in request's user is loaded by the stock get_user (one query by primary key); the
    portal's access middleware loads the client and their settings on portal URLs only.

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
