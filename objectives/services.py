"""Every write in the objectives app.

Each service is keyword-only and atomic: it checks the actor's permission on the cycle
(``cycles.permissions.can``), locks the row it changes, checks the change against the
cycle's pinned policy, saves with ``update_fields`` and names the actor in history. A
refused change raises ``ObjectivesError`` with a sentence fit for the page; an edit made
from an out-of-date page raises ``StaleEditError`` and saves nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone

from cycles.models import AppraisalCycle
from organisation.models import Academy
from organisation.principal import Principal, principal_for
from policies.schema import AppraisalModel, PolicySettings

from . import permissions
from .models import (
    SMART_PARTS,
    AppraiseeResponse,
    Conversation,
    DevelopmentPlan,
    ImprovementPriority,
    Meeting,
    Objective,
    ObjectiveComment,
    ObjectivePlan,
    ObjectiveStatus,
    PlanState,
    SharedObjective,
    WellbeingConsent,
    WellbeingNote,
)
from .rules import RuleBreach, check_development_plan, check_meeting, check_objective_plan
from .selectors import development_plan_facts, plan_facts, policy_paragraphs

if TYPE_CHECKING:
    from accounts.models import User


class ObjectivesError(Exception):
    """A refused change, with a message fit to show on the page and, when the policy's
    rules refused it, each rule broken."""

    def __init__(self, message: str, breaches: Sequence[RuleBreach] = ()) -> None:
        super().__init__(message)
        self.breaches = list(breaches)

    @property
    def messages(self) -> list[str]:
        return [str(self), *(str(b) for b in self.breaches)]


class StaleEditError(ObjectivesError):
    """Someone else saved a change after this page was opened."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this since you opened the page, so your changes have not "
            "been saved. Open it again to see their changes, then make yours."
        )


OBJECTIVE_FIELDS = (
    "kind",
    "title",
    *(name for name, _ in SMART_PARTS),
    "success_criteria",
    "actions",
    "support",
    "alignment",
    "status",
)
# What stays individual when an objective is shared (langley §7 VIII): the shared text
# itself (title and kind) comes from the shared objective.
SHARED_FIXED_FIELDS = ("kind", "title")


# ----- Helpers ------------------------------------------------------------------------


def _principal(actor: User) -> Principal:
    return principal_for(actor)


def _history(obj: Model, actor: User, reason: str = "") -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]


def _require(allowed: bool, message: str = "You cannot change this record.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def _check_open(cycle: AppraisalCycle) -> None:
    if cycle.state in permissions.FROZEN_STATES:
        raise ObjectivesError(
            f"This appraisal year is {cycle.get_state_display().lower()}: nothing in it can "
            "be changed."
        )


def _check_version(current: int, expected: int | None) -> None:
    if expected is not None and current != expected:
        raise StaleEditError()


def _rules(cycle: AppraisalCycle) -> PolicySettings:
    return cycle.policy_version.rules


def _lock_cycle(cycle: AppraisalCycle) -> AppraisalCycle:
    # Locks the cycle row: the plan, its objectives and the conversations are checked
    # together against the policy and would otherwise race (two people adding objectives).
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version", "academy", "appraisee")
        .get(pk=cycle.pk)
    )
    return locked


def _not_in_future(day: dt.date | None, what: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ObjectivesError(f"{what} cannot be in the future.")


def _locked_plan(cycle: AppraisalCycle) -> ObjectivePlan:
    # A plan is created the first time anything is written; version 0 means "not saved
    # yet", which is what a page opened before then carries.
    plan, _ = ObjectivePlan.objects.get_or_create(
        cycle=cycle, defaults={"trust_id": cycle.trust_id, "version": 0}
    )
    return ObjectivePlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)


def _locked_pdp(cycle: AppraisalCycle) -> DevelopmentPlan:
    pdp, _ = DevelopmentPlan.objects.get_or_create(
        cycle=cycle, defaults={"trust_id": cycle.trust_id, "version": 0}
    )
    return DevelopmentPlan.objects.select_for_update(of=("self",)).get(pk=pdp.pk)


