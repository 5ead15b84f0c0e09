"""The project's URLs plus a stand-in start page, for as long as the real one is missing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from appraisal_site.urls import urlpatterns as project_urlpatterns


def _start(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Start page")


urlpatterns = [*project_urlpatterns, path("", _start, name="home")]
