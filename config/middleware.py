"""Request rules that hold for every URL: the methods served, how big a request may be, and
that signed-in pages are never stored by a browser or a proxy."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

# Every view answers GET (and HEAD) or POST, or both; nothing else, anywhere (the admin too).
ALLOWED_METHODS = ("GET", "HEAD", "POST")


class RequestLimitsMiddleware:
    """Refuse oversized bodies (413) before anything reads the body, and other methods (405).

    Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS) cover
    form fields but not file parts, which it streams to disk whatever their size; a cap on
    Content-Length covers both. Signed-out visitors have no upload to make, so their cap is
    small. Django reads no more than Content-Length, so a body without one is read as empty.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        signed_in = request.user.is_authenticated
        limit = settings.REQUEST_MAX_BYTES if signed_in else settings.ANONYMOUS_REQUEST_MAX_BYTES
        if length > limit:
            body = render_to_string(
                "400.html",
                {
                    "exception": "This request is too large, so nothing was saved. Files can be "
                    f"up to {settings.DOCUMENT_MAX_BYTES // (1024 * 1024)} MB."
                },
                request=request,
            )
            # The body is left unread. No Connection header: a WSGI application may not set
            # one (PEP 3333; runserver's wsgiref turns it into a 500, gunicorn drops it). The
            # server deals with the unread body: gunicorn's sync workers close the connection
            # after every response, its keep-alive workers discard the rest of the body before
            # the next request, and runserver reads it to the end.
            return HttpResponse(body, status=413)
        response = self.get_response(request)
        if signed_in and "Cache-Control" not in response:
            # Pages for a signed-in person show their (health) data: no copy in any cache.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        # In process_view, after the portal's enforcement: a section that is off is refused
        # with its own page for every method.
        if request.method not in ALLOWED_METHODS:
            response = HttpResponse(
                "This address does not accept that method.",
                status=405,
                content_type="text/plain; charset=utf-8",
            )
            response["Allow"] = ", ".join(ALLOWED_METHODS)
            return response
        if _is_admin(request) and _carries_nul(request):
            # PostgreSQL refuses NUL bytes in text. The app's own forms refuse them with their
            # own message (clients.validators); the Django admin's searches, filters and
            # autocomplete do not, so a NUL there is refused here, before the ORM sees it.
            body = render_to_string(
                "400.html",
                {
                    "exception": "This request contains a character that cannot be saved (a NUL "
                    "byte), so nothing was saved or searched."
                },
                request=request,
            )
            return HttpResponse(body, status=400)
        return None


def _is_admin(request) -> bool:
    match = request.resolver_match
    return match is not None and match.app_name == "admin"


def _carries_nul(request) -> bool:
    parts = [request.GET] + ([request.POST] if request.method == "POST" else [])
    return any(
        "\x00" in key or any("\x00" in value for value in values)
        for part in parts
        for key, values in part.lists()
    )
