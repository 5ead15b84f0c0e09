"""Due dates this app sets: observation feedback, the annual review, the statement and
a change moderation asked for.

Read by ``cycles.deadlines.all_deadlines``. Four queries whatever the number of cycles.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.utils import timezone

from cycles.deadlines import Deadline
from cycles.models import AppraisalCycle
from organisation.models import StaffMember
from policies.schema import MonthDay, PolicySettings

from .models import AnnualReview, Observation
from .selectors import change_asked_by_moderation

if TYPE_CHECKING:
    from calendars.working_days import WorkingCalendar

# A suspended cycle (capability or grievance) stops the appraisal year's clock, and with it
# these deadlines, until it resumes.
STOPPED_BY_SUSPENSION = True

MODERATION_CHANGE = "moderation_change"


def review_due_day(
    rules: PolicySettings, cycle: AppraisalCycle, staff_group: str
) -> MonthDay | None:
    """classic §2.1: staff by 16 September, the headteacher by 31 December, support staff
    in October; staploe: at the January meeting."""
    if cycle.is_headteacher_cycle:
        return rules.headteacher.review_due
    if staff_group == "support" and rules.review.support_staff_review_due:
        return rules.review.support_staff_review_due
    return rules.review.staff_review_due


def statement_due_day(rules: PolicySettings, cycle: AppraisalCycle) -> MonthDay | None:
    """classic §5.7.2: the statement by 31 October (31 December for the headteacher)."""
    if cycle.is_headteacher_cycle:
        return rules.headteacher.statement_due
    return rules.review.statement_due


def due_after_cycle(day: MonthDay | None, cycle: AppraisalCycle) -> dt.date | None:
    """The first ``day`` after the cycle's last day: a review follows the year it reviews."""
    if day is None:
        return None
    return day.next_on_or_after(cycle.ends_on + dt.timedelta(days=1))


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def deadlines_for_cycles(
    cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar]
) -> list[Deadline]:
    """Feedback on each observation (the observer's, counted as the reviewer's), the annual
    review and the written statement. Feedback due dates were worked out from the
    academy's calendar when the observation was recorded, so ``calendars`` is not needed
    again here."""
    if not cycles:
        return []
    by_id = {c.pk: c for c in cycles}
    found: list[Deadline] = []
    completed = dict(
        AnnualReview.objects.filter(cycle_id__in=by_id).values_list("cycle_id", "completed_at")
    )
    # One query for every appraisee's staff group, rather than one per cycle.
    groups = dict(
        StaffMember.objects.filter(pk__in={c.appraisee_id for c in cycles}).values_list(
            "pk", "staff_group"
        )
    )
    for cycle in cycles:
        rules = cycle.policy_version.rules
        done = completed.get(cycle.pk) is not None
        review_on = due_after_cycle(
            review_due_day(rules, cycle, groups.get(cycle.appraisee_id, "")), cycle
        )
        if review_on is not None:
            found.append(
                Deadline(
                    cycle_id=cycle.pk,
                    kind="annual_review",
                    label="Complete the annual review",
                    due_on=review_on,
                    recipient="reviewer",
                    done=done,
                )
            )
        statement_on = due_after_cycle(statement_due_day(rules, cycle), cycle)
        if statement_on is not None:
            found.append(
                Deadline(
                    cycle_id=cycle.pk,
                    kind="statement",
                    label="Give the written statement",
                    due_on=statement_on,
                    recipient="reviewer",
                    done=done,
                )
            )
    # Moderation asked for a change to the statement: the reviewer's, from the day it was
    # asked until the review is completed again (``selectors.change_asked_by_moderation``).
    for cycle_id, item in change_asked_by_moderation(by_id).items():
        assert item.recorded_at is not None
        found.append(
            Deadline(
                cycle_id=cycle_id,
                kind=MODERATION_CHANGE,
                label="Make the change moderation asked for and complete the review again",
                due_on=_local_date(item.recorded_at),
                recipient="reviewer",
            )
        )
    observations = Observation.objects.filter(cycle_id__in=by_id).only(
        "pk",
        "cycle_id",
        "observed_at",
        "verbal_feedback_due_at",
        "written_feedback_due_at",
        "feedback_due_at",
        "verbal_feedback_at",
        "written_feedback_at",
    )
    for obs in observations:
        when = f"{timezone.localtime(obs.observed_at):%d %B}"
        items: list[tuple[str, str, dt.datetime | None, dt.datetime | None]] = (
            [
                (
                    "observation_feedback",
                    "Give feedback",
                    obs.feedback_due_at,
                    obs.verbal_feedback_at or obs.written_feedback_at,
                )
            ]
            if obs.feedback_due_at is not None
            else [
                (
                    "observation_verbal_feedback",
                    "Give spoken feedback",
                    obs.verbal_feedback_due_at,
                    obs.verbal_feedback_at,
                ),
                (
                    "observation_written_feedback",
                    "Give written feedback",
                    obs.written_feedback_due_at,
                    obs.written_feedback_at,
                ),
            ]
        )
        for kind, label, due_at, given_at in items:
            if due_at is None:
                continue
            found.append(
                Deadline(
                    cycle_id=obs.cycle_id,
                    kind=kind,
                    label=f"{label} on the observation of {when}",
                    due_on=_local_date(due_at),
                    recipient="reviewer",
                    done=given_at is not None,
                    # Due at a moment (staploe: within 48 hours; working days: the end of
                    # the day), so every page calls it overdue at the same moment.
                    due_at=due_at,
                )
            )
    return found
