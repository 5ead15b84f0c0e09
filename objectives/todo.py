"""The to-do steps of this app's deadlines (``reminders.extensions.StepSource``): who acts
now on objectives, the development plan, conversations and meetings, and on which page.

The objectives are the reviewer's to agree in the end, but while they are proposed they
wait for the member of staff's answer, and once the member of staff has agreed the
reviewer's step is to record the agreement. Two queries whatever the number of deadlines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.urls import reverse

from reminders.extensions import Step

from .models import AppraiseeResponse, Meeting, MeetingKind, ObjectivePlan, PlanState

if TYPE_CHECKING:
    from cycles.deadlines import Deadline
    from cycles.models import AppraisalCycle

REVIEWER, APPRAISEE = "reviewer", "appraisee"

# The meeting each meeting deadline is about.
_MEETING_OF_KIND = {
    "interim_meeting": MeetingKind.INTERIM,
    "termly_review": MeetingKind.TERMLY,
    "midpoint_check_in": MeetingKind.MIDPOINT,
    "annual_review_record": MeetingKind.ANNUAL_REVIEW,
}

KINDS = frozenset(
    {"objectives_agreed", "development_plan_agreed", "conversation_*", *_MEETING_OF_KIND}
)


def _objective_steps(cycle: AppraisalCycle, plan: tuple[str, str] | None) -> list[Step]:
    name = cycle.appraisee.full_name
    plan_url = reverse("objectives:plan", args=[cycle.pk])
    state, response = plan or (PlanState.DRAFT, AppraiseeResponse.NONE)
    if state == PlanState.PROPOSED:
        if response == AppraiseeResponse.ACCEPTED:
            return [
                Step(
                    REVIEWER,
                    f"Record the agreement of {name}'s objectives: they have agreed them",
                    plan_url,
                    ready=True,
                )
            ]
        if response == AppraiseeResponse.DISAGREED:
            return [
                Step(
                    REVIEWER,
                    f"{name} does not agree the proposed objectives: read why, then change "
                    "and propose them again",
                    plan_url,
                    ready=True,
                )
            ]
        return [Step(APPRAISEE, "Say whether you agree your proposed objectives", plan_url)]
    return [
        Step(
            REVIEWER,
            f"Write and propose {name}'s objectives",
            reverse("objectives:cycle", args=[cycle.pk]),
        )
    ]


def steps_for(
    deadlines: Sequence[Deadline], cycles: Mapping[int, AppraisalCycle], /
) -> Mapping[Deadline, Sequence[Step]]:
    ids = {d.cycle_id for d in deadlines if d.cycle_id in cycles}
    plans: dict[int, tuple[str, str]] = {}
    if any(d.kind == "objectives_agreed" for d in deadlines):
        plans = {
            cycle_id: (state, response)
            for cycle_id, state, response in ObjectivePlan.objects.filter(
                cycle_id__in=ids
            ).values_list("cycle_id", "state", "appraisee_response")
        }
    # Meetings planned and not yet held, or held and not yet written up, by cycle and kind.
    open_meetings: dict[tuple[int, str], list[Meeting]] = defaultdict(list)
    if any(d.kind in _MEETING_OF_KIND for d in deadlines):
        for meeting in Meeting.objects.filter(
            cycle_id__in=ids,
            kind__in=[k.value for k in _MEETING_OF_KIND.values()],
            record_completed_on=None,
        ).only("pk", "cycle_id", "kind", "scheduled_for", "held_on"):
            open_meetings[(meeting.cycle_id, str(meeting.kind))].append(meeting)
    found: dict[Deadline, Sequence[Step]] = {}
    for deadline in deadlines:
        cycle = cycles.get(deadline.cycle_id or 0)
        if cycle is None:
            continue
        name = cycle.appraisee.full_name
        if deadline.kind == "objectives_agreed":
            found[deadline] = _objective_steps(cycle, plans.get(cycle.pk))
        elif deadline.kind == "development_plan_agreed":
            url = reverse("objectives:pdp", args=[cycle.pk])
            found[deadline] = [Step(REVIEWER, f"Agree {name}'s personal development plan", url)]
        elif deadline.kind.startswith("conversation_"):
            key = deadline.kind.removeprefix("conversation_")
            url = reverse("objectives:conversation", args=[cycle.pk, key])
            found[deadline] = [Step(REVIEWER, f"{deadline.label} with {name}", url)]
        elif deadline.kind in _MEETING_OF_KIND:
            found[deadline] = [_meeting_step(deadline, cycle, open_meetings)]
    return found


def _meeting_step(
    deadline: Deadline,
    cycle: AppraisalCycle,
    open_meetings: Mapping[tuple[int, str], list[Meeting]],
) -> Step:
    name = cycle.appraisee.full_name
    kind = _MEETING_OF_KIND[deadline.kind]
    meetings = open_meetings.get((cycle.pk, kind.value), [])
    if deadline.kind == "annual_review_record":
        held = next((m for m in meetings if m.held_on is not None), None)
        url = (
            reverse("objectives:meeting_edit", args=[cycle.pk, held.pk])
            if held is not None
            else reverse("objectives:cycle", args=[cycle.pk])
        )
        return Step(REVIEWER, f"Complete the record of {name}'s annual review meeting", url)
    planned = next((m for m in meetings if m.held_on is None), None)
    if planned is not None:
        return Step(
            REVIEWER,
            f"Record {name}'s {kind.label.lower()} of {planned.scheduled_for:%-d %B}",
            reverse("objectives:meeting_edit", args=[cycle.pk, planned.pk]),
        )
    return Step(
        REVIEWER,
        f"Arrange {name}'s {kind.label.lower()}",
        reverse("objectives:meeting_add", args=[cycle.pk]),
    )