def _plan_changed(plan: ObjectivePlan, actor: User, reason: str) -> None:
    """Any change to the objectives sends a proposed plan back to draft: the member of
    staff must see and answer what will actually be agreed."""
    fields = ["version"]
    plan.version += 1
    if plan.state == PlanState.PROPOSED:
        plan.state = PlanState.DRAFT
        plan.appraisee_response = AppraiseeResponse.NONE
        plan.appraisee_responded_at = None
        fields += ["state", "appraisee_response", "appraisee_responded_at"]
    _history(plan, actor, reason)
    plan.save(update_fields=fields)


def _objective_container(cycle: AppraisalCycle, actor: User) -> ObjectivePlan | DevelopmentPlan:
    """The locked record objectives belong to: the objective plan, or under a personal
    development plan policy the PDP (whose extra targets are objectives)."""
    model = _rules(cycle).model
    if model == AppraisalModel.OBJECTIVES:
        container: ObjectivePlan | DevelopmentPlan = _locked_plan(cycle)
        what = "The objectives are agreed"
    elif model == AppraisalModel.PDP:
        container = _locked_pdp(cycle)
        what = "The personal development plan is agreed"
    else:
        raise ObjectivesError(
            "This policy has developmental conversations instead of objectives: record "
            "growth areas and CPD activities in the conversations."
        )
    if container.state == PlanState.AGREED:
        raise ObjectivesError(f"{what}. Reopen it to change the objectives.")
    return container


def _touch_container(container: ObjectivePlan | DevelopmentPlan, actor: User, reason: str) -> None:
    # An objective plan is agreed as a whole, so any change to its objectives makes pages
    # showing the plan out of date. A development plan's extra targets are separate from
    # its inquiry text, which the member of staff may be writing at the same time: they
    # do not conflict, and agreeing it re-checks the targets anyway.
    if isinstance(container, ObjectivePlan):
        _plan_changed(container, actor, reason)


def _check_priorities(cycle: AppraisalCycle, priorities: Iterable[ImprovementPriority]) -> None:
    for priority in priorities:
        if priority.trust_id != cycle.trust_id or priority.academy_id not in (
            None,
            cycle.academy_id,
        ):
            raise ObjectivesError(
                f"“{priority.title}” is not a priority of this academy or of the trust."
            )


def _check_kind(rules: PolicySettings, kind: str) -> None:
    if rules.model == AppraisalModel.PDP and kind not in {
        str(k) for k in rules.pdp.extra_target_kinds
    }:
        raise ObjectivesError(
            "Under a personal development plan, extra targets are only of the kinds the "
            "policy lists."
        )


# ----- Objectives ---------------------------------------------------------------------


@transaction.atomic
def objective_create(
    *,
    actor: User,
    cycle: AppraisalCycle,
    title: str,
    priorities: Iterable[ImprovementPriority] = (),
    **fields: Any,
) -> Objective:
    """Add an objective (or a PDP's extra target) to ``cycle``."""
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer sets objectives.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    container = _objective_container(cycle, actor)
    unknown = set(fields) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown objective fields: {sorted(unknown)}")
    if not title.strip():
        raise ObjectivesError("Enter the objective.")
    _check_kind(_rules(cycle), fields.get("kind", ""))
    priorities = list(priorities)
    _check_priorities(cycle, priorities)
    position = cycle.objectives.count() + 1
    objective = Objective(
        trust_id=cycle.trust_id, cycle=cycle, title=title.strip(), position=position, **fields
    )
    _history(objective, actor)
    objective.save()
    objective.priorities.set(priorities)
    _touch_container(container, actor, f"Objective added: {objective.title}")
    return objective


