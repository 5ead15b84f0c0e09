"""URLs that fail or refuse, to see the 500 and 403 pages the way a visitor would."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from appraisal_site.urls import urlpatterns as project_urlpatterns


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure for the error page test")


def _refused(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("deliberate refusal for the error page test")


urlpatterns = [*project_urlpatterns, path("boom/", _boom), path("refused/", _refused)]
