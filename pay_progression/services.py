"""Every write to pay scales, pay history, pay reviews and pay recommendations.

A recommendation moves through one service, ``recommendation_move``, by the table below:
check the actor may make the move → lock the row (``select_for_update(of=("self",))``) →
check the move against the table and the pinned policy → save only the changed fields →
write a typed ``PayEvent`` (simple-history keeps what the record looked like). A refused
change raises ``PayError``, which the page shows next to its field.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cycles import extensions
from cycles.models import AppraisalCycle
from organisation.models import Academy, PayRange, Role, RoleAssignment, StaffMember, Trust
from organisation.principal import principal_for
from organisation.services import staff_update
from policies.models import PolicyVersion
from policies.selectors import policy_versions_for_staff, preset_sources
from reviews.models import AnnualReview

from . import rules
from .models import (
    DRAFT_STAGES,
    Outcome,
    PayEvent,
    PayEventKind,
    PayPlacement,
    PayPoint,
    PayRecommendation,
    PayReview,
    PayScaleSet,
    PayStatementFile,
    PlacementSource,
    Stage,
    pay_year_label,
)
from .permissions import PayAction, can, may_edit_scales, may_record_placement, review_academies

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


class PayError(Exception):
    """A refused change, with a message fit for the page and the form field it is about."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _history(obj: object, actor: User | None, reason: str) -> None:
    obj._change_reason = reason  # type: ignore[attr-defined]
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]


def pay_year_starts(pay_year: int) -> dt.date:
    return dt.date(pay_year, 9, 1)


def pay_year_ends(pay_year: int) -> dt.date:
    return dt.date(pay_year + 1, 8, 31)


# ----- Pay scales --------------------------------------------------------------------------

# The points of each range, in order, as the national pay documents and the local-government
# spine name them. Amounts are the trust's to enter.
STANDARD_POINTS: dict[str, tuple[str, ...]] = {
    PayRange.MAIN: tuple(f"M{n}" for n in range(1, 7)),
    PayRange.UPPER: tuple(f"U{n}" for n in range(1, 4)),
    PayRange.LEADERSHIP: tuple(f"L{n}" for n in range(1, 44)),
    PayRange.UNQUALIFIED: tuple(f"UQ{n}" for n in range(1, 7)),
    PayRange.LEADING_PRACTITIONER: tuple(f"LP{n}" for n in range(1, 19)),
    PayRange.SUPPORT: tuple(str(n) for n in range(1, 44)),
}


def scale_set_create(
    *,
    actor: User,
    trust: Trust,
    pay_year: int,
    effective_from: dt.date,
    name: str,
    copy_from: PayScaleSet | None = None,
    is_example: bool = False,
) -> PayScaleSet:
    """A new pay year's scales: every standard point, with the amounts and grades of
    ``copy_from`` where given (the trust then enters the new amounts)."""
    if not may_edit_scales(principal_for(actor)):
        raise PayError("Only the trust administrator sets the pay scales.")
    if not pay_year_starts(pay_year) <= effective_from <= pay_year_ends(pay_year):
        raise PayError(
            f"The scales of {pay_year_label(pay_year)} take effect between "
            f"{pay_year_starts(pay_year):%d %B %Y} and {pay_year_ends(pay_year):%d %B %Y}.",
            field="effective_from",
        )
    if copy_from is not None and copy_from.trust_id != trust.pk:
        raise PayError("Choose one of the trust's own pay scale sets.", field="copy_from")
    if PayScaleSet.objects.filter(trust=trust, pay_year=pay_year).exists():
        raise PayError(
            f"The trust already has pay scales for {pay_year_label(pay_year)}.", field="pay_year"
        )
    earlier: dict[tuple[str, str], PayPoint] = {}
    if copy_from is not None:
        earlier = {(p.pay_range, p.code): p for p in copy_from.points.all()}
    with transaction.atomic():
        scale_set = PayScaleSet(
            trust=trust,
            pay_year=pay_year,
            effective_from=effective_from,
            name=name.strip() or f"Pay scales {pay_year_label(pay_year)}",
            is_example=is_example,
        )
        _history(scale_set, actor, "Pay scales set up")
        try:
            with transaction.atomic():
                scale_set.save()
        except IntegrityError:
            raise PayError(
                f"The trust already has pay scales for {pay_year_label(pay_year)}.",
                field="pay_year",
            ) from None
        points = []
        for pay_range, codes in STANDARD_POINTS.items():
            for position, code in enumerate(codes):
                before = earlier.get((pay_range, code))
                points.append(
                    PayPoint(
                        trust=trust,
                        scale_set=scale_set,
                        pay_range=pay_range,
                        code=code,
                        position=position,
                        annual_amount=before.annual_amount if before else None,
                        grade=before.grade if before else "",
                    )
                )
        bulk_create_with_history(points, PayPoint, default_user=actor)
    return scale_set


