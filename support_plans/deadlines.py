"""What a support plan has falling due, for the reminders and the deadline lists: meetings
coming up, the last day a meeting's invitation may go out, the capability invitation
letter, the end of a stage's normal period and the end of the sustain period.

Registered with ``cycles.extensions.deadline_sources``. A plan keeps running while the
appraisal cycle is suspended (capability suspends it), so a suspension does not stop these
(``STOPPED_BY_SUSPENSION = False``); a closed plan gives none, except the end of its
sustain period until that day has passed; a paused plan (grievance, sickness) gives none.

Each deadline names the plan as its subject and carries the plan's own pinned policy
version and academy, so the sweep times its reminders by the plan's policy, not the
cycle's. A plan is found through its member of staff's appraisal cycle that is not closed
(one per person in a batch): someone with no such cycle gets no plan reminders.

A fixed number of queries whatever the number of cycles: the plans, their meetings not
yet held.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from calendars.working_days import OutsideCalendarRange
from cycles.deadlines import Deadline, Subject

from . import rules
from .models import LetterKind, MeetingKind, PlanLetter, PlanStatus, SupportMeeting, SupportPlan
from .retention import SUPPORT_PLAN

if TYPE_CHECKING:
    from calendars.working_days import WorkingCalendar
    from cycles.models import AppraisalCycle

STOPPED_BY_SUSPENSION = False

PLAN_MANAGER = "plan_manager"
HEADTEACHER = "headteacher"
HR = "hr"

# Who each kind of deadline reminds.
RECIPIENTS: dict[str, tuple[str, ...]] = {
    "support_meeting": (PLAN_MANAGER,),
    "support_meeting_notice": (PLAN_MANAGER,),
    "support_capability_letter": (PLAN_MANAGER, HEADTEACHER, HR),
    "support_stage_end": (PLAN_MANAGER, HR),
    "support_sustain_end": (PLAN_MANAGER, HR),
}


def _plans(staff_ids: set[int], today: dt.date) -> list[SupportPlan]:
    return list(
        SupportPlan.objects.filter(staff_id__in=staff_ids)
        .filter(
            Q(status=PlanStatus.OPEN, paused_on__isnull=True)
            | Q(status=PlanStatus.CLOSED, sustain_until__gte=today)
        )
        .select_related("policy_version", "staff")
        .annotate(
            # The capability invitation is sent once its letter is written.
            has_capability_letter=Exists(
                PlanLetter.objects.filter(
                    plan_id=OuterRef("pk"),
                    kind=LetterKind.INVITATION,
                    meeting__kind=MeetingKind.CAPABILITY,
                )
            )
        )
        .order_by("pk")
    )


@dataclass(frozen=True)
class _Due:
    kind: str
    label: str
    due_on: dt.date
    done: bool = False


def _plan_items(
    plan: SupportPlan,
    meetings: Sequence[SupportMeeting],
    calendar: WorkingCalendar | None,
    today: dt.date,
) -> list[_Due]:
    who = plan.staff.full_name
    if plan.status == PlanStatus.CLOSED:
        assert plan.sustain_until is not None  # the query asks for it
        return [
            _Due(
                "support_sustain_end",
                f"Confirm {who}'s improvement was sustained (sustain period ends)",
                plan.sustain_until,
            )
        ]
    support = plan.policy_version.rules.support
    found: list[_Due] = []
    for meeting in meetings:
        name = meeting.get_kind_display()
        found.append(
            _Due(
                "support_meeting",
                f"{name} of {who}'s support plan",
                meeting.scheduled_for,
            )
        )
        days = rules.notice_working_days(
            support, meeting.stage, meeting.kind, meeting.capability_stage
        )
        if days > 0 and calendar is not None:
            try:
                last_day = calendar.add_working_days(meeting.scheduled_for, -days)
            except OutsideCalendarRange:
                continue
            found.append(
                _Due(
                    "support_meeting_notice",
                    f"Send the invitation to the {name.lower()} of {who}'s support plan",
                    last_day,
                    done=meeting.notice_given_on <= today,
                )
            )
    if calendar is None:
        return found
    try:
        ends = rules.stage_normally_ends(calendar, support, plan.stage, plan.stage_started_on)
        letter = None
        if plan.in_capability and plan.capability_started_on is not None:
            letter = rules.capability_letter_due(calendar, support, plan.capability_started_on)
    except OutsideCalendarRange:
        return found
    if ends is not None:
        found.append(
            _Due(
                "support_stage_end",
                f"Review {who}'s support plan: “{plan.stage_name()}” normally ends",
                ends,
            )
        )
    if letter is not None:
        found.append(
            _Due(
                "support_capability_letter",
                f"Send {who} the invitation to the capability meeting",
                letter,
                done=bool(getattr(plan, "has_capability_letter", False)),
            )
        )
    return found


def deadlines_for_cycles(
    cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar]
) -> list[Deadline]:
    today = timezone.localdate()
    # One cycle per person: the latest of the batch.
    cycle_of: dict[int, int] = {}
    for cycle in cycles:
        if cycle.appraisee_id not in cycle_of or cycle.pk > cycle_of[cycle.appraisee_id]:
            cycle_of[cycle.appraisee_id] = cycle.pk
    plans = _plans(set(cycle_of), today)
    if not plans:
        return []
    # Meetings not yet held at the plan's current stage.
    stage_of = {p.pk: p.stage for p in plans if p.is_open}
    meetings: dict[int, list[SupportMeeting]] = defaultdict(list)
    for meeting in SupportMeeting.objects.filter(
        plan_id__in=list(stage_of), held_on__isnull=True
    ).order_by("scheduled_for", "pk"):
        if meeting.stage == stage_of[meeting.plan_id]:
            meetings[meeting.plan_id].append(meeting)
    found: list[Deadline] = []
    for plan in plans:
        items = _plan_items(plan, meetings[plan.pk], calendars.get(plan.academy_id), today)
        for item in items:
            for recipient in RECIPIENTS[item.kind]:
                found.append(
                    Deadline(
                        cycle_id=cycle_of[plan.staff_id],
                        kind=item.kind,
                        label=item.label,
                        due_on=item.due_on,
                        recipient=recipient,
                        done=item.done,
                        subject=Subject(SUPPORT_PLAN, plan.pk),
                        policy_version_id=plan.policy_version_id,
                        academy_id=plan.academy_id,
                    )
                )
    return found


# ----- Who the plan manager is -------------------------------------------------------------


@dataclass(frozen=True)
class PlanManagerRole:
    """The recipient role "plan_manager": whoever manages the deadline's support plan now
    (one query for the batch). Someone who has left, or has no account, gets nothing."""

    role: str = PLAN_MANAGER
    label: str = "Plan manager"

    def users_for(
        self,
        deadlines: Sequence[Deadline],
        cycles: Mapping[int, AppraisalCycle],
        on: dt.date,
        /,
    ) -> Mapping[Subject, Sequence[int]]:
        ids = {d.subject.pk for d in deadlines if d.subject.kind == SUPPORT_PLAN}
        if not ids:
            return {}
        found: dict[Subject, list[int]] = {}
        for pk, user_id, left_on, staff_user_id in SupportPlan.objects.filter(
            pk__in=ids
        ).values_list("pk", "manager__user_id", "manager__left_on", "staff__user_id"):
            current = user_id is not None and (left_on is None or left_on > on)
            found[Subject(SUPPORT_PLAN, pk)] = (
                [user_id] if current and user_id != staff_user_id else []
            )
        return found


plan_manager_role = PlanManagerRole()
