"""The personal data pages: the person themself and HR of their trust; everyone else
"not found". Each request and download is in the access log."""

from __future__ import annotations

import io
import zipfile

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AccessLogEntry, SecurityEvent
from subject_access.models import AccessRequest
from submissions.guard import FIELD_NAME, issue_token
from tests.objectives.support import user

from .conftest import Scene, built, own_request

# persona -> may they see (and download) the teacher's own copy?
MATRIX = {
    "teacher": True,
    "hr": True,
    "reviewer": False,
    "headteacher": False,
    "colleague": False,
    "outsider": False,  # HR of another trust
}


def _client(scene: Scene, persona: str) -> Client:
    client = Client()
    client.force_login(user(getattr(scene.school, persona)))
    return client


def test_who_sees_and_downloads_a_copy(scene: Scene) -> None:
    """The role matrix, on one copy (building the scene once keeps it cheap)."""
    row = built(own_request(scene))
    for persona, allowed in MATRIX.items():
        client = _client(scene, persona)
        page = client.get(reverse("subject_access:detail", args=[row.pk]))
        download = client.get(reverse("subject_access:download", args=[row.pk]))
        assert page.status_code == (200 if allowed else 404), persona
        assert download.status_code == (200 if allowed else 404), persona
        if not allowed:
            continue
        assert "no-store" in page["Cache-Control"]
        body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
        assert "data/objectives.json" in zipfile.ZipFile(io.BytesIO(body)).namelist()
        assert AccessLogEntry.objects.filter(
            object_type="subject_access.accessrequest",
            object_id=str(row.pk),
            action="download",
            user=user(getattr(scene.school, persona)),
        ).exists()
    # Each refusal of a copy that exists is in the security log (the page still says 404).
    refused = SecurityEvent.objects.filter(
        kind="not_found", path=reverse("subject_access:detail", args=[row.pk])
    )
    assert refused.count() == sum(1 for allowed in MATRIX.values() if not allowed)


def test_asking_from_the_home_page_is_recorded_and_shows_progress(scene: Scene) -> None:
    client = _client(scene, "teacher")
    home = client.get(reverse("home")).content.decode()
    assert reverse("subject_access:mine") in home
    response = client.post(reverse("subject_access:request_new"), {FIELD_NAME: issue_token()})
    row = AccessRequest.objects.get(staff=scene.school.teacher)
    assert response["Location"] == reverse("subject_access:detail", args=[row.pk])
    assert AccessLogEntry.objects.filter(
        object_type="subject_access.accessrequest", object_id=str(row.pk), action="export"
    ).exists()
    page = client.get(response["Location"]).content.decode()
    assert "Waiting to be built" in page
    built(row)
    page = client.get(response["Location"]).content.decode()
    assert reverse("subject_access:download", args=[row.pk]) in page


def test_only_hr_asks_on_someones_behalf(scene: Scene) -> None:
    for persona in ("teacher", "reviewer", "headteacher"):
        client = _client(scene, persona)
        assert client.get(reverse("subject_access:trust")).status_code == 404, persona
        assert client.get(reverse("subject_access:on_behalf_new")).status_code == 404, persona


def test_hr_records_a_request_and_sees_its_deadline_until_answered(scene: Scene) -> None:
    client = _client(scene, "hr")
    today = timezone.localdate()
    response = client.post(
        reverse("subject_access:on_behalf_new"),
        {
            "staff_number": scene.school.teacher.staff_number,
            "asked_by": "Tom, by letter",
            "received_on": today.isoformat(),
            FIELD_NAME: issue_token(),
        },
    )
    row = AccessRequest.objects.get(on_behalf=True)
    assert response.status_code == 302 and row.requested_by == user(scene.school.hr)
    listing = client.get(reverse("subject_access:trust")).content.decode()
    assert f"{row.due_on:%-d %B %Y}" in listing
    home = client.get(reverse("home")).content.decode()
    assert "1 to answer" in home
    # On HR's to-do list too, by its deadline, until they record the copy was given.
    assert "Give Tom Tester the copy of their personal data asked for" in home
    client.post(
        reverse("subject_access:respond", args=[row.pk]), {"responded_on": today.isoformat()}
    )
    row.refresh_from_db()
    assert row.responded_on == today
    assert "Tom" not in client.get(reverse("subject_access:trust")).content.decode()


def test_an_unknown_staff_number_is_an_error_next_to_its_field(scene: Scene) -> None:
    response = _client(scene, "hr").post(
        reverse("subject_access:on_behalf_new"),
        {
            "staff_number": "NOPE",
            "asked_by": "Someone",
            "received_on": timezone.localdate().isoformat(),
            FIELD_NAME: issue_token(),
        },
    )
    assert response.status_code == 200
    assert "No member of staff of the trust has that number" in response.content.decode()
    assert not AccessRequest.objects.exists()
