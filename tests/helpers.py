from django.test import Client as HttpClient


def signed_in(user, **kwargs) -> HttpClient:
    """A test browser with `user` signed in."""
    http = HttpClient(**kwargs)
    http.force_login(user)
    return http