def scale_points_update(
    *,
    actor: User,
    scale_set: PayScaleSet,
    pay_range: str,
    values: Mapping[str, tuple[Decimal | None, str]],
) -> int:
    """Set the amounts (and support staff grades) of one range; returns how many points
    changed."""
    if not may_edit_scales(principal_for(actor)) or scale_set.trust_id != actor.trust_id:
        raise PayError("Only the trust administrator sets the pay scales.")
    changed = 0
    with transaction.atomic():
        for point in PayPoint.objects.select_for_update(of=("self",)).filter(
            scale_set=scale_set, pay_range=pay_range
        ):
            if point.code not in values:
                continue
            amount, grade = values[point.code]
            if amount is not None and amount < 0:
                raise PayError("Enter an amount of £0 or more.", field=f"amount_{point.code}")
            if point.annual_amount == amount and point.grade == grade:
                continue
            point.annual_amount, point.grade = amount, grade
            _history(point, actor, "Amount entered")
            point.save(update_fields=["annual_amount", "grade"])
            changed += 1
    return changed


def scale_set_for_year(trust_id: int, pay_year: int) -> PayScaleSet | None:
    return PayScaleSet.objects.filter(trust_id=trust_id, pay_year=pay_year).first()


# ----- Pay history -------------------------------------------------------------------------


def placement_record(
    *,
    actor: User | None,
    staff: StaffMember,
    pay_range: str,
    point: str,
    since: dt.date,
    source: str = PlacementSource.ENTERED,
    recommendation: PayRecommendation | None = None,
) -> PayPlacement:
    """Add a place on a pay range to the person's pay history; the latest one is also
    written to their staff record (range, point, since)."""
    if source == PlacementSource.ENTERED and not (
        actor is not None and may_record_placement(principal_for(actor))
    ):
        raise PayError("Only HR records a change of pay point.")
    if pay_range not in PayRange.values or not pay_range:
        raise PayError("Choose a pay range.", field="pay_range")
    point = point.strip().upper()
    if not point:
        raise PayError("Enter the pay point.", field="point")
    if since < staff.start_date:
        raise PayError(
            f"The date is before they started ({staff.start_date:%d %B %Y}).", field="since"
        )
    if since > timezone.localdate() + dt.timedelta(days=366):
        raise PayError("The date is more than a year ahead.", field="since")
    with transaction.atomic():
        placement, _created = PayPlacement.objects.get_or_create(
            staff=staff,
            pay_range=pay_range,
            point=point,
            since=since,
            defaults={
                "trust_id": staff.trust_id,
                "source": source,
                "recommendation": recommendation,
            },
        )
        latest = PayPlacement.objects.filter(staff=staff).order_by("-since", "-pk").first()
        if latest == placement and (
            staff.pay_range != pay_range
            or staff.pay_point != point
            or staff.pay_point_since != since
        ):
            staff_update(
                staff=staff,
                job_title=staff.job_role.name,
                actor=actor,
                pay_range=pay_range,
                pay_point=point,
                pay_point_since=since,
            )
    return placement


def _placement_from_record(staff: StaffMember) -> PayPlacement | None:
    """The staff record's range and point (as the MIS import wrote them) as a history row."""
    if not staff.pay_range or not staff.pay_point:
        return None
    return PayPlacement(
        trust_id=staff.trust_id,
        staff=staff,
        pay_range=staff.pay_range,
        point=staff.pay_point.upper(),
        since=staff.pay_point_since or staff.start_date,
        source=PlacementSource.IMPORT,
    )


# ----- Opening a pay review ----------------------------------------------------------------


def _headteacher_staff_ids(academy: Academy) -> set[int]:
    users = (
        RoleAssignment.objects.active()
        .filter(trust_id=academy.trust_id, academy=academy, role=Role.HEADTEACHER)
        .values("user_id")
    )
    return set(
        StaffMember.objects.filter(trust_id=academy.trust_id, user_id__in=users).values_list(
            "pk", flat=True
        )
    )


