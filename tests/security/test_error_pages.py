"""Error pages in the service's own style, saying nothing about what exists."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from audit.models import AccessLogEntry
from tests.accounts.support import user_with_role

pytestmark = pytest.mark.django_db


def test_404_says_page_not_found_and_nothing_more(client):
    client.force_login(user_with_role(None))
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert "<title>Page not found" in html
    for hint in ("permission", "not allowed", "exists", "access"):
        assert hint not in html.split("<main", 1)[1].lower(), hint


def test_hidden_page_and_missing_page_look_the_same(client):
    client.force_login(user_with_role(None))
    hidden = client.get(reverse("audit:index"))
    missing = client.get("/audit-nothing-here/")
    assert hidden.status_code == missing.status_code == 404

    def main(response) -> str:  # type: ignore[no-untyped-def]
        return response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]

    assert main(hidden) == main(missing)


def test_403_page(rf_user_request):
    response = defaults.permission_denied(rf_user_request, PermissionDenied())
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


def test_400_page(rf_user_request):
    response = defaults.bad_request(rf_user_request, SuspiciousOperation())
    assert response.status_code == 400
    assert "there is a problem with that request" in response.content.decode()


def test_500_page_renders_without_any_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert 'class="govuk-heading-l"' in html


def test_unhandled_error_gives_the_500_page(client, settings):
    settings.ROOT_URLCONF = "tests.security.failing_urls"
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert not AccessLogEntry.objects.exists()


@pytest.fixture
def rf_user_request():  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/somewhere/")
    request.user = AnonymousUser()
    request.csp_nonce = "n"  # type: ignore[attr-defined]
    return request


# With DEBUG on (``make run``) Django would show its own yellow 404 listing every URL
# pattern and the view's reason; the service's page must show instead.
DEBUG_LEAKS = (
    "Using the URLconf",
    "URLconf defined in",
    "Django tried these URL patterns",
    "DEBUG = True",
)


@pytest.mark.parametrize("path", ["/no-such-page/", "/audit/"])
def test_with_debug_on_a_missing_or_hidden_page_is_the_service_page(client, settings, path):
    settings.DEBUG = True
    client.force_login(user_with_role(None))
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in html
    assert 'class="govuk-header"' in html
    for leak in DEBUG_LEAKS:
        assert leak not in html, leak
    assert "no-store" in response["Cache-Control"]


def test_with_debug_on_an_anonymous_visitor_gets_the_service_page(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "Using the URLconf" not in html


def test_with_debug_on_a_refused_action_is_the_service_403(client, settings):
    settings.DEBUG = True
    settings.ROOT_URLCONF = "tests.security.failing_urls"
    client.force_login(user_with_role(None))
    response = client.get("/refused/")
    assert response.status_code == 403
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">You cannot do this</h1>' in html
    assert "deliberate refusal" not in html
