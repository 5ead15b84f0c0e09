"""The demo trust ``make run`` loads: every persona signs in to a home page of their own."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from appraisal_site.demo import seed_demo
from organisation.models import Role, RoleAssignment
from tests.accounts.support import current_code

pytestmark = pytest.mark.django_db

LABELS = [
    "Trust administrator",
    "HR",
    "Chief executive",
    "Headteacher",
    "Delegated lead",
    "Line manager",
    "Teacher",
    "Teaching assistant",
    "Governor",
    "Chair of governors",
    "External adviser",
]


def test_the_demo_prints_a_sign_in_for_every_persona_and_each_reaches_home():
    result = seed_demo(preset="classic-objectives", academic_year=2026)
    assert [p.label for p in result.personas] == LABELS
    by_label = {p.label: p for p in result.personas}
    # The roles that must use two-step verification come with an authenticator.
    for label in ("Trust administrator", "HR", "Chief executive", "Headteacher", "Delegated lead"):
        assert by_label[label].mfa_secret and by_label[label].recovery_codes
    assert not by_label["Teacher"].mfa_secret
    deputy = RoleAssignment.objects.active().get(role=Role.APPRAISAL_DELEGATE)
    assert deputy.user.email == by_label["Delegated lead"].email
    assert RoleAssignment.objects.active().get(role=Role.EXECUTIVE).user.email == (
        by_label["Chief executive"].email
    )
    for persona in result.personas:
        client = Client()
        signed_in = client.post(
            reverse("account_login"), {"login": persona.email, "password": persona.password}
        )
        assert signed_in.status_code == 302, persona.label
        if persona.mfa_secret:
            # The printed secret is a working authenticator: the second step accepts it.
            assert signed_in.url == reverse("mfa_authenticate"), persona.label
            client.post(reverse("mfa_authenticate"), {"code": current_code(persona.mfa_secret)})
        assert client.get("/").status_code == 200, persona.label

    again = seed_demo(preset="classic-objectives", academic_year=2026)
    assert not again.created and again.staff_count == result.staff_count
    assert RoleAssignment.objects.active().filter(role=Role.APPRAISAL_DELEGATE).count() == 1
