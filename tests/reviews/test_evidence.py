"""Evidence: notes and files, type checked by content, served only through the checked view."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AccessLogEntry
from reviews.models import Evidence
from reviews.services import ReviewError, evidence_add_file, evidence_add_note
from reviews.uploads import UploadRefused, check_upload, download_name
from tests.form_tokens import with_token

from .upload_samples import docx, image, ooxml, pdf, pptx, xlsx

PDF = pdf()
PNG = image("PNG")
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def stored_files(settings) -> list[Path]:  # type: ignore[no-untyped-def]
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# ----- Checking the content -----------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "extension"),
    [
        (PDF, "pdf"),
        (PNG, "png"),
        (image("JPEG"), "jpg"),
        (docx(), "docx"),
        (xlsx(), "xlsx"),
        (pptx(), "pptx"),
    ],
)
def test_allowed_types_found_from_content(content: bytes, extension: str) -> None:
    checked = check_upload(io.BytesIO(content), size=len(content), max_bytes=10_000)
    assert checked.extension == extension


@pytest.mark.parametrize("content", [EXE, b"just some text"])
def test_other_content_refused_whatever_the_name(content: bytes) -> None:
    with pytest.raises(UploadRefused, match="must be a PDF"):
        check_upload(io.BytesIO(content), size=len(content), max_bytes=10_000)


@pytest.mark.parametrize(
    "content",
    [ooxml("other/thing.xml", "application/xml"), b"PK\x03\x04 not really a zip"],
)
def test_a_zip_that_is_not_an_office_document_refused(content: bytes) -> None:
    with pytest.raises(UploadRefused, match="not a Word, Excel or PowerPoint document"):
        check_upload(io.BytesIO(content), size=len(content), max_bytes=10_000)


def test_too_big_refused() -> None:
    with pytest.raises(UploadRefused, match="smaller than"):
        check_upload(io.BytesIO(PDF), size=len(PDF), max_bytes=10)


def test_download_name_uses_the_real_type() -> None:
    assert download_name("../../etc/Lesson plan.exe", "pdf") == "Lesson plan.pdf"
    assert download_name("", "png") == "evidence.png"


# ----- Uploading through the page -------------------------------------------------------


def test_good_pdf_accepted(client, s, settings) -> None:  # type: ignore[no-untyped-def]
    client.force_login(s.appraisee.user)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("reviews:evidence_add", args=[s.cycle.pk]),
        with_token({"file": upload, "title": ""}),
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf"
    assert evidence.title == "plan.pdf"
    # Stored under a random name, not the uploader's.
    assert "plan" not in evidence.file.name
    assert len(stored_files(settings)) == 1


def test_exe_renamed_pdf_refused_and_nothing_saved(client, s, settings) -> None:  # type: ignore[no-untyped-def]
    client.force_login(s.appraisee.user)
    upload = SimpleUploadedFile("report.pdf", EXE, content_type="application/pdf")
    response = client.post(
        reverse("reviews:evidence_add", args=[s.cycle.pk]), with_token({"file": upload})
    )
    assert response.status_code == 200
    assert "must be a PDF" in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_too_big_refused_and_nothing_saved(client, s, settings) -> None:  # type: ignore[no-untyped-def]
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 50
    client.force_login(s.reviewer.user)
    upload = SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("reviews:evidence_add", args=[s.cycle.pk]), with_token({"file": upload})
    )
    assert response.status_code == 200
    assert "smaller than" in response.content.decode()
    assert not Evidence.objects.exists()
    assert stored_files(settings) == []


def test_note_added(s) -> None:  # type: ignore[no-untyped-def]
    note = evidence_add_note(actor=s.appraisee.user, cycle=s.cycle, title="CPD", note="Attended.")
    assert note.kind == "note"
    with pytest.raises(ReviewError):
        evidence_add_note(actor=s.colleague.user, cycle=s.cycle, title="x", note="y")


def test_colleague_cannot_upload(client, s) -> None:  # type: ignore[no-untyped-def]
    client.force_login(s.colleague.user)
    upload = SimpleUploadedFile("plan.pdf", PDF)
    response = client.post(reverse("reviews:evidence_add", args=[s.cycle.pk]), {"file": upload})
    assert response.status_code == 404
    assert not Evidence.objects.exists()


# ----- Downloading ----------------------------------------------------------------------


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


# classic §1.8 lists no HR reader: HR runs the cycle but does not read its evidence.
@pytest.mark.parametrize("who", ["appraisee", "reviewer", "headteacher"])
def test_download_for_those_who_may_read(client, s, pdf_evidence, who) -> None:  # type: ignore[no-untyped-def]
    client.force_login(getattr(s, who).user)
    response = client.get(reverse("reviews:evidence_download", args=[s.cycle.pk, pdf_evidence.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="Lesson plan.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    entry = AccessLogEntry.objects.get()
    assert entry.action == "download" and entry.object_id == str(pdf_evidence.pk)


@pytest.mark.parametrize("who", ["colleague", "sibling_head", "outsider", "outsider_head", "hr"])
def test_download_404_for_others(client, s, pdf_evidence, who) -> None:  # type: ignore[no-untyped-def]
    client.force_login(getattr(s, who).user)
    response = client.get(reverse("reviews:evidence_download", args=[s.cycle.pk, pdf_evidence.pk]))
    assert response.status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_download_through_another_cycle_is_404(client, s, pdf_evidence) -> None:  # type: ignore[no-untyped-def]
    from .factories import make_cycle

    other = make_cycle(appraisee=s.colleague, reviewer=s.reviewer, version=s.classic)
    client.force_login(s.reviewer.user)
    response = client.get(reverse("reviews:evidence_download", args=[other.pk, pdf_evidence.pk]))
    assert response.status_code == 404


def test_anonymous_is_sent_to_sign_in(client, s, pdf_evidence) -> None:  # type: ignore[no-untyped-def]
    response = client.get(reverse("reviews:evidence_download", args=[s.cycle.pk, pdf_evidence.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_evidence_attached_to_an_objective_of_the_cycle(s) -> None:  # type: ignore[no-untyped-def]
    from objectives.models import Objective

    from .factories import make_cycle

    mine = Objective.objects.create(trust=s.trust, cycle=s.cycle, title="Reading")
    other_cycle = make_cycle(appraisee=s.colleague, reviewer=s.reviewer, version=s.classic)
    theirs = Objective.objects.create(trust=s.trust, cycle=other_cycle, title="Theirs")
    note = evidence_add_note(
        actor=s.appraisee.user, cycle=s.cycle, title="Log", note="Read daily.", objective_id=mine.pk
    )
    assert note.objective == mine
    with pytest.raises(ReviewError, match="this appraisal year's objectives"):
        evidence_add_note(
            actor=s.appraisee.user, cycle=s.cycle, title="Log", note="x", objective_id=theirs.pk
        )
