"""Who may see and act on concerns and support plans.

A plan is read by HR of the trust, the headteacher of the person's academy (never about
themselves: the headteacher's own case is handled outside the academy), the person who
manages the plan, and the member of staff it is about. The headteacher's own case is handled
by HR with the academy's chair of governors, who reads and runs the concerns and plans about
their academy's headteacher and nobody else's. Nobody else: not delegated appraisal leads, not
other governors, not the reviewer's line managers. A concern is read by the same people, with
whoever recorded it in the manager's place.

``visible_plans`` / ``visible_concerns`` answer "which", ``can`` answers "may they do this",
and ``get_plan_for_user`` / ``get_concern_for_user`` / ``get_meeting_for_user`` fetch one
for a page or 404 (logging the refusal of a record that exists). Every query starts from the
principal's trust.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from calendars.models import Term
from cycles.models import AppraisalCycle, CycleState
from organisation.access_log import refused
from organisation.models import Academy, Role, RoleAssignment, StaffMember
from organisation.principal import Principal
from policies.schema import CapabilityLetterWriter

from . import rules
from .models import (
    Concern,
    LetterKind,
    MeetingKind,
    PlanLetter,
    SupportMeeting,
    SupportPlan,
)


class PlanAction(enum.StrEnum):
    VIEW = "view"
    MANAGE = "manage"  # move the stage, schedule and record meetings, close
    COMMENT = "comment"  # the member of staff's own comments
    OPEN_PLAN = "open_plan"  # open a support plan from a concern


def _staff_id(principal: Principal) -> int:
    return principal.staff.pk if principal.staff is not None else 0


def _head_of(principal: Principal) -> frozenset[int]:
    return principal.academies_with(Role.HEADTEACHER)


def _chaired(principal: Principal) -> frozenset[int]:
    return principal.academies_with(Role.CHAIR_OF_GOVERNORS)


def _headteachers_of(academy_ids: frozenset[int]) -> Q:
    """Cases (a filter on a plan or a concern) about the current headteacher of one of
    ``academy_ids``, at that academy."""
    heads = RoleAssignment.objects.active().filter(
        role=Role.HEADTEACHER, academy_id__in=academy_ids
    )
    return Q(academy_id__in=academy_ids, staff__user_id__in=heads.values("user_id"))


def _is_headteacher_case(academy_id: int, staff_id: int) -> bool:
    return (
        RoleAssignment.objects.active()
        .filter(
            role=Role.HEADTEACHER,
            academy_id=academy_id,
            user__staff_member__pk=staff_id,
        )
        .exists()
    )


def _chairs_case(principal: Principal, academy_id: int, staff_id: int) -> bool:
    """The academy's chair of governors, on a case about its headteacher."""
    return academy_id in _chaired(principal) and _is_headteacher_case(academy_id, staff_id)


def _relationship(principal: Principal, *, manager_field: str) -> Q:
    me = _staff_id(principal)
    rule = Q(staff_id=me) | Q(**{f"{manager_field}_id": me})
    if principal.is_hr:
        rule |= Q(pk__isnull=False)
    heads = _head_of(principal)
    if heads:
        rule |= Q(academy_id__in=heads) & ~Q(staff_id=me)
    chaired = _chaired(principal)
    if chaired:
        rule |= _headteachers_of(chaired) & ~Q(staff_id=me)
    return rule


def _reads_nothing(principal: Principal) -> bool:
    """Governors read no named case, but a chair of governors reads their headteacher's."""
    return not principal.is_authenticated or (
        principal.is_governor_only and not _chaired(principal)
    )


def visible_plans(principal: Principal) -> QuerySet[SupportPlan]:
    """The support plans ``principal`` may read, scoped to their trust."""
    if _reads_nothing(principal):
        return SupportPlan.objects.none()
    return SupportPlan.objects.filter(trust_id=principal.tenant_id).filter(
        _relationship(principal, manager_field="manager")
    )


def visible_concerns(principal: Principal) -> QuerySet[Concern]:
    """The concerns ``principal`` may read, scoped to their trust."""
    if _reads_nothing(principal):
        return Concern.objects.none()
    return Concern.objects.filter(trust_id=principal.tenant_id).filter(
        _relationship(principal, manager_field="raised_by")
    )


