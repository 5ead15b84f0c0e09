"""A member of staff's copy of their data (UK GDPR art. 15, 12(3)): what the archive holds
and leaves out, who it records reading their records, and its link expiring."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone
from pypdf import PdfReader

from retention.models import PendingFileDeletion
from retention.services import delete_pending_files
from reviews.models import AnnualReview
from subject_access import rules, services
from subject_access.models import RequestStatus
from tests.objectives.support import user

from .conftest import Scene, archive_of, built, own_request, part


def test_the_archive_holds_the_persons_records_and_no_one_elses(scene: Scene) -> None:
    row = built(own_request(scene))
    assert row.status == RequestStatus.READY and row.percent == 100
    archive = archive_of(row)
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()

    assert [o["title"] for o in part(archive, "objectives")] == ["Raise Year 4 reading"]
    assert part(archive, "staff_record")[0]["first_name"] == "Tom"
    assert [c["id"] for c in part(archive, "appraisal_cycles")] == [scene.cycle.pk]
    notes = [r["text"] for r in part(archive, "wellbeing") if r["record"] == "note"]
    assert notes == ["Tom's wellbeing note"]
    assert [o["focus"] for o in part(archive, "observations")] == ["Guided reading"]
    assert archive.read(f"files/evidence/{scene.cycle.evidence.get().pk}-plan.txt") == (
        b"lesson plan bytes"
    )
    # Another person's records, and a note written about someone else, are not there.
    assert "Ursula" not in everything


def test_colleague_feedback_is_there_without_who_was_asked_or_wrote_it(scene: Scene) -> None:
    """classic §5.5.5: answers are read without names, once the threshold is in."""
    archive = archive_of(built(own_request(scene)))
    (round_,) = part(archive, "colleague_feedback")
    assert sorted(round_["answers"]) == [
        "Always prepared.",
        "Clear explanations.",
        "Generous with time.",
    ]
    assert round_["answers_received"] == 3
    feedback = archive.read("data/colleague_feedback.json").decode()
    for colleague in ("Cora", "Leo", "Sam"):
        assert colleague not in feedback


def test_the_access_log_says_who_opened_their_records_only(scene: Scene) -> None:
    archive = archive_of(built(own_request(scene)))
    log = part(archive, "access_log")
    assert [entry["record"] for entry in log] == ["Appraisal of Tom"]
    head = user(scene.school.headteacher)
    assert log[0]["by"] in (head.get_full_name(), head.email)


def test_asking_twice_while_it_is_built_makes_one(scene: Scene) -> None:
    first = own_request(scene)
    assert own_request(scene) == first


def test_hr_records_a_former_members_request_with_its_one_month_deadline(scene: Scene) -> None:
    leaver = scene.school.teacher
    leaver.left_on = dt.date(2026, 7, 31)
    leaver.save(update_fields=["left_on"])
    today = timezone.localdate()
    row = services.access_request_on_behalf(
        actor=user(scene.school.hr), staff=leaver, asked_by="Tom, by letter", received_on=today
    )
    assert row.on_behalf and row.due_on == rules.one_month_after(today) and row.is_open
    assert built(row).status == RequestStatus.READY
    with pytest.raises(services.AccessRequestError):
        services.access_request_on_behalf(
            actor=user(scene.school.reviewer), staff=leaver, asked_by="x", received_on=today
        )


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (dt.date(2027, 1, 31), dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 15), dt.date(2027, 1, 15)),
    ],
)
def test_one_calendar_month_as_the_ico_counts_it(received: dt.date, due: dt.date) -> None:
    assert rules.one_month_after(received) == due


def test_the_link_expires_and_the_file_clean_up_deletes_the_archive(scene: Scene, settings) -> None:  # type: ignore[no-untyped-def]
    settings.SUBJECT_ACCESS_LINK_DAYS = 7
    row = built(own_request(scene))
    stored = row.file.name
    assert default_storage.exists(stored)
    with time_machine.travel(row.expires_at - dt.timedelta(minutes=1)):
        delete_pending_files()
    row.refresh_from_db()
    assert row.status == RequestStatus.READY
    with time_machine.travel(row.expires_at + dt.timedelta(minutes=1)):
        delete_pending_files()
        delete_pending_files()
    row.refresh_from_db()
    assert row.status == RequestStatus.EXPIRED and not row.file
    assert not default_storage.exists(stored)
    assert not PendingFileDeletion.objects.filter(storage_name=stored).exists()


def test_a_completed_reviews_statement_is_there_as_the_member_of_staffs_pdf(
    scene: Scene,
) -> None:
    AnnualReview.objects.create(
        trust=scene.school.trust,
        cycle=scene.cycle,
        framework="teachers",
        evidence_summary="Reading records",
        completed_at=timezone.now(),
    )
    archive = archive_of(built(own_request(scene)))
    (statement,) = [n for n in archive.namelist() if n.startswith("files/statements/")]
    assert statement.endswith(".pdf")
    assert [r["evidence_summary"] for r in part(archive, "annual_reviews")] == ["Reading records"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(statement))).pages)
    assert "Tom" in text
