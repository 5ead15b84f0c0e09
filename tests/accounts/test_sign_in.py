"""Signing in with email and password, signing out, and the closed sign-up page."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse

from accounts.models import UserSession
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def sign_in(client, email, password=TEST_PASSWORD):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_login_page_is_govuk_styled_and_offers_no_sign_up(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Sign in</h1>' in html
    assert 'class="govuk-input' in html
    assert "Email address" in html
    assert "accounts are created by your trust" in html.lower()
    assert reverse("account_signup") not in html
    # No placeholder text standing in for labels.
    assert "placeholder=" not in html


def test_sign_in_with_email_and_password(client):
    user = UserFactory(email="ada@example.org")
    response = sign_in(client, "Ada@Example.org")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(user.pk)


def test_wrong_password_shows_an_error_and_signs_nobody_in(client):
    UserFactory(email="ada@example.org")
    response = sign_in(client, "ada@example.org", "not-the-password")
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "The email address or password is not right" in html
    assert "_auth_user_id" not in client.session


def test_unknown_address_gets_the_same_error_as_a_wrong_password(client):
    UserFactory(email="ada@example.org")
    wrong_password = sign_in(client, "ada@example.org", "not-the-password").content.decode()
    unknown = sign_in(client, "nobody@example.org", "not-the-password").content.decode()
    message = "The email address or password is not right"
    assert message in wrong_password
    assert message in unknown


def test_inactive_account_cannot_sign_in(client):
    UserFactory(email="gone@example.org", is_active=False)
    response = sign_in(client, "gone@example.org")
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)


def test_sign_in_and_failure_are_logged(client, caplog):
    UserFactory(email="ada@example.org")
    with caplog.at_level(logging.INFO, logger="appraisal.security"):
        sign_in(client, "ada@example.org", "wrong-password-1")
        sign_in(client, "ada@example.org")
    messages = [r.getMessage() for r in caplog.records if r.name == "appraisal.security"]
    assert any(m.startswith("sign-in failed login=ada@example.org") for m in messages)
    assert any(m.startswith("sign-in user_id=") for m in messages)
    assert not any(TEST_PASSWORD in m or "wrong-password-1" in m for m in messages)


def test_sign_out_asks_first_then_ends_the_session(client):
    user = UserFactory()
    client.force_login(user)
    old_key = client.session.session_key
    confirm = client.get(reverse("account_logout"))
    assert confirm.status_code == 200
    assert "Are you sure you want to sign out?" in confirm.content.decode()
    assert UserSession.objects.filter(session_key=old_key, user=user).exists()

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert not UserSession.objects.filter(session_key=old_key).exists()
    # The old cookie no longer signs anyone in.
    client.cookies["sessionid"] = old_key
    assert client.get(reverse("audit:index")).status_code == 302


def test_signup_is_closed_with_an_explanation(client):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Accounts are created by your trust" in html
    assert "<form" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_signup_post_creates_no_account(client, django_user_model):
    before = django_user_model.objects.count()
    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.org",
            "password1": "a-long-pass-99x",
            "password2": "a-long-pass-99x",
        },
    )
    assert django_user_model.objects.count() == before


def test_password_reset_pages_are_styled(client, mailoutbox):
    UserFactory(email="ada@example.org")
    page = client.get(reverse("account_reset_password"))
    assert "Reset your password" in page.content.decode()
    response = client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    assert response.status_code == 302
    done = client.get(response.url)
    assert "Check your email" in done.content.decode()
    assert len(mailoutbox) == 1


def test_password_reset_from_key_changes_the_password(client, mailoutbox):
    import re

    user = UserFactory(email="ada@example.org")
    client.post(reverse("account_reset_password"), {"email": "ada@example.org"})
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mailoutbox[0].body)
    assert link is not None
    page = client.get(link.group(1), follow=True)
    assert "Choose a new password" in page.content.decode()
    new_password = "a-different-long-password-77"
    response = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link.group(1),
        {"password1": new_password, "password2": new_password},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)
    done = client.get(response.url)
    assert "Your password has been changed" in done.content.decode()


def test_bad_reset_link_explains_itself(client):
    response = client.get("/accounts/password/reset/key/zz-set-password/", follow=True)
    assert "This link has expired" in response.content.decode()


def test_password_change_page_is_styled(client):
    client.force_login(UserFactory())
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 200
    assert "Change your password" in response.content.decode()


def test_social_buttons_only_when_configured(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "Sign in with Microsoft" not in client.get(reverse("account_login")).content.decode()
    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {"APPS": [{"client_id": "id", "secret": "s", "settings": {}}]}
    }
    html = client.get(reverse("account_login")).content.decode()
    assert "Sign in with Microsoft" in html
    assert "Sign in with Google" not in html
