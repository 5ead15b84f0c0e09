"""HR (or a trust administrator) resets the two-step verification of someone who lost their
phone; nobody resets their own, and nobody outside the trust sees the button or the record."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession

pytestmark = pytest.mark.django_db


def _with_authenticator(user):  # type: ignore[no-untyped-def]
    TOTP.activate(user, generate_totp_secret())
    RecoveryCodes.activate(user)
    return user


def _url(world, persona: str) -> str:  # type: ignore[no-untyped-def]
    return reverse(
        "organisation:staff_account",
        kwargs={"pk": world.staff[persona].pk, "action": "reset-two-step"},
    )


@pytest.mark.parametrize("resetter", ["hr", "trust_admin"])
def test_reset_removes_the_authenticator_and_ends_sessions(world, resetter):
    head = _with_authenticator(world.user("headteacher"))
    signed_in = Client()
    signed_in.force_login(head)
    assert UserSession.objects.filter(user=head).exists()

    client = Client()
    client.force_login(world.user(resetter))
    page = client.get(reverse("organisation:staff_detail", args=[world.staff["headteacher"].pk]))
    assert "Reset two-step verification" in page.text

    response = client.post(_url(world, "headteacher"), follow=True)
    assert "two-step verification has been reset" in response.text
    assert not Authenticator.objects.filter(user=head).exists()
    assert not UserSession.objects.filter(user=head).exists()


@pytest.mark.parametrize(
    ("persona", "target", "status"),
    [
        ("headteacher", "appraisee", 403),  # sees the record, may not reset the account
        ("appraisee", "appraisee", 403),  # their own record
        ("hr", "hr", 403),  # HR cannot reset their own
        ("appraisee", "colleague", 404),  # cannot see the record at all
        ("b_hr", "appraisee", 404),  # another trust
    ],
)
def test_others_are_refused_and_nothing_changes(world, persona, target, status):
    user = _with_authenticator(world.user(target))
    client = Client()
    client.force_login(world.user(persona))
    assert client.post(_url(world, target)).status_code == status
    assert Authenticator.objects.filter(user=user).count() == 2


def test_only_a_post_with_the_known_action(world):
    client = Client()
    client.force_login(world.user("hr"))
    assert client.get(_url(world, "appraisee")).status_code == 405
    other = reverse(
        "organisation:staff_account",
        kwargs={"pk": world.staff["appraisee"].pk, "action": "delete"},
    )
    assert client.post(other).status_code == 404
