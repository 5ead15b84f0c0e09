"""Response headers: nothing is cached, the CSP nonce is used, framing is refused."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from organisation.models import Role
from tests.accounts.support import user_with_role

pytestmark = pytest.mark.django_db


def assert_not_stored(response) -> None:  # type: ignore[no-untyped-def]
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_login_page_is_not_stored(client):
    assert_not_stored(client.get(reverse("account_login")))


def test_confidential_page_is_not_stored(client):
    client.force_login(user_with_role(Role.HR))
    response = client.get(reverse("audit:index"))
    assert response.status_code == 200
    assert_not_stored(response)


def test_not_found_page_is_not_stored(client):
    client.force_login(user_with_role(None))
    assert_not_stored(client.get("/no-such-page/"))


def test_csp_header_uses_the_nonce_of_the_inline_script(client):
    response = client.get(reverse("account_login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    header_nonce = re.search(r"'nonce-([^']+)'", policy)
    assert header_nonce is not None
    html = response.content.decode()
    inline = re.findall(r"<script nonce=\"([^\"]+)\">", html)
    assert inline == [header_nonce.group(1)]
    # Every other script is a file from this site, never inline code.
    for tag in re.findall(r"<script[^>]*>", html):
        assert "nonce=" in tag or "src=" in tag
    assert "unsafe-inline" not in policy


def test_nonce_changes_with_every_response(client):
    first = client.get(reverse("account_login"))["Content-Security-Policy"]
    second = client.get(reverse("account_login"))["Content-Security-Policy"]
    assert first != second


def test_framing_and_sniffing_are_refused(client):
    response = client.get(reverse("account_login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_strict_enough(client, settings):
    from tests.factories import TEST_PASSWORD, UserFactory

    user = UserFactory()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    # Ends with the browser; the server also ends it after inactivity.
    assert not cookie["max-age"]
