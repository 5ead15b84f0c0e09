"""A few wrong two-step codes per account, then nothing is checked until the window passes;
every refused code is a security event."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import SecurityEvent, SecurityEventKind
from organisation.models import Role
from tests.accounts.support import current_code, give_totp, user_with_role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

TRIES = 5  # "5/5m/key" in settings.ACCOUNT_RATE_LIMITS["login_failed"]
WINDOW = dt.timedelta(minutes=5)
TOO_MANY = "You have tried too many times"
WRONG = "The code is not right"


def wrong_code(secret: str) -> str:
    """A 6-digit code that no counter in the current window accepts."""
    valid = {
        format_hotp_value(hotp_value(secret, counter))
        for counter in yield_hotp_counters_from_time()
    }
    n = 0
    while f"{n:06d}" in valid:
        n += 1
    return f"{n:06d}"


def password_step(client: Client, email: str) -> None:
    response = client.post(reverse("account_login"), {"login": email, "password": TEST_PASSWORD})
    assert response.url == reverse("mfa_authenticate")


def code_step(client: Client, code: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("mfa_authenticate"), {"code": code})


def events(kind: str) -> int:
    return SecurityEvent.objects.filter(kind=kind).count()


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller, start


def test_wrong_codes_are_limited_then_the_window_passes(client, mfa_enforced, frozen):
    traveller, start = frozen
    user = user_with_role(Role.HR)
    secret = give_totp(user)
    password_step(client, user.email)

    for n in range(TRIES):
        response = code_step(client, wrong_code(secret))
        assert response.status_code == 200
        assert WRONG in response.content.decode(), n
    # The sixth try is refused without being checked...
    sixth = code_step(client, wrong_code(secret))
    assert TOO_MANY in sixth.content.decode()
    # ...and so is the right code, until the window has passed.
    right = code_step(client, current_code(secret))
    assert right.status_code == 200
    assert TOO_MANY in right.content.decode()
    assert "_auth_user_id" not in client.session

    traveller.move_to(start + WINDOW - dt.timedelta(seconds=5))
    assert TOO_MANY in code_step(client, current_code(secret)).content.decode()
    assert "_auth_user_id" not in client.session

    traveller.move_to(start + WINDOW + dt.timedelta(seconds=1))
    signed_in = code_step(client, current_code(secret))
    assert signed_in.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)

    assert events(SecurityEventKind.TWO_STEP_WRONG) == TRIES
    assert events(SecurityEventKind.TWO_STEP_LIMITED) == 3
    event = SecurityEvent.objects.filter(kind=SecurityEventKind.TWO_STEP_LIMITED).first()
    assert event is not None
    assert (event.user, event.trust_id, event.ip) == (user, user.trust_id, "127.0.0.1")
    assert event.path == reverse("mfa_authenticate")


def test_the_limit_is_per_account_not_per_session(mfa_enforced, frozen):
    """Starting the sign-in again (a new session, the right password) does not give more
    tries; another person at the same address is not affected."""
    user = user_with_role(Role.HR)
    secret = give_totp(user)
    for _ in range(TRIES):
        fresh = Client()
        password_step(fresh, user.email)
        assert WRONG in code_step(fresh, wrong_code(secret)).content.decode()
    again = Client()
    password_step(again, user.email)
    assert TOO_MANY in code_step(again, current_code(secret)).content.decode()

    colleague = user_with_role(Role.HEADTEACHER)
    colleague_secret = give_totp(colleague)
    other = Client()
    password_step(other, colleague.email)
    assert code_step(other, current_code(colleague_secret)).status_code == 302


def test_fewer_wrong_codes_than_the_limit_then_the_right_one_signs_in(client, mfa_enforced):
    user = user_with_role(Role.HR)
    secret = give_totp(user)
    password_step(client, user.email)
    for _ in range(TRIES - 1):
        code_step(client, wrong_code(secret))
    assert code_step(client, current_code(secret)).status_code == 302
    assert events(SecurityEventKind.TWO_STEP_WRONG) == TRIES - 1
    assert events(SecurityEventKind.TWO_STEP_LIMITED) == 0


def test_wrong_codes_when_confirming_it_is_you_are_limited_and_logged(client, frozen):
    user = user_with_role(Role.HR)
    secret = give_totp(user)
    client.force_login(user)
    for _ in range(TRIES):
        response = client.post(reverse("mfa_reauthenticate"), {"code": wrong_code(secret)})
        assert WRONG in response.content.decode()
    refused = client.post(reverse("mfa_reauthenticate"), {"code": current_code(secret)})
    assert TOO_MANY in refused.content.decode()
    assert events(SecurityEventKind.TWO_STEP_WRONG) == TRIES
    assert events(SecurityEventKind.TWO_STEP_LIMITED) == 1
