"""Who may see and act on a probation.

A probation is read by HR of the trust, the headteacher of the person's academy (never
about themselves), the person's line manager, and the member of staff it is about. Nobody
else: not delegated appraisal leads, not governors, not a line manager's own managers.
HR and the line manager start a probation; HR, the headteacher and the line manager
record its review meetings, extend it and record the outcome. The member of staff reads
their own and acts on none of it.

``visible_probations`` answers "which", ``can`` answers "may they do this", and
``get_probation_for_user`` fetches one for a page or 404s (logging the refusal of a record
that exists). Every query starts from the principal's trust.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from organisation.access_log import refused
from organisation.models import Role, StaffMember
from organisation.principal import Principal

from .models import Probation


class ProbationAction(enum.StrEnum):
    VIEW = "view"
    MANAGE = "manage"  # record a review meeting, extend, record the outcome


def _staff_id(principal: Principal) -> int:
    return principal.staff.pk if principal.staff is not None else 0


def _head_of(principal: Principal) -> frozenset[int]:
    return principal.academies_with(Role.HEADTEACHER)


def visible_probations(principal: Principal) -> QuerySet[Probation]:
    """The probations ``principal`` may read, scoped to their trust."""
    if not principal.is_authenticated or principal.is_governor_only:
        return Probation.objects.none()
    me = _staff_id(principal)
    rule = Q(staff_id=me) | Q(staff__line_manager_id=me)
    if principal.is_hr:
        rule |= Q(pk__isnull=False)
    heads = _head_of(principal)
    if heads:
        rule |= Q(academy_id__in=heads) & ~Q(staff_id=me)
    return Probation.objects.filter(trust_id=principal.tenant_id).filter(rule)


def _is_subject(principal: Principal, staff_id: int) -> bool:
    return principal.staff is not None and principal.staff.pk == staff_id


def _runs(principal: Principal, staff: StaffMember) -> bool:
    """HR, the academy's headteacher or the person's line manager; never about themselves."""
    if _is_subject(principal, staff.pk):
        return False
    return (
        principal.is_hr
        or staff.academy_id in _head_of(principal)
        or (principal.staff is not None and staff.line_manager_id == principal.staff.pk)
    )


def can(principal: Principal, action: str, obj: Probation) -> bool:
    if not principal.is_authenticated or obj.trust_id != principal.trust_id:
        return False
    runs = _runs(principal, obj.staff)
    if action == ProbationAction.VIEW:
        return runs or _is_subject(principal, obj.staff_id)
    if action == ProbationAction.MANAGE:
        return runs and obj.is_running
    return False


@dataclass(frozen=True)
class ProbationAccess:
    may_manage: bool
    is_subject: bool


def access_to(principal: Principal, probation: Probation) -> ProbationAccess:
    return ProbationAccess(
        may_manage=can(principal, ProbationAction.MANAGE, probation),
        is_subject=_is_subject(principal, probation.staff_id),
    )


PROBATION_QUERYSET = Probation.objects.select_related(
    "staff__academy", "staff__job_role", "staff__line_manager", "academy", "policy_version"
)


def get_probation_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> tuple[Probation, ProbationAccess]:
    """The probation and what ``principal`` may do to it, or 404 (as if it did not exist)."""
    probation = PROBATION_QUERYSET.filter(
        pk__in=visible_probations(principal).values("pk"), pk=pk
    ).first()
    if probation is None:
        raise refused(request, Probation, pk, "No such probation.")
    return probation, access_to(principal, probation)


def startable_staff(principal: Principal) -> QuerySet[StaffMember]:
    """Whom ``principal`` may start a probation for: HR anyone current in the trust, a line
    manager the people they line-manage; never themselves."""
    if not principal.is_authenticated or principal.is_governor_only:
        return StaffMember.objects.none()
    if principal.staff is None and not principal.is_hr:
        return StaffMember.objects.none()
    rows = StaffMember.objects.filter(trust_id=principal.tenant_id, left_on__isnull=True)
    if not principal.is_hr:
        rows = rows.filter(line_manager_id=_staff_id(principal))
    return rows.exclude(pk=_staff_id(principal)).select_related("academy")


def may_start(principal: Principal, staff: StaffMember) -> bool:
    return startable_staff(principal).filter(pk=staff.pk).exists()


def may_start_any(principal: Principal) -> bool:
    return startable_staff(principal).exists()


def may_see_trust_list(principal: Principal) -> bool:
    """HR's list of every probation in the trust."""
    return principal.is_authenticated and not principal.is_governor_only and principal.is_hr
