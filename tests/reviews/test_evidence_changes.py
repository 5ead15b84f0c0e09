"""Evidence corrected or withdrawn by the person who added it (or the reviewer) until the
review is completed; refused after that with a clear message. The history keeps each
version; a replaced or withdrawn file leaves storage once the change is committed."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reviews.models import Evidence
from reviews.services import (
    ReviewError,
    evidence_add_file,
    evidence_add_note,
    evidence_change,
    evidence_withdraw,
)

from .test_evidence import EXE, PDF, PNG, stored_files
from .test_moderation_and_deadlines import complete_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def pdf_evidence(s) -> Evidence:  # type: ignore[no-untyped-def]
    return evidence_add_file(
        actor=s.appraisee.user,
        cycle=s.cycle,
        title="Lesson plan",
        stream=io.BytesIO(PDF),
        original_name="Lesson plan.pdf",
        size=len(PDF),
    )


def test_the_adder_replaces_a_file_and_the_old_one_leaves_storage(
    s, settings, pdf_evidence, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    old_name = pdf_evidence.file.name
    with django_capture_on_commit_callbacks(execute=True):
        changed = evidence_change(
            actor=s.appraisee.user,
            evidence=pdf_evidence,
            title="Lesson plan, corrected",
            stream=io.BytesIO(PNG),
            original_name="plan.png",
            size=len(PNG),
        )
    assert changed.extension == "png" and changed.file.name != old_name
    assert changed.changed_at is not None
    assert [p.name for p in stored_files(settings)] == [changed.file.name.rsplit("/", 1)[-1]]
    names = set(changed.history.values_list("file", flat=True))  # type: ignore[attr-defined]
    assert {old_name, changed.file.name} <= names


def test_a_refused_replacement_keeps_the_old_file_and_leaves_no_new_one(
    s, settings, pdf_evidence
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ReviewError) as refused:
        evidence_change(
            actor=s.appraisee.user,
            evidence=pdf_evidence,
            title="x",
            stream=io.BytesIO(EXE),
            original_name="x.pdf",
            size=len(EXE),
        )
    assert refused.value.field == "file"
    assert len(stored_files(settings)) == 1
    # Someone else's evidence: the colleague sees nothing; the appraisee may not change
    # the reviewer's note, the reviewer may change the appraisee's.
    note = evidence_add_note(actor=s.reviewer.user, cycle=s.cycle, title="Obs", note="Good.")
    for actor in (s.colleague, s.appraisee, s.outsider):
        with pytest.raises(ReviewError):
            evidence_change(actor=actor.user, evidence=note, title="Mine", note="Changed")
    evidence_change(actor=s.reviewer.user, evidence=pdf_evidence, title="Renamed by reviewer")
    assert Evidence.objects.get(pk=pdf_evidence.pk).title == "Renamed by reviewer"


def test_withdrawn_is_kept_unlisted_and_its_file_removed(
    client, s, settings, pdf_evidence, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_withdraw(actor=s.appraisee.user, evidence=pdf_evidence, reason="Wrong file")
    row = Evidence.objects.get(pk=pdf_evidence.pk)
    assert row.withdrawn_by == s.appraisee.user and row.withdrawal_reason == "Wrong file"
    assert not row.file and stored_files(settings) == []
    client.force_login(s.appraisee.user)
    page = client.get(reverse("cycles:detail", args=[s.cycle.pk])).content.decode()
    assert "Lesson plan" not in page
    download = reverse("reviews:evidence_download", args=[s.cycle.pk, row.pk])
    assert client.get(download).status_code == 404
    with pytest.raises(ReviewError, match="withdrawn"):
        evidence_withdraw(actor=s.appraisee.user, evidence=row)


def test_after_the_review_is_completed_it_is_refused(client, s, pdf_evidence) -> None:  # type: ignore[no-untyped-def]
    complete_review(s, s.cycle)
    with pytest.raises(ReviewError, match="review was completed on"):
        evidence_withdraw(actor=s.appraisee.user, evidence=pdf_evidence)
    client.force_login(s.appraisee.user)
    url = reverse("reviews:evidence_change", args=[s.cycle.pk, pdf_evidence.pk])
    response = client.post(url, {"title": "Changed"})
    assert response.status_code == 200
    assert "can no longer be changed or withdrawn" in response.content.decode()
    assert Evidence.objects.get(pk=pdf_evidence.pk).title == "Lesson plan"
    page = client.get(reverse("cycles:detail", args=[s.cycle.pk])).content.decode()
    assert url not in page


def test_change_and_withdraw_pages(client, s, settings, pdf_evidence) -> None:  # type: ignore[no-untyped-def]
    change = reverse("reviews:evidence_change", args=[s.cycle.pk, pdf_evidence.pk])
    withdraw = reverse("reviews:evidence_withdraw", args=[s.cycle.pk, pdf_evidence.pk])
    client.force_login(s.appraisee.user)
    assert change in client.get(reverse("cycles:detail", args=[s.cycle.pk])).content.decode()
    assert client.get(change).status_code == 200
    response = client.post(change, {"title": ""})
    page = response.content.decode()
    assert response.status_code == 200 and 'href="#id_title"' in page
    bad = SimpleUploadedFile("x.pdf", EXE, content_type="application/pdf")
    response = client.post(change, {"title": "T", "file": bad})
    assert response.status_code == 200 and "must be a PDF" in response.content.decode()
    assert 'href="#id_file"' in response.content.decode()
    good = SimpleUploadedFile("new.png", PNG, content_type="image/png")
    assert client.post(change, {"title": "New plan", "file": good}).status_code == 302
    assert Evidence.objects.get(pk=pdf_evidence.pk).extension == "png"
    assert client.get(withdraw).status_code == 200
    assert client.post(withdraw, {"reason": "x" * 400}).status_code == 200
    assert client.post(withdraw, {"reason": "Not needed"}).status_code == 302
    assert client.get(withdraw).status_code == 404
    # Those who may not see it: not found; the colleague of the same academy likewise.
    for outsider in (s.colleague, s.outsider):
        client.force_login(outsider.user)
        assert client.get(change).status_code == 404


def test_the_appraisee_may_not_change_the_reviewers_evidence(client, s) -> None:  # type: ignore[no-untyped-def]
    note = evidence_add_note(actor=s.reviewer.user, cycle=s.cycle, title="Obs", note="Good.")
    client.force_login(s.appraisee.user)
    url = reverse("reviews:evidence_change", args=[s.cycle.pk, note.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"title": "Mine", "note": "Changed"}).status_code == 403
    client.force_login(s.reviewer.user)
    assert client.post(url, {"title": "Obs", "note": "Better."}).status_code == 302
    assert Evidence.objects.get(pk=note.pk).note == "Better."
