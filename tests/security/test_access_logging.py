"""Reading a confidential record leaves an access-log row; asking for one you may not see
leaves a security event (and the same 404 as a record that does not exist)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AccessLogEntry, SecurityEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url_name", "obj"),
    [("cycles:detail", "cycle"), ("organisation:staff_detail", "staff")],
)
def test_reads_are_logged_and_refusals_recorded(world, url_name, obj):
    target = world.cycles["appraisee"] if obj == "cycle" else world.staff["appraisee"]
    url = reverse(url_name, kwargs={"pk": target.pk})

    reader = Client()
    reader.force_login(world.user("line_manager"))
    assert reader.get(url).status_code == 200
    entry = AccessLogEntry.objects.get(user=world.user("line_manager"))
    assert entry.trust == world.trust
    assert entry.object_id == str(target.pk)

    outsider = Client()
    outsider.force_login(world.user("colleague"))
    assert outsider.get(url).status_code == 404
    event = SecurityEvent.objects.get(user=world.user("colleague"))
    assert event.path == url
    assert not AccessLogEntry.objects.filter(user=world.user("colleague")).exists()

    missing = reverse(url_name, kwargs={"pk": target.pk + 10_000})
    assert outsider.get(missing).status_code == 404
    assert SecurityEvent.objects.filter(user=world.user("colleague")).count() == 1
