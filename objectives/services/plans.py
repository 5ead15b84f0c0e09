"""The objective plan's agreement: draft → proposed → agreed, decided, reopened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from cycles.models import AppraisalCycle
from policies.schema import AppraisalModel

from .. import permissions
from ..models import (
    AppraiseeResponse,
    ObjectivePlan,
    PlanState,
)
from ..rules import RuleBreach, check_objective_plan
from ..selectors import plan_facts, policy_paragraphs
from ._common import (
    _check_open,
    _check_version,
    _history,
    _lock_cycle,
    _locked_plan,
    _principal,
    _require,
    _rules,
)
from .errors import ObjectivesError

if TYPE_CHECKING:
    from accounts.models import User


# ----- The objective plan: draft → proposed → agreed -----------------------------------


def plan_breaches(cycle: AppraisalCycle) -> list[RuleBreach]:
    """Every rule of the pinned policy the cycle's objectives break now."""
    objectives = list(cycle.objectives.prefetch_related("priorities"))
    return check_objective_plan(
        _rules(cycle), plan_facts(cycle, objectives), policy_paragraphs(cycle.policy_version)
    )


def _refuse_breaches(cycle: AppraisalCycle, doing: str) -> None:
    breaches = plan_breaches(cycle)
    if breaches:
        raise ObjectivesError(
            f"The objectives cannot be {doing} yet: they break "
            f"{'a rule' if len(breaches) == 1 else f'{len(breaches)} rules'} of the policy.",
            breaches,
        )


def _plan_for_workflow(cycle: AppraisalCycle, expected_version: int | None) -> ObjectivePlan:
    if _rules(cycle).model != AppraisalModel.OBJECTIVES:
        raise ObjectivesError("This policy does not set objectives.")
    plan = _locked_plan(cycle)
    _check_version(plan.version, expected_version)
    return plan


@transaction.atomic
def plan_propose(
    *, actor: User, cycle: AppraisalCycle, expected_version: int | None
) -> ObjectivePlan:
    """The reviewer puts the objectives to the member of staff."""
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer proposes objectives.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    plan = _plan_for_workflow(cycle, expected_version)
    if plan.state != PlanState.DRAFT:
        raise ObjectivesError("Only draft objectives can be proposed.")
    _refuse_breaches(cycle, "proposed")
    plan.state = PlanState.PROPOSED
    plan.proposed_at = timezone.now()
    plan.proposed_by = actor
    plan.appraisee_response = AppraiseeResponse.NONE
    plan.appraisee_responded_at = None
    plan.version += 1
    _history(plan, actor, "Objectives proposed")
    plan.save(
        update_fields=[
            "state",
            "proposed_at",
            "proposed_by",
            "appraisee_response",
            "appraisee_responded_at",
            "version",
        ]
    )
    return plan


@transaction.atomic
def plan_respond(
    *,
    actor: User,
    cycle: AppraisalCycle,
    agrees: bool,
    comment: str = "",
    expected_version: int | None,
) -> ObjectivePlan:
    """The member of staff says whether they agree the proposed objectives."""
    principal = _principal(actor)
    _require(
        permissions.can_comment(principal, cycle),
        "Only the member of staff answers for themself.",
    )
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    plan = _plan_for_workflow(cycle, expected_version)
    if plan.state != PlanState.PROPOSED:
        raise ObjectivesError("There are no proposed objectives to answer.")
    comment = comment.strip()
    if not agrees and not comment:
        raise ObjectivesError("Say what you do not agree with, so it can be discussed.")
    plan.appraisee_response = AppraiseeResponse.ACCEPTED if agrees else AppraiseeResponse.DISAGREED
    plan.appraisee_responded_at = timezone.now()
    plan.appraisee_comment = comment
    plan.version += 1
    _history(plan, actor, "Agrees" if agrees else "Does not agree")
    plan.save(
        update_fields=[
            "appraisee_response",
            "appraisee_responded_at",
            "appraisee_comment",
            "version",
        ]
    )
    return plan


@transaction.atomic
def plan_agree(
    *, actor: User, cycle: AppraisalCycle, expected_version: int | None
) -> ObjectivePlan:
    """The reviewer records the objectives as agreed. Refused, listing each rule broken,
    when the objectives break the policy; refused until the member of staff has said they
    agree (nobody agrees objectives alone)."""
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer records agreement.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    plan = _plan_for_workflow(cycle, expected_version)
    if plan.state == PlanState.AGREED:
        raise ObjectivesError("The objectives are already agreed.")
    _refuse_breaches(cycle, "agreed")
    if plan.state != PlanState.PROPOSED or plan.appraisee_response != AppraiseeResponse.ACCEPTED:
        raise ObjectivesError(
            "The member of staff has not yet said they agree these objectives: propose "
            "them first and wait for their answer."
        )
    plan.state = PlanState.AGREED
    plan.agreed_at = timezone.now()
    plan.agreed_by = actor
    plan.headteacher_determined = False
    plan.version += 1
    _history(plan, actor, "Objectives agreed")
    plan.save(
        update_fields=["state", "agreed_at", "agreed_by", "headteacher_determined", "version"]
    )
    return plan