def _is_subject(principal: Principal, staff_id: int) -> bool:
    return principal.staff is not None and principal.staff.pk == staff_id


def _runs(principal: Principal, academy_id: int, staff_id: int, manager_id: int) -> bool:
    """HR, the academy's headteacher (not about themselves), the plan's manager, or for
    the headteacher's own case the academy's chair of governors."""
    if _is_subject(principal, staff_id):
        return False
    return (
        principal.is_hr
        or academy_id in _head_of(principal)
        or (principal.staff is not None and principal.staff.pk == manager_id)
        or _chairs_case(principal, academy_id, staff_id)
    )


def can(principal: Principal, action: str, obj: SupportPlan | Concern) -> bool:
    if not principal.is_authenticated or obj.trust_id != principal.trust_id:
        return False
    if isinstance(obj, Concern):
        runs = _runs(principal, obj.academy_id, obj.staff_id, obj.raised_by_id)
        if action == PlanAction.VIEW:
            return runs or _is_subject(principal, obj.staff_id)
        if action == PlanAction.OPEN_PLAN:
            return runs
        return False
    runs = _runs(principal, obj.academy_id, obj.staff_id, obj.manager_id)
    if action == PlanAction.VIEW:
        return runs or _is_subject(principal, obj.staff_id)
    if action == PlanAction.MANAGE:
        return runs and obj.is_open
    if action == PlanAction.COMMENT:
        return _is_subject(principal, obj.staff_id) and obj.is_open
    return False


def may_write_letter(principal: Principal, plan: SupportPlan, kind: str, meeting_kind: str) -> bool:
    """Whether ``principal`` writes a letter of ``kind`` for a meeting of ``meeting_kind``:
    whoever runs the plan, except where the pinned policy gives the letter to the
    headteacher (``rules.letter_writer``): then only the academy's headteacher, or for the
    headteacher's own case the academy's chair of governors, who runs it in their place."""
    if not can(principal, PlanAction.MANAGE, plan):
        return False
    writer = rules.letter_writer(plan.policy_version.rules.support, kind, meeting_kind)
    if writer == CapabilityLetterWriter.PLAN:
        return True
    if _is_headteacher_case(plan.academy_id, plan.staff_id):
        return plan.academy_id in _chaired(principal)
    return plan.academy_id in _head_of(principal)


@dataclass(frozen=True)
class PlanAccess:
    may_manage: bool
    may_comment: bool
    is_subject: bool
    # The invitation to a capability meeting may be the headteacher's alone (leger §11).
    may_invite_to_capability: bool = False


def access_to(principal: Principal, plan: SupportPlan) -> PlanAccess:
    may_manage = can(principal, PlanAction.MANAGE, plan)
    return PlanAccess(
        may_manage=may_manage,
        may_comment=can(principal, PlanAction.COMMENT, plan),
        is_subject=_is_subject(principal, plan.staff_id),
        may_invite_to_capability=may_manage
        and may_write_letter(principal, plan, LetterKind.INVITATION, MeetingKind.CAPABILITY),
    )


PLAN_QUERYSET = SupportPlan.objects.select_related(
    "staff__academy", "staff__job_role", "manager", "academy", "policy_version", "concern"
)


def get_plan_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> tuple[SupportPlan, PlanAccess]:
    """The plan and what ``principal`` may do to it, or 404 (as if it did not exist)."""
    plan = PLAN_QUERYSET.filter(pk__in=visible_plans(principal).values("pk"), pk=pk).first()
    if plan is None:
        raise refused(request, SupportPlan, pk, "No such support plan.")
    return plan, access_to(principal, plan)


def get_concern_for_user(principal: Principal, pk: int, *, request: HttpRequest | None) -> Concern:
    concern = (
        Concern.objects.select_related("staff__academy", "raised_by", "academy", "policy_version")
        .filter(pk__in=visible_concerns(principal).values("pk"), pk=pk)
        .first()
    )
    if concern is None:
        raise refused(request, Concern, pk, "No such concern.")
    return concern


def get_meeting_for_user(
    principal: Principal, plan_id: int, pk: int, *, request: HttpRequest | None
) -> tuple[SupportMeeting, SupportPlan, PlanAccess]:
    plan, access = get_plan_for_user(principal, plan_id, request=request)
    meeting = SupportMeeting.objects.filter(plan=plan, trust_id=plan.trust_id, pk=pk).first()
    if meeting is None:
        raise refused(request, SupportMeeting, pk, "No such meeting.")
    return meeting, plan, access


