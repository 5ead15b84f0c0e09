"""A member of staff with a record of each kind, and someone else's records beside them."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from audit.models import AccessLogEntry
from colleague_feedback.models import FeedbackAnswer, FeedbackRequest, FeedbackRound
from cycles.models import AppraisalCycle
from objectives.models import Objective, WellbeingConsent, WellbeingNote
from reviews.models import Evidence, Observation
from subject_access import services, tasks
from subject_access.models import AccessRequest
from tests.objectives.support import School, build_school, user


@dataclass
class Scene:
    school: School
    cycle: AppraisalCycle  # the teacher's
    other_cycle: AppraisalCycle  # a colleague's, reviewed by the same reviewer


def _answer_round(school: School, cycle: AppraisalCycle) -> None:
    round_ = FeedbackRound.objects.create(
        trust=school.trust,
        academy=school.academy,
        cycle=cycle,
        asked_by=school.reviewer,
        question="How is Tom to work with?",
        status="closed",
        asked_on=dt.date(2026, 10, 1),
    )
    for colleague in (school.colleague, school.leader, school.support):
        FeedbackRequest.objects.create(
            trust=school.trust, round=round_, colleague=colleague, status="answered"
        )
    for text in ("Always prepared.", "Generous with time.", "Clear explanations."):
        FeedbackAnswer.objects.create(trust=school.trust, round=round_, text=text)


@pytest.fixture
def scene(db: Any) -> Scene:
    school = build_school()
    cycle = school.cycle("classic-objectives")
    other = school.cycle("classic-objectives", appraisee=school.ups_teacher)
    Objective.objects.create(trust=school.trust, cycle=cycle, title="Raise Year 4 reading")
    Objective.objects.create(trust=school.trust, cycle=other, title="Ursula's own objective")
    consent = WellbeingConsent.objects.create(
        trust=school.trust, cycle=cycle, given_by=user(school.teacher), given_at=timezone.now()
    )
    WellbeingNote.objects.create(
        trust=school.trust,
        cycle=cycle,
        consent=consent,
        written_by=user(school.reviewer),
        text="Tom's wellbeing note",
    )
    # A note the teacher's reviewer wrote about someone else: that person's, not Tom's.
    other_consent = WellbeingConsent.objects.create(
        trust=school.trust, cycle=other, given_at=timezone.now()
    )
    WellbeingNote.objects.create(
        trust=school.trust,
        cycle=other,
        consent=other_consent,
        written_by=user(school.reviewer),
        text="Ursula's wellbeing note",
    )
    Observation.objects.create(
        trust=school.trust,
        cycle=cycle,
        observer=school.reviewer,
        observed_at=timezone.now(),
        duration_minutes=30,
        kind="formal",
        focus="Guided reading",
    )
    name = default_storage.save("evidence/plan.txt", ContentFile(b"lesson plan bytes"))
    Evidence.objects.create(
        trust=school.trust,
        cycle=cycle,
        kind="file",
        title="Lesson plan",
        file=name,
        original_name="plan.txt",
    )
    _answer_round(school, cycle)
    AccessLogEntry.objects.create(
        trust=school.trust,
        user=user(school.headteacher),
        action="view",
        object_type="cycles.appraisalcycle",
        object_id=str(cycle.pk),
        label="Appraisal of Tom",
    )
    AccessLogEntry.objects.create(
        trust=school.trust,
        user=user(school.headteacher),
        action="view",
        object_type="cycles.appraisalcycle",
        object_id=str(other.pk),
        label="Appraisal of Ursula",
    )
    return Scene(school=school, cycle=cycle, other_cycle=other)


def built(row: AccessRequest) -> AccessRequest:
    """The archive built, as the background task does (twice: the second does nothing)."""
    tasks.build_archive(row.pk)
    tasks.build_archive(row.pk)
    row.refresh_from_db()
    return row


def archive_of(row: AccessRequest) -> zipfile.ZipFile:
    with row.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def part(archive: zipfile.ZipFile, key: str) -> list[dict[str, Any]]:
    records: list[dict[str, Any]] = json.loads(archive.read(f"data/{key}.json"))["records"]
    return records


def own_request(scene: Scene) -> AccessRequest:
    return services.access_request_own(actor=user(scene.school.teacher))