def _reviewers(staff_ids: set[int], before: dt.date) -> dict[int, int | None]:
    """Each person's reviewer in their latest appraisal cycle that started before the pay
    year (one query)."""
    found: dict[int, int | None] = {}
    for appraisee_id, reviewer_id in (
        AppraisalCycle.objects.filter(appraisee_id__in=staff_ids, starts_on__lt=before)
        .order_by("appraisee_id", "-starts_on", "-pk")
        .values_list("appraisee_id", "reviewer_id")
    ):
        found.setdefault(appraisee_id, reviewer_id)
    return found


def _review_outcomes(
    staff_ids: set[int], before: dt.date
) -> dict[int, tuple[list[str], list[str]]]:
    """Each person's last completed annual review before the pay year: (objective
    outcomes, standard outcomes) (one query per kind)."""
    latest: dict[int, int] = {}
    for appraisee_id, review_id in (
        AnnualReview.objects.filter(
            cycle__appraisee_id__in=staff_ids,
            completed_at__isnull=False,
            cycle__starts_on__lt=before,
        )
        .order_by("cycle__appraisee_id", "-cycle__starts_on", "-pk")
        .values_list("cycle__appraisee_id", "pk")
    ):
        latest.setdefault(appraisee_id, review_id)
    by_review = {review_id: staff_id for staff_id, review_id in latest.items()}
    found: dict[int, tuple[list[str], list[str]]] = {pk: ([], []) for pk in latest}
    from reviews.models import ObjectiveAssessment, StandardAssessment

    for review_id, outcome in ObjectiveAssessment.objects.filter(
        review_id__in=by_review
    ).values_list("review_id", "outcome"):
        found[by_review[review_id]][0].append(outcome)
    for review_id, outcome in StandardAssessment.objects.filter(
        review_id__in=by_review
    ).values_list("review_id", "outcome"):
        found[by_review[review_id]][1].append(outcome)
    return found


def _in_capability(staff: Any) -> set[int]:
    found: set[int] = set()
    for source in extensions.capability_sources:
        found |= set(source.staff_in_capability(staff))
    return found


def _support_facts(staff: Any, on: dt.date) -> dict[int, frozenset[str]]:
    found: dict[int, frozenset[str]] = {}
    for source in extensions.support_record_sources:
        for pk, facts in source.support_facts(staff, on).items():
            found[pk] = found.get(pk, frozenset()) | facts
    return found


_SOURCES: dict[int, dict[str, str]] = {}


def _sources_of(version: PolicyVersion) -> dict[str, str]:
    """The paragraph each setting comes from (a preset's sources), once per version."""
    if version.pk not in _SOURCES:
        _SOURCES[version.pk] = preset_sources(version.policy)[0]
    return _SOURCES[version.pk]


def facts_for(
    staff: StaffMember,
    *,
    in_capability: set[int],
    support: Mapping[int, frozenset[str]],
    outcomes: Mapping[int, tuple[list[str], list[str]]],
) -> rules.Facts:
    objectives, standards = outcomes.get(staff.pk, ([], []))
    supported = support.get(staff.pk, frozenset())
    return rules.Facts(
        staff_group=staff.staff_group,
        pay_range=staff.pay_range,
        point=staff.pay_point.upper(),
        since=staff.pay_point_since,
        start_date=staff.start_date,
        is_ect=staff.is_ect,
        has_qts=staff.has_qts,
        in_capability=staff.pk in in_capability,
        under_support="under_support" in supported,
        concern_raised_and_supported="told_and_supported" in supported,
        objectives_significantly_missed=rules.objectives_significantly_missed(objectives),
        standards_not_met=rules.standards_not_met(standards),
    )


def range_points(scale_set: PayScaleSet) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for pay_range, code in scale_set.points.order_by("pay_range", "position").values_list(
        "pay_range", "code"
    ):
        found.setdefault(pay_range, []).append(code)
    return found


