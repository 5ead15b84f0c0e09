"""A form sent without its security token gets a plain-English page, and changes nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from organisation.models import Trust

pytestmark = pytest.mark.django_db


def test_missing_csrf_token_shows_the_explaining_page(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.user("trust_admin"))
    response = client.post(reverse("organisation:trust_edit"), {"name": "Renamed"})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.text
    assert "Nothing was saved" in response.text
    assert Trust.objects.get(pk=world.trust.pk).name == "Alder Learning Trust"
