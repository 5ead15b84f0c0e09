"""What colleague feedback has falling due: each colleague asked answers (or declines) by
the round's closing day. Registered with ``cycles.extensions.deadline_sources``; the
reminders go to the colleague asked (the recipient role "feedback_colleague"), never to
the reviewer or the member of staff.

Part of the appraisal year's work, so a suspended cycle stops it. One query whatever the
number of cycles (the waiting requests, with their rounds and whom they are about), and
one more for the reminders: who holds each.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from cycles.deadlines import Deadline, Subject

from .models import FeedbackRequest, RequestStatus, RoundStatus

if TYPE_CHECKING:
    from calendars.working_days import WorkingCalendar
    from cycles.models import AppraisalCycle
    from organisation.principal import Principal

STOPPED_BY_SUSPENSION = True

FEEDBACK_REQUEST = "colleague_feedback_request"
FEEDBACK_COLLEAGUE = "feedback_colleague"
KIND = "colleague_feedback"


def deadlines_for_cycles(
    cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar]
) -> list[Deadline]:
    today = timezone.localdate()
    if not cycles:
        return []
    found: list[Deadline] = []
    for pk, cycle_id, closes_on, first, last in FeedbackRequest.objects.filter(
        round__cycle_id__in=[c.pk for c in cycles],
        round__status=RoundStatus.OPEN,
        round__closes_on__gte=today,
        status=RequestStatus.WAITING,
    ).values_list(
        "pk",
        "round__cycle_id",
        "round__closes_on",
        "round__cycle__appraisee__first_name",
        "round__cycle__appraisee__last_name",
    ):
        assert closes_on is not None  # the query asks for one on or after today
        name = f"{first} {last}".strip()
        found.append(
            Deadline(
                cycle_id=cycle_id,
                kind=KIND,
                label=f"Give feedback on {name}'s work",
                due_on=closes_on,
                recipient=FEEDBACK_COLLEAGUE,
                subject=Subject(FEEDBACK_REQUEST, pk),
            )
        )
    return found


def cycles_for(principal: Principal, /) -> Q:
    """The cycles on which this person has a feedback request to answer (registered with
    ``reminders.extensions.deadline_cycle_sources``), so the request is on their *My
    deadlines* with its closing day, though they never open that cycle."""
    staff = principal.staff
    if staff is None:
        return Q(pk__in=[])
    return Q(
        pk__in=FeedbackRequest.objects.filter(
            colleague_id=staff.pk,
            status=RequestStatus.WAITING,
            round__status=RoundStatus.OPEN,
        ).values("round__cycle_id")
    )


@dataclass(frozen=True)
class FeedbackColleagueRole:
    """The recipient role "feedback_colleague": the colleague a request was sent to (one
    query for the batch); someone who has left gets nothing."""

    role: str = FEEDBACK_COLLEAGUE
    label: str = "Colleague asked for feedback"

    def users_for(
        self,
        deadlines: Sequence[Deadline],
        cycles: Mapping[int, AppraisalCycle],
        on: dt.date,
        /,
    ) -> Mapping[Subject, Sequence[int]]:
        ids = {d.subject.pk for d in deadlines if d.subject.kind == FEEDBACK_REQUEST}
        if not ids:
            return {}
        found: dict[Subject, list[int]] = {}
        for pk, user_id, left_on in FeedbackRequest.objects.filter(pk__in=ids).values_list(
            "pk", "colleague__user_id", "colleague__left_on"
        ):
            current = user_id is not None and (left_on is None or left_on > on)
            found[Subject(FEEDBACK_REQUEST, pk)] = [user_id] if current else []
        return found


feedback_colleague_role = FeedbackColleagueRole()
