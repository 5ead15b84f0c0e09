"""What a pay recommendation has falling due, for the reminders and the deadline lists:
the draft, the headteacher's approval, and the decision with its pay statement, each by
the pinned policy's pay decision date (``pay.decision_due``; the headteacher's own
``headteacher.pay_decision_due``: classic §2.3, 31 October and 31 December).

Registered with ``cycles.extensions.deadline_sources``. The pay year runs whatever the
appraisal cycle's state, so a suspension does not stop these. A recommendation is found
through its member of staff's appraisal cycle that is not closed (one per person in a
batch): someone with no such cycle gets no pay reminders. Two queries whatever the number
of cycles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from cycles.deadlines import Deadline, Subject

from . import rules
from .models import PayRecommendation, Stage
from .retention import PAY_RECOMMENDATION

if TYPE_CHECKING:
    from calendars.working_days import WorkingCalendar
    from cycles.models import AppraisalCycle

STOPPED_BY_SUSPENSION = False

OPEN_STAGES = (Stage.PREPARED, Stage.DRAFTED, Stage.APPROVED, Stage.SHARED, Stage.DECIDED)


def _items(rec: PayRecommendation) -> list[tuple[str, str, tuple[str, ...], bool]]:
    """(kind, label, recipients, done) of each thing due."""
    who = rec.staff.full_name
    pay = rec.policy_version.rules.pay
    at = list(Stage).index(Stage(rec.stage))
    drafted = at >= list(Stage).index(Stage.DRAFTED)
    decided = at >= list(Stage).index(Stage.DECIDED)
    if rec.is_headteacher:
        drafter: tuple[str, ...] = ("hr",)
    elif rules.recommender_kind(pay, is_headteacher=False) == "headteacher":
        drafter = ("headteacher",)
    else:
        drafter = ("reviewer",)
    items = [("pay_draft", f"Draft {who}'s pay recommendation", drafter, drafted)]
    if rules.approval_needed(pay, is_headteacher=rec.is_headteacher):
        items.append(
            (
                "pay_approval",
                f"Approve {who}'s pay recommendation",
                ("headteacher",),
                at >= list(Stage).index(Stage.APPROVED),
            )
        )
    items.append(
        (
            "pay_statement",
            f"Record the pay decision and issue {who}'s pay statement",
            ("hr",) if rec.is_headteacher else ("headteacher", "hr"),
            decided and rec.stage != Stage.DECIDED,
        )
    )
    return items


def deadlines_for_cycles(
    cycles: Sequence[AppraisalCycle], calendars: Mapping[int, WorkingCalendar]
) -> list[Deadline]:
    cycle_of: dict[int, int] = {}
    for cycle in cycles:
        if cycle.appraisee_id not in cycle_of or cycle.pk > cycle_of[cycle.appraisee_id]:
            cycle_of[cycle.appraisee_id] = cycle.pk
    recs = list(
        PayRecommendation.objects.filter(
            staff_id__in=set(cycle_of), stage__in=OPEN_STAGES, decision_due__isnull=False
        )
        .select_related("policy_version", "staff")
        .order_by("pk")
    )
    found: list[Deadline] = []
    for rec in recs:
        assert rec.decision_due is not None
        for kind, label, recipients, done in _items(rec):
            for recipient in recipients:
                found.append(
                    Deadline(
                        cycle_id=cycle_of[rec.staff_id],
                        kind=kind,
                        label=label,
                        due_on=rec.decision_due,
                        recipient=recipient,
                        done=done,
                        subject=Subject(PAY_RECOMMENDATION, rec.pk),
                        policy_version_id=rec.policy_version_id,
                        academy_id=rec.academy_id,
                    )
                )
    return found