@transaction.atomic
def objective_update(
    *,
    actor: User,
    objective: Objective,
    expected_version: int | None,
    priorities: Iterable[ImprovementPriority] | None = None,
    **fields: Any,
) -> Objective:
    """Change an objective. Once the plan is agreed only its progress (status) changes;
    anything else needs the plan reopened."""
    principal = _principal(actor)
    cycle = _lock_cycle(objective.cycle)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer changes objectives.")
    _check_open(cycle)
    objective = Objective.objects.select_for_update(of=("self",)).get(pk=objective.pk, cycle=cycle)
    _check_version(objective.version, expected_version)
    unknown = set(fields) - set(OBJECTIVE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown objective fields: {sorted(unknown)}")
    if objective.shared_id is not None:
        fields = {k: v for k, v in fields.items() if k not in SHARED_FIXED_FIELDS}
    changed = [k for k, v in fields.items() if getattr(objective, k) != v]
    new_priorities = None if priorities is None else list(priorities)
    priorities_changed = new_priorities is not None and {p.pk for p in new_priorities} != set(
        objective.priorities.values_list("pk", flat=True)
    )
    only_progress = set(changed) <= {"status"} and not priorities_changed
    container: ObjectivePlan | DevelopmentPlan | None = None
    if not only_progress:
        container = _objective_container(cycle, actor)
        if "title" in fields and not str(fields["title"]).strip():
            raise ObjectivesError("Enter the objective.")
        if "kind" in changed:
            _check_kind(_rules(cycle), fields["kind"])
    if new_priorities is not None:
        _check_priorities(cycle, new_priorities)
    for name in changed:
        setattr(objective, name, fields[name])
    objective.version += 1
    _history(objective, actor)
    objective.save(update_fields=[*changed, "version", "updated_at"])
    if priorities_changed and new_priorities is not None:
        objective.priorities.set(new_priorities)
    if container is not None:
        _touch_container(container, actor, f"Objective changed: {objective.title}")
    return objective


@transaction.atomic
def objective_delete(*, actor: User, objective: Objective, expected_version: int | None) -> None:
    principal = _principal(actor)
    cycle = _lock_cycle(objective.cycle)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer removes objectives.")
    _check_open(cycle)
    container = _objective_container(cycle, actor)
    objective = Objective.objects.select_for_update(of=("self",)).get(pk=objective.pk, cycle=cycle)
    _check_version(objective.version, expected_version)
    title = objective.title
    _history(objective, actor)
    objective.delete()
    _touch_container(container, actor, f"Objective removed: {title}")


@transaction.atomic
def objective_comment_add(*, actor: User, objective: Objective, text: str) -> ObjectiveComment:
    """The member of staff's comment on an objective (or the reviewer's reply)."""
    principal = _principal(actor)
    cycle = objective.cycle
    _require(permissions.can_contribute(principal, cycle), "You cannot comment on this record.")
    _check_open(cycle)
    text = text.strip()
    if not text:
        raise ObjectivesError("Enter your comment.")
    name = principal.staff.full_name if principal.staff is not None else actor.get_full_name()
    return ObjectiveComment.objects.create(
        trust_id=cycle.trust_id,
        objective=objective,
        author=actor,
        author_name=name or actor.email,
        text=text,
    )


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
    plan.version += 1
    _history(plan, actor, f"Reopened: {reason}")
    plan.save(
        update_fields=[
            "state",
            "appraisee_response",
            "appraisee_responded_at",
            "headteacher_determined",
            "version",
        ]
    )
    return plan


# ----- Improvement priorities ---------------------------------------------------------


def _check_priority_unique(
    *, trust_id: int, academy: Academy | None, academic_year: int, code: str, pk: int | None
) -> None:
    clash = ImprovementPriority.objects.filter(
        trust_id=trust_id, academy=academy, academic_year=academic_year, code__iexact=code
    )
    if pk is not None:
        clash = clash.exclude(pk=pk)
    if clash.exists():
        where = academy.name if academy is not None else "the trust"
        raise ObjectivesError(
            f"{where} already has a priority {code} for {academic_year} to {academic_year + 1}."
        )


@transaction.atomic
def priority_create(
    *,
    actor: User,
    academy: Academy | None,
    academic_year: int,
    code: str,
    title: str,
    description: str = "",
) -> ImprovementPriority:
    principal = _principal(actor)
    trust_id = principal.trust_id
    if academy is not None and academy.trust_id != trust_id:
        raise PermissionDenied("Not an academy of this trust.")
    _require(
        permissions.can_manage_priorities(principal, academy.pk if academy else None),
        "You cannot add priorities to this plan.",
    )
    assert trust_id is not None
    code, title = code.strip(), title.strip()
    if not code or not title:
        raise ObjectivesError("Enter the priority's code and title.")
    _check_priority_unique(
        trust_id=trust_id, academy=academy, academic_year=academic_year, code=code, pk=None
    )
    priority = ImprovementPriority(
        trust_id=trust_id,
        academy=academy,
        academic_year=academic_year,
        code=code,
        title=title,
        description=description.strip(),
    )
    _history(priority, actor)
    try:
        with transaction.atomic():
            priority.save()
    except IntegrityError:
        raise ObjectivesError("That priority code is already used for that year.") from None
    return priority


@transaction.atomic
def priority_update(
    *,
    actor: User,
    priority: ImprovementPriority,
    academic_year: int,
    code: str,
    title: str,
    description: str = "",
) -> ImprovementPriority:
    principal = _principal(actor)
    priority = ImprovementPriority.objects.select_for_update(of=("self",)).get(
        pk=priority.pk, trust_id=principal.trust_id or 0
    )
    _require(permissions.can_manage_priorities(principal, priority.academy_id))
    code, title = code.strip(), title.strip()
    if not code or not title:
        raise ObjectivesError("Enter the priority's code and title.")
    _check_priority_unique(
        trust_id=priority.trust_id,
        academy=priority.academy,
        academic_year=academic_year,
        code=code,
        pk=priority.pk,
    )
    priority.academic_year, priority.code = academic_year, code
    priority.title, priority.description = title, description.strip()
    _history(priority, actor)
    priority.save(update_fields=["academic_year", "code", "title", "description"])
    return priority


@transaction.atomic
def priority_delete(*, actor: User, priority: ImprovementPriority) -> None:
    principal = _principal(actor)
    priority = ImprovementPriority.objects.select_for_update(of=("self",)).get(
        pk=priority.pk, trust_id=principal.trust_id or 0
    )
    _require(permissions.can_manage_priorities(principal, priority.academy_id))
    used = Objective.priorities.through.objects.filter(improvementpriority_id=priority.pk).count()
    shared = SharedObjective.objects.filter(priority=priority).count()
    if used or shared:
        raise ObjectivesError(
            f"{priority.code} is linked to {used + shared} objective"
            f"{'' if used + shared == 1 else 's'}, so it cannot be deleted."
        )
    _history(priority, actor)
    priority.delete()


# ----- Shared objectives ----------------------------------------------------------------


@transaction.atomic
def shared_objective_create(
    *,
    actor: User,
    academy: Academy | None,
    title: str,
    description: str = "",
    kind: str = "",
    priority: ImprovementPriority | None = None,
) -> SharedObjective:
    principal = _principal(actor)
    if academy is not None and academy.trust_id != principal.trust_id:
        raise PermissionDenied("Not an academy of this trust.")
    _require(
        permissions.can_create_shared(principal, academy.pk if academy else None),
        "You cannot create shared objectives here.",
    )
    title = title.strip()
    if not title:
        raise ObjectivesError("Enter the shared objective.")
    if priority is not None and (
        priority.trust_id != principal.trust_id
        or priority.academy_id not in (None, academy.pk if academy else None)
    ):
        raise ObjectivesError("Choose a priority of this academy or of the trust.")
    shared = SharedObjective(
        trust_id=principal.trust_id or 0,
        academy=academy,
        title=title,
        description=description.strip(),
        kind=kind,
        priority=priority,
        created_by=actor,
    )
    _history(shared, actor)
    shared.save()
    return shared


def _why_not_assignable(
    principal: Principal, shared: SharedObjective, cycle: AppraisalCycle
) -> str | None:
    name = cycle.appraisee.full_name
    if cycle.trust_id != shared.trust_id or (
        shared.academy_id is not None and cycle.academy_id != shared.academy_id
    ):
        return f"{name} is not at {shared.academy}."
    if not permissions.can_edit(principal, cycle):
        return f"You do not set {name}'s objectives."
    if cycle.state in permissions.FROZEN_STATES:
        return f"{name}'s appraisal year is {cycle.get_state_display().lower()}."
    rules = _rules(cycle)
    if rules.model != AppraisalModel.OBJECTIVES:
        return f"{name}'s policy has no objectives."
    if not rules.objectives.shared_objectives_allowed:
        return f"{name}'s policy does not have shared objectives."
    return None


@transaction.atomic
def shared_objective_assign(
    *, actor: User, shared: SharedObjective, cycles: Sequence[AppraisalCycle]
) -> list[Objective]:
    """Give ``shared`` to each cycle's member of staff as an objective of their own, with
    their own success criteria, actions and evidence (langley §7 VIII). All or nothing:
    if anyone cannot have it, nobody gets it and the error says who and why."""
    principal = _principal(actor)
    if not cycles:
        raise ObjectivesError("Choose at least one member of staff.")
    locked = list(
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version", "academy", "appraisee")
        .filter(pk__in=[c.pk for c in cycles], trust_id=principal.trust_id or 0)
        .order_by("pk")
    )
    if len(locked) != len({c.pk for c in cycles}):
        raise PermissionDenied("Not a record you can change.")
    problems = [p for p in (_why_not_assignable(principal, shared, c) for c in locked) if p]
    already = set(
        Objective.objects.filter(shared=shared, cycle__in=locked).values_list(
            "cycle__appraisee__first_name", "cycle__appraisee__last_name"
        )
    )
    problems += [f"{first} {last} already has this objective." for first, last in already]
    plans = {}
    for cycle in locked:
        plan = _locked_plan(cycle)
        if plan.state == PlanState.AGREED:
            problems.append(f"{cycle.appraisee.full_name}'s objectives are already agreed.")
        plans[cycle.pk] = plan
    if problems:
        raise ObjectivesError("The shared objective was not given to anyone: " + " ".join(problems))
    created = []
    for cycle in locked:
        objective = Objective(
            trust_id=cycle.trust_id,
            cycle=cycle,
            shared=shared,
            kind=shared.kind,
            title=shared.title,
            position=cycle.objectives.count() + 1,
            status=ObjectiveStatus.NOT_STARTED,
        )
        _history(objective, actor, "Shared objective assigned")
        objective.save()
        if shared.priority_id is not None:
            objective.priorities.set([shared.priority_id])
        _plan_changed(plans[cycle.pk], actor, f"Shared objective added: {shared.title}")
        created.append(objective)
    return created


# ----- Conversations (aspire-grow) ------------------------------------------------------


def _conversation_rule(cycle: AppraisalCycle, key: str) -> Any:
    rules = _rules(cycle)
    if rules.model != AppraisalModel.CONVERSATIONS:
        raise ObjectivesError("This policy does not have developmental conversations.")
    for rule in rules.conversations.conversations:
        if rule.key == key:
            return rule
    raise ObjectivesError("This policy has no such conversation.")


def _locked_conversation(cycle: AppraisalCycle, key: str) -> Conversation:
    conversation, _ = Conversation.objects.get_or_create(
        cycle=cycle, key=key, defaults={"trust_id": cycle.trust_id, "version": 0}
    )
    return Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)


