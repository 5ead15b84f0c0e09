"""The service's own "Page not found" even while DEBUG is on."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views import defaults


class FriendlyNotFoundMiddleware:
    """With DEBUG on, Django answers a missing or refused page with its technical 404, which
    lists every URL pattern of the site and the reason the view gave. A person trying the demo
    must see what production shows: the service's page, saying nothing about what exists.
    Other errors (500 tracebacks) are left to Django so developers still see them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code == 404
            and response.get("Content-Type", "").startswith("text/html")
        ):
            return defaults.page_not_found(request, Http404())
        return response
