"""The Django admin is for the platform's operators (superusers), never for trust staff.

It crosses trusts by design, so no trust role, however senior, opens it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.personas import ALL_PERSONAS

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["", "organisation/staffmember/", "accounts/user/"]


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_no_trust_persona_opens_the_admin(world, persona):
    client = Client()
    client.force_login(world.user(persona))
    for page in ADMIN_PAGES:
        response = client.get(f"/{settings.ADMIN_URL}{page}")
        assert response.status_code == 302, page
        assert "/login/" in response["Location"]


def test_superuser_opens_the_admin(django_user_model):
    operator = django_user_model.objects.create_superuser(
        email="operator@example.org", password="x" * 20
    )
    client = Client()
    client.force_login(operator)
    for page in ADMIN_PAGES:
        assert client.get(f"/{settings.ADMIN_URL}{page}").status_code == 200, page


def _operator_with_authenticator(django_user_model):  # type: ignore[no-untyped-def]
    from tests.accounts.support import give_totp

    operator = django_user_model.objects.create_superuser(
        email="operator@example.org", password="x" * 20
    )
    return operator, give_totp(operator)


def test_admin_login_goes_through_the_sign_in_with_its_second_step(django_user_model):
    from tests.accounts.support import current_code

    operator, secret = _operator_with_authenticator(django_user_model)
    client = Client()
    admin_login = f"/{settings.ADMIN_URL}login/"
    # The admin's own password form is never shown: the project's sign-in is.
    page = client.get(f"{admin_login}?next=/{settings.ADMIN_URL}")
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("account_login"))
    # Posting email and password straight to the admin's login signs nobody in.
    for field in ("username", "email", "login"):
        client.post(admin_login, {field: operator.email, "password": "x" * 20})
        assert "_auth_user_id" not in client.session
        assert client.get(f"/{settings.ADMIN_URL}").status_code == 302
    # The password alone stops at the second step.
    step = client.post(reverse("account_login"), {"login": operator.email, "password": "x" * 20})
    assert step["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 302
    # With the code, the admin opens.
    done = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert done.status_code == 302
    assert client.get(f"/{settings.ADMIN_URL}").status_code == 200


def test_signed_in_trust_staff_are_refused_at_the_admin_login(world):
    client = Client()
    client.force_login(world.user("hr"))
    assert client.get(f"/{settings.ADMIN_URL}login/").status_code == 403
