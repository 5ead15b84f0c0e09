"""Sessions end after inactivity (sliding), at sign-out, and at once for a closed account."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from accounts.models import UserSession
from accounts.services import AccountError, user_deactivate
from organisation.models import Role
from tests.accounts.support import user_with_role
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC)


def signed_in(client, user):  # type: ignore[no-untyped-def]
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:  # type: ignore[no-untyped-def]
    response = client.get(reverse("mfa_index"))
    return response.status_code == 200


def test_inactivity_limit_comes_from_settings():
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_INACTIVITY_MINUTES * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_session_ends_after_the_inactivity_limit(client):
    user = UserFactory()
    limit = dt.timedelta(minutes=settings.SESSION_INACTIVITY_MINUTES)
    with time_machine.travel(START, tick=False) as clock:
        signed_in(client, user)
        clock.move_to(START + limit - dt.timedelta(minutes=1))
        assert is_signed_in(client)
        # Quiet for longer than the limit since the last request: signed out.
        clock.move_to(START + 2 * limit)
        assert not is_signed_in(client)
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_each_request_pushes_the_expiry_back(client):
    user = UserFactory()
    limit = dt.timedelta(minutes=settings.SESSION_INACTIVITY_MINUTES)
    step = limit - dt.timedelta(minutes=5)
    with time_machine.travel(START, tick=False) as clock:
        signed_in(client, user)
        for n in range(1, 5):
            clock.move_to(START + n * step)
            assert is_signed_in(client), f"signed out after {n} active periods"
        # Well past the limit from sign-in, but never that long idle: still signed in.
        assert START + 4 * step > START + 3 * limit


def test_session_rows_record_the_account(client):
    user = UserFactory()
    signed_in(client, user)
    key = client.session.session_key
    assert UserSession.objects.get(session_key=key).user == user


def test_deactivated_user_is_treated_as_signed_out_at_once(client):
    user = UserFactory()
    signed_in(client, user)
    assert is_signed_in(client)
    # Closed directly, without the service: Django still refuses the inactive account.
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_user_deactivate_ends_every_session(client):
    from django.test import Client

    hr = user_with_role(Role.HR)
    user = UserFactory(trust=hr.trust)
    laptop, phone = signed_in(client, user), signed_in(Client(), user)
    assert UserSession.objects.filter(user=user).count() == 2
    other = UserFactory(trust=hr.trust)
    other_client = signed_in(Client(), other)

    user_deactivate(user=user, actor=hr)

    user.refresh_from_db()
    assert user.is_active is False
    assert not UserSession.objects.filter(user=user).exists()
    for browser in (laptop, phone):
        response = browser.get(reverse("home"))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    assert is_signed_in(other_client)
    assert user.history.first().history_user == hr


def test_user_deactivate_refuses_own_account_and_other_trusts():
    hr = user_with_role(Role.HR)
    with pytest.raises(AccountError):
        user_deactivate(user=hr, actor=hr)
    stranger = UserFactory()
    with pytest.raises(AccountError):
        user_deactivate(user=stranger, actor=hr)
    stranger.refresh_from_db()
    assert stranger.is_active