@transaction.atomic
def plan_determine(
    *, actor: User, cycle: AppraisalCycle, note: str, expected_version: int | None
) -> ObjectivePlan:
    """The headteacher decides the objectives when reviewer and member of staff cannot
    agree (staploe, Setting Objectives). The policy's rules still apply."""
    principal = _principal(actor)
    _require(
        permissions.can_determine_objectives(principal, cycle),
        "Only the headteacher decides objectives that could not be agreed.",
    )
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    plan = _plan_for_workflow(cycle, expected_version)
    if plan.state != PlanState.PROPOSED or plan.appraisee_response != AppraiseeResponse.DISAGREED:
        raise ObjectivesError(
            "The headteacher decides only when the member of staff has said they do not "
            "agree the proposed objectives."
        )
    note = note.strip()
    if not note:
        raise ObjectivesError("Record the decision and the reasons for it.")
    _refuse_breaches(cycle, "decided")
    plan.state = PlanState.AGREED
    plan.agreed_at = timezone.now()
    plan.agreed_by = actor
    plan.headteacher_determined = True
    plan.determination_note = note
    plan.version += 1
    _history(plan, actor, "Objectives decided by the headteacher")
    plan.save(
        update_fields=[
            "state",
            "agreed_at",
            "agreed_by",
            "headteacher_determined",
            "determination_note",
            "version",
        ]
    )
    return plan


@transaction.atomic
def plan_reopen(
    *, actor: User, cycle: AppraisalCycle, reason: str, expected_version: int | None
) -> ObjectivePlan:
    """Reopen agreed objectives, e.g. when circumstances change significantly."""
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer reopens objectives.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    plan = _plan_for_workflow(cycle, expected_version)
    if plan.state != PlanState.AGREED:
        raise ObjectivesError("Only agreed objectives can be reopened.")
    reason = reason.strip()
    if not reason:
        raise ObjectivesError("Say why the objectives are being reopened.")
    plan.state = PlanState.DRAFT
    plan.appraisee_response = AppraiseeResponse.NONE
    plan.appraisee_responded_at = None
    plan.headteacher_determined = False
    # Reopening answers a request for a review, if there was one.
    plan.review_requested_at = None
    plan.review_requested_by = None
    plan.review_request_reason = ""
    plan.version += 1
    _history(plan, actor, f"Reopened: {reason}")
    plan.save(
        update_fields=[
            "state",
            "appraisee_response",
            "appraisee_responded_at",
            "headteacher_determined",
            "review_requested_at",
            "review_requested_by",
            "review_request_reason",
            "version",
        ]
    )
    return plan


@transaction.atomic
def plan_request_review(
    *, actor: User, cycle: AppraisalCycle, reason: str, expected_version: int | None
) -> ObjectivePlan:
    """The member of staff or the reviewer asks for the agreed objectives to be reviewed
    part-way through the year because circumstances changed significantly (staploe,
    Setting Objectives). Only where the policy lets either party ask
    (``objectives.either_party_may_ask_for_review``); the reviewer then reopens them."""
    principal = _principal(actor)
    _require(permissions.can_contribute(principal, cycle), "You cannot change this record.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    if not _rules(cycle).objectives.either_party_may_ask_for_review:
        raise ObjectivesError(
            "This policy does not let the reviewer or the member of staff ask for agreed "
            "objectives to be reviewed during the year."
        )
    plan = _plan_for_workflow(cycle, expected_version)
    if plan.state != PlanState.AGREED:
        raise ObjectivesError("Only agreed objectives can be reviewed: these can still change.")
    if plan.review_requested:
        raise ObjectivesError("A review of these objectives has already been asked for.")
    reason = reason.strip()
    if not reason:
        raise ObjectivesError("Say what has changed, so the objectives can be reviewed.")
    plan.review_requested_at = timezone.now()
    plan.review_requested_by = actor
    plan.review_request_reason = reason
    plan.version += 1
    _history(plan, actor, f"Review asked for: {reason}")
    plan.save(
        update_fields=[
            "review_requested_at",
            "review_requested_by",
            "review_request_reason",
            "version",
        ]
    )
    return plan


@transaction.atomic
def plan_record_absence(
    *, actor: User, cycle: AppraisalCycle, note: str, expected_version: int | None
) -> ObjectivePlan:
    """Record absence (sickness, maternity leave...) to be taken into account when
    judging whether the objectives were met (classic §1.11), at any point of the year,
    agreed or not. Only where the policy takes absence into account
    (``objectives.account_for_absence``)."""
    principal = _principal(actor)
    _require(permissions.can_contribute(principal, cycle), "You cannot change this record.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    if not _rules(cycle).objectives.account_for_absence:
        raise ObjectivesError("This policy does not record absence against the objectives.")
    plan = _plan_for_workflow(cycle, expected_version)
    note = note.strip()
    if note == plan.absence_note:
        return plan
    plan.absence_note = note
    plan.version += 1
    _history(plan, actor, "Absence to take into account recorded")
    plan.save(update_fields=["absence_note", "version"])
    return plan
