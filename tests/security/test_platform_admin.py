"""The Django admin is for the platform's operators (superusers), never for trust staff.

It crosses trusts by design, so no trust role, however senior, opens it."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

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