def pay_review_open(*, actor: User, academy: Academy, pay_year: int) -> PayReview:
    """Open the pay year's review for an academy: one recommendation per member of staff
    with a pay range recorded who is employed on 1 September, each pre-filled by the rules
    of the policy in force for them then. A fixed number of queries whatever the size."""
    principal = principal_for(actor)
    if not Academy.objects.filter(review_academies(principal), pk=academy.pk).exists():
        raise PayError("You cannot open the pay review of this academy.")
    scale_set = scale_set_for_year(academy.trust_id, pay_year)
    if scale_set is None:
        raise PayError(
            f"Enter the pay scales for {pay_year_label(pay_year)} first (Administration, "
            "Pay scales).",
            field="pay_year",
        )
    starts = pay_year_starts(pay_year)
    with transaction.atomic():
        review = PayReview(
            trust_id=academy.trust_id,
            academy=academy,
            pay_year=pay_year,
            scale_set=scale_set,
            opened_by=actor,
        )
        _history(review, actor, "Pay review opened")
        try:
            with transaction.atomic():
                review.save()
        except IntegrityError:
            raise PayError(
                f"The pay review for {pay_year_label(pay_year)} is already open.", field="pay_year"
            ) from None
        in_scope = (
            StaffMember.objects.filter(trust_id=academy.trust_id, academy=academy)
            .filter(Q(left_on__isnull=True) | Q(left_on__gte=starts))
            .exclude(pay_range="")
            .select_related("job_role")
        )
        staff = list(in_scope)
        ids = {s.pk for s in staff}
        versions = policy_versions_for_staff(in_scope, starts)
        policies = {
            v.pk: v
            for v in PolicyVersion.objects.filter(
                pk__in={v.pk for v in versions.values()}
            ).select_related("policy")
        }
        heads = _headteacher_staff_ids(academy)
        reviewers = _reviewers(ids, starts)
        capability = _in_capability(in_scope)
        support = _support_facts(in_scope, starts)
        outcomes = _review_outcomes(ids, starts)
        points = range_points(scale_set)
        upper = points.get(rules.UPPER, [])
        recs: list[PayRecommendation] = []
        placements: list[PayPlacement] = []
        existing = set(
            PayPlacement.objects.filter(staff_id__in=ids).values_list(
                "staff_id", "pay_range", "point", "since"
            )
        )
        for person in staff:
            version = versions.get(person.pk)
            if version is None:
                continue
            version = policies[version.pk]
            pay = version.rules.pay
            is_head = person.pk in heads
            facts = facts_for(person, in_capability=capability, support=support, outcomes=outcomes)
            suggestion = rules.suggest(
                pay,
                facts,
                effective_on=starts,
                points=points.get(person.pay_range, []),
                upper_first=upper[0] if upper else None,
                sources=_sources_of(version),
            )
            kind = rules.recommender_kind(pay, is_headteacher=is_head)
            recommender_id = reviewers.get(person.pk) or person.line_manager_id
            if kind != "reviewer" or recommender_id == person.pk:
                recommender_id = None
            headteacher = version.rules.headteacher
            recs.append(
                PayRecommendation(
                    trust_id=academy.trust_id,
                    academy=academy,
                    review=review,
                    staff=person,
                    policy_version=version,
                    is_headteacher=is_head,
                    recommender_id=recommender_id,
                    current_range=person.pay_range,
                    current_point=facts.point,
                    current_since=person.pay_point_since,
                    suggested_outcome=suggestion.outcome,
                    suggested_point=suggestion.next_point,
                    suggested_reasons=[r.as_dict() for r in suggestion.reasons],
                    rule_basis=suggestion.basis[:300],
                    evidence_required=suggestion.evidence_required,
                    outcome=suggestion.outcome,
                    proposed_point=suggestion.next_point,
                    reason_key=suggestion.reasons[0].key if suggestion.reasons else "",
                    reason=suggestion.reasons[0].text[:300] if suggestion.reasons else "",
                    decision_due=rules.decision_due(
                        pay.decision_due,
                        headteacher.pay_decision_due,
                        pay_year=pay_year,
                        is_headteacher=is_head,
                    ),
                )
            )
            placement = _placement_from_record(person)
            if placement is not None:
                key = (person.pk, placement.pay_range, placement.point, placement.since)
                if key not in existing:
                    placements.append(placement)
        created = bulk_create_with_history(recs, PayRecommendation, default_user=actor)
        if placements:
            bulk_create_with_history(placements, PayPlacement, default_user=actor)
        PayEvent.objects.bulk_create(
            PayEvent(
                trust_id=academy.trust_id,
                recommendation=rec,
                kind=PayEventKind.OPENED,
                to_stage=Stage.PREPARED,
                actor=actor,
            )
            for rec in created
        )
    return review


