"""Nobody changes their own sign-in address: the trust owns it (staff import, HR)."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.urls import reverse

from organisation.models import Role
from tests.accounts.support import user_with_role
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

NEW = "new.deputy@example.org"


def addresses(user) -> list[tuple[str, bool]]:  # type: ignore[no-untyped-def]
    return sorted(EmailAddress.objects.filter(user=user).values_list("email", "primary"))


@pytest.mark.parametrize("role", [Role.GOVERNOR, None, Role.HR, Role.TRUST_ADMIN])
def test_email_page_is_not_found_and_changes_nothing(client, role):
    user = user_with_role(role)
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=True)
    before = addresses(user)
    client.force_login(user)
    url = "/accounts/email/"
    assert reverse("account_email") == url
    assert client.get(url).status_code == 404
    for data in (
        {"action_add": "", "email": NEW},
        {"action_primary": "", "email": NEW},
        {"action_remove": "", "email": user.email},
        {"action_send": "", "email": user.email},
    ):
        assert client.post(url, data).status_code == 404, data
    user.refresh_from_db()
    assert addresses(user) == before
    assert not EmailAddress.objects.filter(email__iexact=NEW).exists()
    assert user.email != NEW
    # The address they tried to add signs in to nothing.
    other = Client()
    other.post(reverse("account_login"), {"login": NEW, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in other.session


def test_anonymous_visitors_get_not_found_too(client):
    assert client.get("/accounts/email/").status_code == 404
    assert client.post("/accounts/email/", {"action_add": "", "email": NEW}).status_code == 404