@transaction.atomic
def conversation_record(
    *,
    actor: User,
    cycle: AppraisalCycle,
    key: str,
    expected_version: int | None,
    held_on: dt.date | None,
    growth_areas: str = "",
    cpd_activities: str = "",
    agreed_notes: str = "",
    notes_consent: bool = False,
) -> Conversation:
    """The reviewer records a conversation: when, the growth areas and CPD activities
    agreed, and (with the member of staff's consent, aspire §8.2) the agreed notes."""
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer records the conversation.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    _conversation_rule(cycle, key)
    _not_in_future(held_on, "The date the conversation was held")
    rules = _rules(cycle)
    agreed_notes = agreed_notes.strip()
    if agreed_notes and rules.conversations.notes_need_consent and not notes_consent:
        raise ObjectivesError(
            "Agreed notes are kept only with the member of staff's consent: confirm they "
            "agreed to the notes being recorded, or leave the notes empty."
        )
    conversation = _locked_conversation(cycle, key)
    _check_version(conversation.version, expected_version)
    conversation.held_on = held_on
    conversation.growth_areas = growth_areas.strip()
    conversation.cpd_activities = cpd_activities.strip()
    conversation.agreed_notes = agreed_notes
    conversation.notes_consent = bool(agreed_notes) and notes_consent
    conversation.version += 1
    _history(conversation, actor)
    conversation.save(
        update_fields=[
            "held_on",
            "growth_areas",
            "cpd_activities",
            "agreed_notes",
            "notes_consent",
            "version",
            "updated_at",
        ]
    )
    return conversation


