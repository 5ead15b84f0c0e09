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

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from cycles.deadlines import Deadline, Subject
from cycles.models import CycleAccessGrant
from cycles.permissions import COMMITTEE_GRANT

from . import rules
from .models import PayRecommendation, Stage
from .retention import PAY_RECOMMENDATION

if TYPE_CHECKING:
    from calendars.working_days import WorkingCalendar
    from cycles.models import AppraisalCycle
    from organisation.principal import Principal

STOPPED_BY_SUSPENSION = False

REVIEW_COMMITTEE = "pay_review_committee"

OPEN_STAGES = (Stage.PREPARED, Stage.DRAFTED, Stage.APPROVED, Stage.SHARED, Stage.DECIDED)


def _items(rec: PayRecommendation) -> list[tuple[str, str, tuple[str, ...], bool]]:
    """(kind, label, recipients, done) of each thing due."""
    who = rec.staff.full_name
    pay = rec.policy_version.rules.pay
    at = list(Stage).index(Stage(rec.stage))
    drafted = at >= list(Stage).index(Stage.DRAFTED)
    decided = at >= list(Stage).index(Stage.DECIDED)
    if rec.is_headteacher:
        # classic §5.7.7: the review committee drafts it; HR, who may write it for them, too.
        drafter: tuple[str, ...] = (REVIEW_COMMITTEE, "hr")
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


def _open_committee_grants() -> Q:
    return Q(
        permission=COMMITTEE_GRANT,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
        cycle__is_headteacher_cycle=True,
    )


@dataclass(frozen=True)
class ReviewCommitteeRole:
    """The recipient role "pay_review_committee": the members of the headteacher's review
    committee on the headteacher's cycle that informs the recommendation's pay year (an
    open committee grant), who draft it (classic §5.7.7). Two queries for the batch."""

    role: str = REVIEW_COMMITTEE
    label: str = "Member of the headteacher's review committee"

    def users_for(
        self,
        deadlines: Sequence[Deadline],
        cycles: Mapping[int, AppraisalCycle],
        on: dt.date,
        /,
    ) -> Mapping[Subject, Sequence[int]]:
        ids = {d.subject.pk for d in deadlines if d.subject.kind == PAY_RECOMMENDATION}
        if not ids:
            return {}
        recs = list(
            PayRecommendation.objects.filter(pk__in=ids, is_headteacher=True).values_list(
                "pk", "staff_id", "academy_id", "review__pay_year"
            )
        )
        members: dict[tuple[int, int, int], set[int]] = {}
        for staff_id, academy_id, starts_on, ends_on, user_id in (
            CycleAccessGrant.objects.filter(_open_committee_grants())
            .filter(cycle__appraisee_id__in={r[1] for r in recs})
            .values_list(
                "cycle__appraisee_id",
                "cycle__academy_id",
                "cycle__starts_on",
                "cycle__ends_on",
                "user_id",
            )
        ):
            for year in rules.pay_years_informed_by(starts_on, ends_on):
                members.setdefault((staff_id, academy_id, year), set()).add(user_id)
        found: dict[Subject, list[int]] = {}
        for pk, staff_id, academy_id, year in recs:
            found[Subject(PAY_RECOMMENDATION, pk)] = sorted(
                members.get((staff_id, academy_id, year), ())
            )
        return found


review_committee_role = ReviewCommitteeRole()


def cycles_for(principal: Principal, /) -> Q:
    """The headteachers' cycles whose review committee this person sits on, so the pay
    recommendation they draft is on their *My deadlines* (registered with
    ``reminders.extensions.deadline_cycle_sources``)."""
    if principal.user_id is None:
        return Q(pk__in=[])
    return Q(
        is_headteacher_cycle=True,
        appraisee_id__in=CycleAccessGrant.objects.filter(_open_committee_grants())
        .filter(user_id=principal.user_id)
        .values("cycle__appraisee_id"),
    )
