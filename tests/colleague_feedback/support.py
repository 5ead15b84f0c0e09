"""Helpers for the colleague feedback tests: a cycle under a policy, and its round asked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from colleague_feedback import services
from colleague_feedback.models import FeedbackRound
from cycles.models import AppraisalCycle
from organisation.models import StaffMember
from tests.objectives.support import School, make_cycle, user, version_with


def colleagues(school: School) -> list[StaffMember]:
    """Three of the teacher's colleagues at their academy (none is their reviewer)."""
    return [school.ups_teacher, school.leader, school.colleague]


def cycle_under(
    school: School, preset: str, changes: dict[str, Any] | None = None
) -> AppraisalCycle:
    """The teacher's cycle, reviewed by the reviewer, under ``preset`` with only
    ``changes`` (``{"section.field": value}``) different."""
    label = ",".join(f"{k}={v}" for k, v in (changes or {}).items())
    version = (
        version_with(school.trust, preset, changes, label=label)
        if changes
        else school.version(preset)
    )
    # One cycle per person per start day: each test cycle starts a day after the last.
    taken = AppraisalCycle.objects.filter(appraisee=school.teacher).count()
    return make_cycle(
        school.teacher,
        version,
        reviewer=school.reviewer,
        starts_on=dt.date(2026, 9, 1) + dt.timedelta(days=taken),
    )


def ask(
    school: School, cycle: AppraisalCycle, people: list[StaffMember] | None = None
) -> FeedbackRound:
    return services.feedback_round_ask(
        actor=user(school.reviewer),
        cycle=cycle,
        colleagues=people if people is not None else colleagues(school),
        question="How does Tom work with the phase team?",
    )