def pay_reviews_open_for_trust(*, actor: User, pay_year: int) -> list[PayReview]:
    """HR opens the pay year's review of every academy (and the central team) that has
    none yet; the reviews already open are left as they are."""
    principal = principal_for(actor)
    if not principal.is_hr:
        raise PayError("Only HR opens the pay reviews of the whole trust.")
    if scale_set_for_year(principal.tenant_id, pay_year) is None:
        raise PayError(
            f"Enter the pay scales for {pay_year_label(pay_year)} first (Administration, "
            "Pay scales).",
            field="pay_year",
        )
    opened = []
    for academy in Academy.objects.filter(trust_id=principal.tenant_id).exclude(
        pk__in=PayReview.objects.filter(pay_year=pay_year).values("academy_id")
    ):
        opened.append(pay_review_open(actor=actor, academy=academy, pay_year=pay_year))
    return opened


# ----- The recommendation's workflow -------------------------------------------------------

# Every allowed move, and what it is. Classic §5.7.7: a recommendation is approved by the
# headteacher before it is shared; a policy that does not ask for it shares the draft.
# An appeal will add (STATEMENT_ISSUED, APPEALED) and (APPEALED, FINAL).
TRANSITIONS: dict[tuple[Stage, Stage], str] = {
    (Stage.PREPARED, Stage.DRAFTED): "Draft the recommendation",
    (Stage.DRAFTED, Stage.DRAFTED): "Change the draft",
    (Stage.DRAFTED, Stage.APPROVED): "Approve the recommendation",
    (Stage.APPROVED, Stage.SHARED): "Share it with the member of staff",
    (Stage.DRAFTED, Stage.SHARED): "Share it with the member of staff",
    (Stage.SHARED, Stage.DECIDED): "Record the pay committee's decision",
    (Stage.DECIDED, Stage.STATEMENT_ISSUED): "Issue the pay statement",
    (Stage.STATEMENT_ISSUED, Stage.FINAL): "Make the decision final",
}

_ACTION = {
    Stage.DRAFTED: PayAction.DRAFT,
    Stage.APPROVED: PayAction.APPROVE,
    Stage.SHARED: PayAction.SHARE,
    Stage.DECIDED: PayAction.DECIDE,
    Stage.STATEMENT_ISSUED: PayAction.ISSUE_STATEMENT,
    Stage.FINAL: PayAction.MAKE_FINAL,
}
_EVENT = {
    Stage.DRAFTED: PayEventKind.DRAFTED,
    Stage.APPROVED: PayEventKind.APPROVED,
    Stage.SHARED: PayEventKind.SHARED,
    Stage.DECIDED: PayEventKind.DECIDED,
    Stage.STATEMENT_ISSUED: PayEventKind.STATEMENT_ISSUED,
    Stage.FINAL: PayEventKind.FINAL,
}
_STAMP = {
    Stage.DRAFTED: "drafted_at",
    Stage.APPROVED: "approved_at",
    Stage.SHARED: "shared_at",
    Stage.DECIDED: "decided_at",
    Stage.STATEMENT_ISSUED: "statement_issued_at",
    Stage.FINAL: "final_at",
}


def move_refusal(rec: PayRecommendation, to: Stage) -> str | None:
    """Why ``rec`` may not move to ``to`` under the table and its pinned policy, or None."""
    here = Stage(rec.stage)
    if (here, to) not in TRANSITIONS:
        return f"A recommendation that is “{here.label}” cannot be moved to “{to.label}”."
    pay = rec.policy_version.rules.pay
    needs_approval = rules.approval_needed(pay, is_headteacher=rec.is_headteacher)
    if here == Stage.DRAFTED and to == Stage.SHARED and needs_approval:
        return "The headteacher approves the recommendation before it is shared (classic §5.7.7)."
    if here == Stage.DRAFTED and to == Stage.APPROVED and not needs_approval:
        return "The policy does not ask for the headteacher's approval: share it instead."
    return None


def recommendation_facts(rec: PayRecommendation) -> rules.Facts:
    """The facts the rules read for ``rec``, as they stand now (four queries)."""
    staff = StaffMember.objects.filter(pk=rec.staff_id)
    starts = pay_year_starts(rec.review.pay_year)
    person = staff.select_related("job_role").get()
    return facts_for(
        person,
        in_capability=_in_capability(staff),
        support=_support_facts(staff, starts),
        outcomes=_review_outcomes({person.pk}, starts),
    )


