"""Bank holiday overrides are platform-wide: only superusers may see or change them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from calendars.models import BankHolidayOverride
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_superuser_manages_overrides() -> None:
    client = Client()
    client.force_login(UserFactory(trust=None, is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:calendars_bankholidayoverride_add"),
        {"date": "2027-05-14", "name": "Extra bank holiday", "is_holiday": "on"},
    )
    assert response.status_code == 302
    override = BankHolidayOverride.objects.get()
    assert override.date == dt.date(2027, 5, 14)
    changelist = client.get(reverse("admin:calendars_bankholidayoverride_changelist"))
    assert "Extra bank holiday" in changelist.text


def test_trust_staff_cannot_touch_overrides_even_with_model_permissions(trust_admin) -> None:  # type: ignore[no-untyped-def]
    trust_admin.is_staff = True
    trust_admin.save()
    trust_admin.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="calendars")
    )
    client = Client()
    client.force_login(trust_admin)
    add_url = reverse("admin:calendars_bankholidayoverride_add")
    assert client.get(reverse("admin:calendars_bankholidayoverride_changelist")).status_code == 403
    response = client.post(add_url, {"date": "2027-05-14", "name": "Day off", "is_holiday": "on"})
    assert response.status_code == 403
    assert not BankHolidayOverride.objects.exists()