def get_letter_for_user(
    principal: Principal, plan_id: int, pk: int, *, request: HttpRequest | None
) -> tuple[PlanLetter, SupportPlan]:
    """A letter of a plan the principal reads (the member of staff reads their own)."""
    plan, _access = get_plan_for_user(principal, plan_id, request=request)
    letter = PlanLetter.objects.filter(plan=plan, trust_id=plan.trust_id, pk=pk).first()
    if letter is None:
        raise refused(request, PlanLetter, pk, "No such letter.")
    return letter, plan


def concern_subjects(principal: Principal) -> QuerySet[StaffMember]:
    """Who ``principal`` may record a concern about: the people they line-manage or
    review (in a cycle that is not closed), and for a headteacher their academy's staff;
    never themselves."""
    if not principal.is_authenticated or principal.staff is None:
        return StaffMember.objects.none()
    me = principal.staff.pk
    reviewed = AppraisalCycle.objects.filter(trust_id=principal.tenant_id, reviewer_id=me).exclude(
        state=CycleState.CLOSED
    )
    rule = Q(line_manager_id=me) | Q(pk__in=reviewed.values("appraisee_id"))
    heads = _head_of(principal)
    if heads:
        rule |= Q(academy_id__in=heads)
    return (
        StaffMember.objects.filter(trust_id=principal.tenant_id, left_on__isnull=True)
        .filter(rule)
        .exclude(pk=me)
        .select_related("academy")
    )


def may_raise_concern(principal: Principal, staff: StaffMember) -> bool:
    return concern_subjects(principal).filter(pk=staff.pk).exists()


def may_raise_concerns(principal: Principal) -> bool:
    return concern_subjects(principal).exists()


# ----- The escalations page ------------------------------------------------------------------


def may_see_escalations(principal: Principal) -> bool:
    """HR (the whole trust) and a headteacher (their academy) see the escalations page."""
    if not principal.is_authenticated or principal.is_governor_only:
        return False
    return principal.is_hr or bool(_head_of(principal))


def escalations_academies(principal: Principal) -> Q:
    """The academies (as a filter on ``Academy``) whose cases the escalations page shows."""
    if not may_see_escalations(principal):
        return Q(pk__in=[])
    if principal.is_hr:
        return Q(trust_id=principal.tenant_id)
    return Q(trust_id=principal.tenant_id, pk__in=_head_of(principal))


def escalations_scope(principal: Principal) -> Q:
    """The concerns or plans (a filter on either) the escalations page shows: the trust's
    for HR, the academy's for its headteacher; never the viewer's own case."""
    if not may_see_escalations(principal):
        return Q(pk__in=[])
    rule = Q(trust_id=principal.tenant_id) & ~Q(staff_id=_staff_id(principal))
    if not principal.is_hr:
        rule &= Q(academy_id__in=_head_of(principal))
    return rule


# ----- The HR director's termly meetings with headteachers -----------------------------------


def termly_review_academies(principal: Principal) -> Q:
    """The academies (a filter on ``Academy``) whose termly meetings the viewer sees: every
    academy of the trust for HR, their own academy for a headteacher; nobody else."""
    return escalations_academies(principal)


def may_arrange_termly_reviews(principal: Principal) -> bool:
    """Only HR schedules and records the termly meetings."""
    return principal.is_authenticated and not principal.is_governor_only and principal.is_hr


def get_termly_review_target(
    principal: Principal, academy_id: int, term_id: int, *, request: HttpRequest | None
) -> tuple[Academy, Term]:
    """The academy and its term for HR's termly meeting page, or 404."""
    if not may_arrange_termly_reviews(principal):
        raise refused(request, Academy, academy_id, "No such academy.")
    academy = Academy.objects.filter(
        trust_id=principal.tenant_id, is_central_team=False, pk=academy_id
    ).first()
    if academy is None:
        raise refused(request, Academy, academy_id, "No such academy.")
    term = Term.objects.filter(academy=academy, pk=term_id).first()
    if term is None:
        raise refused(request, Term, term_id, "No such term.")
    return academy, term
