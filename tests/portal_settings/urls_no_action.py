"""A URLconf whose billing pages only show things (nothing tagged as acting), and one view that
has a section but no word on whether it acts."""

from django.http import HttpResponse
from django.urls import include, path

from portal_settings.enforcement import TAG, portal_section


@portal_section("billing")
def billing(request):
    return HttpResponse("")


def goals(request):
    return HttpResponse("")


setattr(goals, TAG, "goals")  # tagged by hand, the way a forgotten decorator argument would be


urlpatterns = [
    path(
        "portal/",
        include(
            (
                [
                    path("billing/", billing, name="billing"),
                    path("goals/", goals, name="goals"),
                ],
                "portal",
            )
        ),
    )
]
