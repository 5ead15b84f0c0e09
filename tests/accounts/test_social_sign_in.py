"""Microsoft and Google sign-in pages exist only when the deployment has set them up."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp
from django.test import Client

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = [
    "/accounts/microsoft/login/",
    "/accounts/microsoft/login/callback/",
    "/accounts/google/login/",
    "/accounts/google/login/callback/",
    "/accounts/google/login/token/",
]


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("path", PAGES)
def test_unconfigured_providers_answer_not_found(settings, path, signed_in):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(UserFactory())
    assert client.get(path).status_code == 404
    assert client.post(path, {}).status_code == 404


def test_a_provider_configured_in_settings_is_routed(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "microsoft": {"APPS": [{"client_id": "id", "secret": "s", "settings": {}}]}
    }
    client = Client(raise_request_exception=False)
    # Starts the hand-over to Microsoft (a page asking to continue, or the redirect itself).
    assert client.get("/accounts/microsoft/login/").status_code in (200, 302)
    assert client.get("/accounts/google/login/").status_code == 404


def test_a_provider_configured_in_the_database_is_routed(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    SocialApp.objects.create(provider="google", name="Google", client_id="id", secret="s")
    client = Client(raise_request_exception=False)
    assert client.get("/accounts/google/login/").status_code in (200, 302)
    assert client.get("/accounts/microsoft/login/").status_code == 404
