from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse("Hello", content_type="text/plain")


urlpatterns = [path("bench/bare/", hello)]
