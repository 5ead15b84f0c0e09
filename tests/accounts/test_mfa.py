"""Two-step verification: required for roles that see other people's records."""

from __future__ import annotations

from html import unescape

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from accounts.middleware import SETUP_MESSAGE
from organisation.mfa import role_requires_mfa
from organisation.models import Role
from organisation.principal import Principal
from tests.accounts.support import current_code, give_totp, has_totp, user_with_role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db


def confirm_password(client):  # type: ignore[no-untyped-def]
    """allauth asks for the password again before an authenticator is added or removed."""
    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})
    assert response.status_code == 302
    return response


@pytest.mark.parametrize(
    ("trust_roles", "academy_roles", "required"),
    [
        ({Role.HR}, {}, True),
        ({Role.TRUST_ADMIN}, {}, True),
        ({Role.EXECUTIVE}, {}, True),
        (set(), {Role.HEADTEACHER: frozenset({1})}, True),
        (set(), {Role.APPRAISAL_DELEGATE: frozenset({1})}, True),
        ({Role.TRUSTEE}, {}, False),
        (set(), {Role.GOVERNOR: frozenset({1})}, False),
        (set(), {}, False),
    ],
)
def test_which_roles_require_mfa(trust_roles, academy_roles, required):
    principal = Principal(
        user_id=1,
        trust_id=1,
        trust_roles=frozenset(trust_roles),
        academy_roles=academy_roles,
    )
    assert role_requires_mfa(principal) is required


@pytest.mark.parametrize("role", [Role.HR, Role.HEADTEACHER, Role.TRUST_ADMIN, Role.EXECUTIVE])
def test_privileged_user_without_totp_is_sent_to_set_it_up(client, mfa_enforced, role):
    user = user_with_role(role)
    client.force_login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    # Every other page too, including ones that do not exist for them.
    assert client.get(reverse("audit:index")).url == reverse("mfa_activate_totp")
    # Adding an authenticator first asks for the password again; that page is allowed.
    page = client.get(reverse("mfa_activate_totp"), follow=True)
    html = unescape(page.content.decode())
    assert "Confirm it is you" in html
    assert html.count(SETUP_MESSAGE) == 1
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    assert "Set up an authenticator app" in page.content.decode()


def test_sign_out_and_static_stay_reachable_during_setup(client, mfa_enforced):
    client.force_login(user_with_role(Role.HR))
    assert client.get(reverse("account_logout")).status_code == 200
    assert client.get("/static/vendor/app.css").status_code != 302


def test_teacher_is_not_asked_for_mfa(client, mfa_enforced):
    client.force_login(user_with_role(None))
    response = client.get(reverse("home"))
    assert response.status_code == 200


def test_privileged_user_with_totp_goes_about_their_work(client, mfa_enforced):
    user = user_with_role(Role.HR)
    give_totp(user)
    client.force_login(user)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("audit:index")).status_code == 200


def test_totp_setup_through_the_form_lifts_the_redirect(client, mfa_enforced):
    user = user_with_role(Role.HEADTEACHER)
    client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")
    confirm_password(client)
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret

    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert "The code is not right" in wrong.content.decode()
    assert not has_totp(user)

    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert has_totp(user)
    codes = client.get(response.url)
    assert "Your recovery codes" in codes.content.decode()
    assert client.get(reverse("home")).status_code == 200


def test_sign_in_with_totp_asks_for_the_code(client, mfa_enforced):
    user = user_with_role(Role.HR)
    secret = give_totp(user)
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("mfa_authenticate"))
    assert "Enter your authenticator code" in page.content.decode()

    bad = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert bad.status_code == 200
    assert "_auth_user_id" not in client.session

    good = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert good.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_required_role_cannot_turn_totp_off(client):
    user = user_with_role(Role.HR)
    give_totp(user)
    client.force_login(user)
    confirm_password(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert has_totp(user)
    assert "cannot be turned off" in response.content.decode()


def test_teacher_may_turn_totp_off(client):
    user = user_with_role(None)
    give_totp(user)
    client.force_login(user)
    confirm_password(client)
    page = client.get(reverse("mfa_deactivate_totp"))
    assert "Turn off the authenticator app" in page.content.decode()
    client.post(reverse("mfa_deactivate_totp"))
    assert not has_totp(user)


def test_mfa_index_page_is_styled(client):
    user = user_with_role(None)
    client.force_login(user)
    html = client.get(reverse("mfa_index")).content.decode()
    assert "Two-step verification" in html
    assert "Set up an authenticator app" in html


def test_platform_operator_must_set_up_an_authenticator(client, mfa_enforced, django_user_model):
    operator = django_user_model.objects.create_superuser(
        email="operator@example.org", password=TEST_PASSWORD
    )
    response = client.post(
        reverse("account_login"), {"login": operator.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    # Signed in with the password, but nothing opens, the admin included, until the app is set up.
    assert client.get(f"/{django_settings.ADMIN_URL}").url == reverse("mfa_activate_totp")
    assert client.get(reverse("home")).url == reverse("mfa_activate_totp")
    # And once set up, it cannot be turned off.
    give_totp(operator)
    assert client.get(f"/{django_settings.ADMIN_URL}").status_code == 200
    confirm_password(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert has_totp(operator)
