"""What a probation has falling due: the next review meeting and the last day of
probation, for the deadline lists and the reminders of a probationer who also has an
appraisal cycle (where the policy does not leave probationers out of appraisal).

Registered with ``cycles.extensions.deadline_sources``. Probation does not stop for a
suspended cycle (``STOPPED_BY_SUSPENSION = False``). Each deadline names the probation as
its subject and carries the probation's own pinned policy version and academy.

Probationers whom the policy leaves out of appraisal have no cycle: their reminders go by
``probation.tasks``'s own daily sweep (``selectors.due_today``) instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count

from cycles.deadlines import Deadline, Subject

from . import rules
from .models import RUNNING, Probation
from .retention import PROBATION

if TYPE_CHECKING:
    from calendars.working_days import WorkingCalendar
    from cycles.models import AppraisalCycle

STOPPED_BY_SUSPENSION = False

PROBATION_LINE_MANAGER = "probation_line_manager"
HR = "hr"

RECIPIENTS: dict[str, tuple[str, ...]] = {
    "probation_review": (PROBATION_LINE_MANAGER,),
    "probation_end": (PROBATION_LINE_MANAGER, HR),
}


@dataclass(frozen=True)
class Due:
    kind: str
    label: str
    due_on: dt.date


def due_items(probation: Probation, reviews_held: int) -> list[Due]:
    """The next review meeting and the end of a running probation."""
    scope = probation.policy_version.rules.scope
    who = probation.staff.full_name
    found: list[Due] = []
    review = rules.next_review_due(scope, probation.starts_on, probation.ends_on, reviews_held)
    if review is not None:
        found.append(Due("probation_review", f"Hold {who}'s probation review meeting", review))
    found.append(
        Due("probation_end", f"Record the outcome of {who}'s probation", probation.ends_on)
    )
    return found


def running_probations(staff_ids: set[int]) -> list[Probation]:
    return list(
        Probation.objects.filter(staff_id__in=staff_ids, status__in=RUNNING)
        .select_related("policy_version", "staff")
        .annotate(reviews_held=Count("reviews"))
        .order_by("pk")
    )


def deadlines_for_cycles(
    cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar]
) -> list[Deadline]:
    cycle_of: dict[int, int] = {}
    for cycle in cycles:
        if cycle.appraisee_id not in cycle_of or cycle.pk > cycle_of[cycle.appraisee_id]:
            cycle_of[cycle.appraisee_id] = cycle.pk
    found: list[Deadline] = []
    for probation in running_probations(set(cycle_of)):
        for item in due_items(probation, probation.reviews_held):  # type: ignore[attr-defined]
            for recipient in RECIPIENTS[item.kind]:
                found.append(
                    Deadline(
                        cycle_id=cycle_of[probation.staff_id],
                        kind=item.kind,
                        label=item.label,
                        due_on=item.due_on,
                        recipient=recipient,
                        subject=Subject(PROBATION, probation.pk),
                        policy_version_id=probation.policy_version_id,
                        academy_id=probation.academy_id,
                    )
                )
    return found


@dataclass(frozen=True)
class ProbationLineManagerRole:
    """The recipient role "probation_line_manager": the probationer's line manager now (one
    query for the batch). Someone who has left, or has no account, gets nothing."""

    role: str = PROBATION_LINE_MANAGER
    label: str = "Line manager"

    def users_for(
        self,
        deadlines: Sequence[Deadline],
        cycles: Mapping[int, AppraisalCycle],
        on: dt.date,
        /,
    ) -> Mapping[Subject, Sequence[int]]:
        ids = {d.subject.pk for d in deadlines if d.subject.kind == PROBATION}
        if not ids:
            return {}
        return {
            Subject(PROBATION, pk): [user_id]
            if user_id is not None and (left_on is None or left_on > on)
            else []
            for pk, user_id, left_on in Probation.objects.filter(pk__in=ids).values_list(
                "pk", "staff__line_manager__user_id", "staff__line_manager__left_on"
            )
        }


line_manager_role = ProbationLineManagerRole()
