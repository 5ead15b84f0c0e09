"""A URL that fails, to see the 500 page the way a visitor would."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from appraisal_site.urls import urlpatterns as project_urlpatterns


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure for the error page test")


urlpatterns = [*project_urlpatterns, path("boom/", _boom)]