def _locked(rec: PayRecommendation, expected_version: int | None) -> PayRecommendation:
    locked = (
        PayRecommendation.objects.select_for_update(of=("self",))
        .select_related("policy_version", "review", "staff")
        .get(pk=rec.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        raise PayError("This page is out of date. Open it again and make your changes.")
    return locked


def _event(rec: PayRecommendation, kind: str, actor: User, *, was: str, reason: str) -> None:
    PayEvent.objects.create(
        trust_id=rec.trust_id,
        recommendation=rec,
        kind=kind,
        from_stage=was,
        to_stage=rec.stage,
        reason=reason[:300],
        actor=actor,
    )


def recommendation_draft(
    *,
    actor: User,
    recommendation: PayRecommendation,
    outcome: str,
    proposed_point: str = "",
    reason_key: str = "",
    evidence: str = "",
    honorarium: bool = False,
    honorarium_note: str = "",
    expected_version: int | None = None,
) -> PayRecommendation:
    """Write (or change) the draft: the outcome, the point, the reason for no increment,
    the evidence the policy asks for and any honorarium it allows."""
    if not can(principal_for(actor), PayAction.DRAFT, recommendation):
        raise PayError("You cannot draft this pay recommendation.")
    with transaction.atomic():
        rec = _locked(recommendation, expected_version)
        if rec.stage not in DRAFT_STAGES:
            raise PayError(
                "The recommendation has been approved or shared: it is no longer a draft."
            )
        pay = rec.policy_version.rules.pay
        starts = pay_year_starts(rec.review.pay_year)
        facts = recommendation_facts(rec)
        if outcome not in Outcome.values:
            raise PayError("Choose whether they move to the next point.", field="outcome")
        reason_text = ""
        if outcome == Outcome.PROGRESS:
            reason_key = ""
            if not proposed_point.strip():
                raise PayError("Enter the point they move to.", field="proposed_point")
        else:
            proposed_point = ""
            refusal = rules.withhold_refusal(pay, facts, reason_key=reason_key, effective_on=starts)
            if refusal:
                raise PayError(refusal, field="reason_key")
            reason_text = dict(rules.reason_choices(pay, facts, starts))[reason_key]
        refusal = rules.evidence_refusal(rec.evidence_required, evidence)
        if refusal:
            raise PayError(refusal, field="evidence")
        refusal = rules.honorarium_refusal(pay, honorarium)
        if refusal:
            raise PayError(refusal, field="honorarium")
        if honorarium and not honorarium_note.strip():
            raise PayError("Say what the exceptional contribution was.", field="honorarium_note")
        was = rec.stage
        rec.outcome, rec.proposed_point = outcome, proposed_point.strip().upper()
        rec.reason_key, rec.reason = reason_key, reason_text[:300]
        rec.evidence = evidence.strip()
        rec.honorarium, rec.honorarium_note = honorarium, honorarium_note.strip()[:300]
        rec.stage = Stage.DRAFTED
        rec.drafted_at = timezone.now()
        rec.version += 1
        _history(rec, actor, "Drafted")
        rec.save(
            update_fields=[
                "outcome",
                "proposed_point",
                "reason_key",
                "reason",
                "evidence",
                "honorarium",
                "honorarium_note",
                "stage",
                "drafted_at",
                "version",
            ]
        )
        _event(rec, PayEventKind.DRAFTED, actor, was=was, reason=reason_text)
    return rec


def recommendation_move(
    *,
    actor: User,
    recommendation: PayRecommendation,
    to: Stage,
    reason: str = "",
    outcome: str | None = None,
    expected_version: int | None = None,
) -> PayRecommendation:
    """Approve, share, decide, issue the statement, make final: one move of the table.

    Deciding records the governors' pay committee's decision (``outcome``: the
    recommendation as it stands, or the other way with the reason) and sets the date it
    takes effect (backdated to 1 September where the policy says); a move to the next point
    then enters the person's pay history."""
    to = Stage(to)
    action = _ACTION.get(to)
    if action is None or to == Stage.DRAFTED:
        raise PayError("Draft the recommendation on its own page.")
    if not can(principal_for(actor), action, recommendation):
        raise PayError("You cannot make this change to the pay recommendation.")
    with transaction.atomic():
        rec = _locked(recommendation, expected_version)
        refusal = move_refusal(rec, to)
        if refusal:
            raise PayError(refusal)
        fields = ["stage", _STAMP[to], "version"]
        if to == Stage.DECIDED:
            fields += _decide(rec, outcome=outcome, note=reason)
        was = rec.stage
        rec.stage = to
        setattr(rec, _STAMP[to], timezone.now())
        rec.version += 1
        _history(rec, actor, TRANSITIONS[(Stage(was), to)] + (f": {reason}" if reason else ""))
        rec.save(update_fields=fields)
        _event(rec, _EVENT[to], actor, was=was, reason=reason)
        if to == Stage.DECIDED and rec.outcome == Outcome.PROGRESS and rec.proposed_point:
            assert rec.effective_from is not None
            placement_record(
                actor=actor,
                staff=rec.staff,
                pay_range=_range_of(rec),
                point=rec.proposed_point,
                since=rec.effective_from,
                source=PlacementSource.DECISION,
                recommendation=rec,
            )
    if to == Stage.STATEMENT_ISSUED:
        statement_issue(recommendation=rec)
    return rec


def _range_of(rec: PayRecommendation) -> str:
    """The range of the point they move to (the upper range's first point from the top of
    the main range)."""
    if rec.current_range == PayRange.MAIN and rec.proposed_point.upper().startswith("U"):
        return PayRange.UPPER
    return rec.current_range


def _decide(rec: PayRecommendation, *, outcome: str | None, note: str) -> list[str]:
    pay = rec.policy_version.rules.pay
    if outcome is not None and outcome not in Outcome.values:
        raise PayError("Choose the pay committee's decision.", field="outcome")
    if outcome is not None and outcome != rec.outcome:
        if not note.strip():
            raise PayError(
                "Give the pay committee's reason for deciding otherwise.", field="reason"
            )
        if outcome == Outcome.PROGRESS:
            points = range_points(rec.review.scale_set).get(rec.current_range, [])
            following = rules.next_point(points, rec.current_point)
            if following is None:
                raise PayError("They are at the top of their range.", field="outcome")
            rec.proposed_point, rec.reason_key, rec.reason = following, "", ""
        else:
            rec.proposed_point, rec.reason_key, rec.reason = "", rules.OTHER, note.strip()[:300]
        rec.outcome = outcome
    rec.decision_note = note.strip()
    rec.effective_from = rules.effective_from(
        pay,
        pay_year_starts=pay_year_starts(rec.review.pay_year),
        decided_on=timezone.localdate(),
    )
    return ["outcome", "proposed_point", "reason_key", "reason", "decision_note", "effective_from"]


# ----- The written pay statement -----------------------------------------------------------


def statement_issue(*, recommendation: PayRecommendation) -> PayStatementFile:
    """Lay out the pay statement once and keep it: every download serves the stored file."""
    from . import statements

    rec = (
        PayRecommendation.objects.select_related(
            "staff__job_role", "academy", "review__scale_set", "policy_version__policy"
        )
        .filter(pk=recommendation.pk)
        .get()
    )
    pdf = statements.pdf_from(statements.html_from(statements.statement_context(rec)))
    digest = hashlib.sha256(pdf).hexdigest()
    name = default_storage.save(
        f"pay_statements/{rec.trust_id}/{uuid.uuid4().hex}.pdf", ContentFile(pdf)
    )
    with transaction.atomic():
        row, created = PayStatementFile.objects.select_for_update(of=("self",)).get_or_create(
            recommendation=rec,
            defaults={
                "trust_id": rec.trust_id,
                "file": name,
                "file_sha256": digest,
                "rendered_at": timezone.now(),
            },
        )
        if not created:
            old = row.file.name
            row.file.name, row.file_sha256, row.rendered_at = name, digest, timezone.now()
            row.save(update_fields=["file", "file_sha256", "rendered_at"])
            if old and old != name:
                transaction.on_commit(lambda: default_storage.delete(old), robust=True)
    return row


def statement_bytes(recommendation: PayRecommendation) -> bytes:
    """The stored statement; laid out and stored again if the file is missing or altered."""
    stored = PayStatementFile.objects.filter(recommendation=recommendation).first()
    if stored is not None:
        try:
            with stored.file.open("rb") as handle:
                pdf = handle.read()
        except OSError:
            logger.warning("stored pay statement unreadable id=%s", stored.pk)
        else:
            if hashlib.sha256(pdf).hexdigest() == stored.file_sha256:
                return pdf
            logger.warning("stored pay statement altered id=%s", stored.pk)
    stored = statement_issue(recommendation=recommendation)
    with stored.file.open("rb") as handle:
        return bytes(handle.read())
