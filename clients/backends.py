from django.contrib.auth.backends import ModelBackend


class EmailBackend(ModelBackend):
    """Django's model backend (users sign in with their email, the USERNAME_FIELD).

    A signed-in request's user is loaded by the stock get_user (one query by primary key); the
    portal's access middleware loads the client and their settings on portal URLs only.
    """