@transaction.atomic
def conversation_contribute(
    *,
    actor: User,
    cycle: AppraisalCycle,
    key: str,
    expected_version: int | None,
    growth_areas: str,
    cpd_activities: str,
) -> Conversation:
    """The member of staff writes their own growth areas and CPD activities (aspire §6.5:
    each employee identifies them)."""
    principal = _principal(actor)
    _require(permissions.can_comment(principal, cycle), "Only the member of staff adds these.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    _conversation_rule(cycle, key)
    if not _rules(cycle).conversations.growth_areas_and_cpd_recorded:
        raise ObjectivesError("This policy does not record growth areas and CPD activities.")
    conversation = _locked_conversation(cycle, key)
    _check_version(conversation.version, expected_version)
    conversation.growth_areas = growth_areas.strip()
    conversation.cpd_activities = cpd_activities.strip()
    conversation.version += 1
    _history(conversation, actor)
    conversation.save(update_fields=["growth_areas", "cpd_activities", "version", "updated_at"])
    return conversation


# ----- Wellbeing notes and consent ------------------------------------------------------


def live_consent(cycle: AppraisalCycle) -> WellbeingConsent | None:
    return WellbeingConsent.objects.filter(cycle=cycle, withdrawn_at__isnull=True).first()


@transaction.atomic
def wellbeing_consent_give(*, actor: User, cycle: AppraisalCycle) -> WellbeingConsent:
    """The member of staff consents to wellbeing notes being kept (aspire §6.4a)."""
    principal = _principal(actor)
    _require(
        permissions.is_appraisee(principal, cycle),
        "Only the member of staff can consent for themself.",
    )
    cycle = _lock_cycle(cycle)
    existing = live_consent(cycle)
    if existing is not None:
        return existing
    consent = WellbeingConsent(
        trust_id=cycle.trust_id, cycle=cycle, given_by=actor, given_at=timezone.now()
    )
    _history(consent, actor, "Consent given")
    consent.save()
    return consent


@transaction.atomic
def wellbeing_consent_withdraw(*, actor: User, cycle: AppraisalCycle) -> int:
    """Withdraw consent: every wellbeing note on the cycle is deleted, for good (the notes
    have no history table, so nothing of them remains). Returns how many were deleted."""
    principal = _principal(actor)
    _require(
        permissions.is_appraisee(principal, cycle),
        "Only the member of staff can withdraw their consent.",
    )
    cycle = _lock_cycle(cycle)
    consent = (
        WellbeingConsent.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise ObjectivesError("You have not given consent, so there is nothing to withdraw.")
    deleted, _ = WellbeingNote.objects.filter(cycle=cycle).delete()
    consent.withdrawn_at = timezone.now()
    consent.notes_deleted = deleted
    _history(consent, actor, "Consent withdrawn; notes deleted")
    consent.save(update_fields=["withdrawn_at", "notes_deleted"])
    return deleted


@transaction.atomic
def wellbeing_note_add(*, actor: User, cycle: AppraisalCycle, text: str) -> WellbeingNote:
    principal = _principal(actor)
    _require(
        permissions.may_write_wellbeing_notes(principal, cycle),
        "Only the people in the conversation write wellbeing notes.",
    )
    cycle = _lock_cycle(cycle)
    text = text.strip()
    if not text:
        raise ObjectivesError("Enter the note.")
    consent = live_consent(cycle)
    if consent is None:
        raise ObjectivesError(
            f"Wellbeing notes are kept only with {cycle.appraisee.full_name}'s consent, "
            "which has not been given."
        )
    return WellbeingNote.objects.create(
        trust_id=cycle.trust_id, cycle=cycle, consent=consent, written_by=actor, text=text
    )


@transaction.atomic
def wellbeing_note_delete(*, actor: User, note: WellbeingNote) -> None:
    principal = _principal(actor)
    cycle = note.cycle
    allowed = permissions.is_appraisee(principal, cycle) or (
        note.written_by_id == actor.pk and permissions.may_write_wellbeing_notes(principal, cycle)
    )
    _require(allowed, "You cannot delete this note.")
    WellbeingNote.objects.filter(pk=note.pk).delete()


# ----- Personal development plan (leger-pdp) -------------------------------------------


@transaction.atomic
def development_plan_save(
    *,
    actor: User,
    cycle: AppraisalCycle,
    expected_version: int | None,
    answers: Sequence[str],
    development_needs: str,
) -> DevelopmentPlan:
    """Save the plan's Professional IQ inquiry and development needs. The member of staff
    drafts their own plan; the reviewer may edit it too."""
    principal = _principal(actor)
    _require(permissions.can_contribute(principal, cycle), "You cannot change this plan.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    rules = _rules(cycle)
    if rules.model != AppraisalModel.PDP:
        raise ObjectivesError("This policy does not use a personal development plan.")
    pdp = _locked_pdp(cycle)
    _check_version(pdp.version, expected_version)
    if pdp.state == PlanState.AGREED:
        raise ObjectivesError("The plan is agreed. Reopen it to change it.")
    parts = rules.pdp.professional_iq_parts
    pdp.inquiry = [
        {"part": part, "answer": (answers[i] if i < len(answers) else "").strip()}
        for i, part in enumerate(parts)
    ]
    pdp.development_needs = development_needs.strip()
    pdp.version += 1
    _history(pdp, actor)
    pdp.save(update_fields=["inquiry", "development_needs", "version", "updated_at"])
    return pdp


@transaction.atomic
def development_plan_agree(
    *, actor: User, cycle: AppraisalCycle, expected_version: int | None
) -> DevelopmentPlan:
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer agrees the plan.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    rules = _rules(cycle)
    if rules.model != AppraisalModel.PDP:
        raise ObjectivesError("This policy does not use a personal development plan.")
    pdp = _locked_pdp(cycle)
    _check_version(pdp.version, expected_version)
    if pdp.state == PlanState.AGREED:
        raise ObjectivesError("The plan is already agreed.")
    targets = list(cycle.objectives.prefetch_related("priorities"))
    breaches = check_development_plan(
        rules, development_plan_facts(pdp, targets), policy_paragraphs(cycle.policy_version)
    )
    if breaches:
        raise ObjectivesError("The plan cannot be agreed yet.", breaches)
    pdp.state = PlanState.AGREED
    pdp.agreed_at = timezone.now()
    pdp.agreed_by = actor
    pdp.version += 1
    _history(pdp, actor, "Plan agreed")
    pdp.save(update_fields=["state", "agreed_at", "agreed_by", "version", "updated_at"])
    return pdp


@transaction.atomic
def development_plan_reopen(
    *, actor: User, cycle: AppraisalCycle, reason: str, expected_version: int | None
) -> DevelopmentPlan:
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer reopens the plan.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    pdp = _locked_pdp(cycle)
    _check_version(pdp.version, expected_version)
    if pdp.state != PlanState.AGREED:
        raise ObjectivesError("Only an agreed plan can be reopened.")
    if not reason.strip():
        raise ObjectivesError("Say why the plan is being reopened.")
    pdp.state = PlanState.DRAFT
    pdp.version += 1
    _history(pdp, actor, f"Reopened: {reason.strip()}")
    pdp.save(update_fields=["state", "version", "updated_at"])
    return pdp


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
