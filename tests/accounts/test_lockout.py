"""Repeated wrong passwords lock the account (django-axes), through the real sign-in form."""

from __future__ import annotations

import logging

import pytest
from django.conf import settings
from django.urls import reverse

from audit.models import SecurityEvent, SecurityEventKind
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def attempt(client, email, password):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_lockout_after_the_failure_limit(client, caplog):
    user = UserFactory(email="ada@example.org")
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        response = attempt(client, "ada@example.org", "wrong-password")
        assert response.status_code == 200
        assert "The email address or password is not right" in response.content.decode()

    with caplog.at_level(logging.INFO, logger="appraisal.security"):
        locked = attempt(client, "ADA@example.org", "wrong-password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "Your account is locked for now" in html
    assert "Reset your password" in html
    assert "1 hour" in html
    assert locked["Cache-Control"].startswith("no-store")
    assert any("account locked out login=ada@example.org" in r.getMessage() for r in caplog.records)
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOCKED_OUT)
    assert event.user == user
    assert event.trust_id == user.trust_id

    # Even the right password is refused while the lock lasts.
    again = attempt(client, "ada@example.org", TEST_PASSWORD)
    assert again.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_below_the_limit_then_success_resets_the_count(client):
    UserFactory(email="ada@example.org")
    limit = settings.AXES_FAILURE_LIMIT
    for _ in range(limit - 1):
        attempt(client, "ada@example.org", "wrong-password")
    assert attempt(client, "ada@example.org", TEST_PASSWORD).status_code == 302
    client.post(reverse("account_logout"))
    for _ in range(limit - 1):
        assert attempt(client, "ada@example.org", "wrong-password").status_code == 200


def test_lockout_is_per_account_not_per_address(client):
    UserFactory(email="ada@example.org")
    UserFactory(email="bob@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "ada@example.org", "wrong-password")
    # A colleague at the same school (same address) can still sign in.
    assert attempt(client, "bob@example.org", TEST_PASSWORD).status_code == 302
