"""Meetings: scheduling one and recording what happened."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from cycles.models import AppraisalCycle

from .. import permissions
from ..models import Meeting
from ..rules import check_meeting
from ..selectors import policy_paragraphs
from ._common import (
    _check_open,
    _check_version,
    _history,
    _lock_cycle,
    _not_in_future,
    _principal,
    _require,
    _rules,
)
from .errors import ObjectivesError

if TYPE_CHECKING:
    from accounts.models import User


# ----- Meetings -------------------------------------------------------------------------


def _check_meeting_rules(
    cycle: AppraisalCycle,
    *,
    kind: str,
    scheduled_for: dt.date,
    notice_given_on: dt.date | None,
    planned_minutes: int | None,
) -> None:
    breaches = check_meeting(
        _rules(cycle),
        kind=kind,
        scheduled_for=scheduled_for,
        notice_given_on=notice_given_on,
        planned_minutes=planned_minutes,
        sources=policy_paragraphs(cycle.policy_version),
    )
    if breaches:
        raise ObjectivesError("The meeting cannot be planned like this.", breaches)


@transaction.atomic
def meeting_schedule(
    *,
    actor: User,
    cycle: AppraisalCycle,
    kind: str,
    scheduled_for: dt.date,
    notice_given_on: dt.date | None = None,
    planned_minutes: int | None = None,
) -> Meeting:
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer plans meetings.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    _check_meeting_rules(
        cycle,
        kind=kind,
        scheduled_for=scheduled_for,
        notice_given_on=notice_given_on,
        planned_minutes=planned_minutes,
    )
    meeting = Meeting(
        trust_id=cycle.trust_id,
        cycle=cycle,
        kind=kind,
        scheduled_for=scheduled_for,
        notice_given_on=notice_given_on,
        planned_minutes=planned_minutes,
    )
    _history(meeting, actor)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_record(
    *,
    actor: User,
    meeting: Meeting,
    expected_version: int | None,
    scheduled_for: dt.date,
    notice_given_on: dt.date | None = None,
    planned_minutes: int | None = None,
    held_on: dt.date | None = None,
    notes: str = "",
    agreed_actions: str = "",
    record_complete: bool = False,
) -> Meeting:
    """Change a planned meeting or record what happened at it."""
    principal = _principal(actor)
    cycle = _lock_cycle(meeting.cycle)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer records meetings.")
    _check_open(cycle)
    meeting = Meeting.objects.select_for_update(of=("self",)).get(pk=meeting.pk, cycle=cycle)
    _check_version(meeting.version, expected_version)
    if (scheduled_for, notice_given_on, planned_minutes) != (
        meeting.scheduled_for,
        meeting.notice_given_on,
        meeting.planned_minutes,
    ):
        _check_meeting_rules(
            cycle,
            kind=meeting.kind,
            scheduled_for=scheduled_for,
            notice_given_on=notice_given_on,
            planned_minutes=planned_minutes,
        )
    _not_in_future(held_on, "The date the meeting was held")
    if record_complete and held_on is None:
        raise ObjectivesError("Give the date the meeting was held before completing its record.")
    meeting.scheduled_for = scheduled_for
    meeting.notice_given_on = notice_given_on
    meeting.planned_minutes = planned_minutes
    meeting.held_on = held_on
    meeting.notes = notes.strip()
    meeting.agreed_actions = agreed_actions.strip()
    if record_complete and meeting.record_completed_on is None:
        meeting.record_completed_on = timezone.localdate()
    elif not record_complete:
        meeting.record_completed_on = None
    meeting.version += 1
    _history(meeting, actor)
    meeting.save(
        update_fields=[
            "scheduled_for",
            "notice_given_on",
            "planned_minutes",
            "held_on",
            "notes",
            "agreed_actions",
            "record_completed_on",
            "version",
        ]
    )
    return meeting
