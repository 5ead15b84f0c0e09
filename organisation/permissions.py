"""Who may see and change what in the organisation: the one place these rules live.

Every answer starts from the principal's trust: an object of another trust is treated exactly
like an object that does not exist (the views turn both into a 404). Seeing a person is
decided by ``visible_staff``; changing the organisation is for trust administrators, with one
exception: a headteacher may delegate appraisal in their own academy (classic-objectives §1.8:
the deputy head in charge of appraisal and the senior administrator processing appraisal data).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from .access_log import refused
from .models import (
    Academy,
    LineManagementPath,
    Role,
    RoleAssignment,
    RoleRequest,
    RoleRequestStatus,
    StaffMember,
    StaffMemberQuerySet,
    Trust,
)
from .principal import Principal

if TYPE_CHECKING:
    from django.http import HttpRequest


class Action(StrEnum):
    # Seeing
    VIEW_STAFF = "view_staff"
    VIEW_STAFF_LIST = "view_staff_list"
    VIEW_TRUST = "view_trust"
    VIEW_ACADEMY = "view_academy"
    VIEW_LINE_MANAGEMENT = "view_line_management"
    VIEW_ROLES = "view_roles"
    VIEW_JOB_ROLES = "view_job_roles"
    # The Administration page: links to the pages a trust is set up with
    VIEW_ADMINISTRATION = "view_administration"
    # Changing (trust administrators)
    EDIT_TRUST = "edit_trust"
    ADD_ACADEMY = "add_academy"
    EDIT_ACADEMY = "edit_academy"
    ADD_STAFF = "add_staff"
    EDIT_STAFF = "edit_staff"
    IMPORT_STAFF = "import_staff"
    EDIT_LINE_MANAGEMENT = "edit_line_management"
    GRANT_TRUST_ROLE = "grant_trust_role"
    # Roles: ``obj`` is a RoleAssignment (unsaved when granting)
    GRANT_ROLE = "grant_role"
    REVOKE_ROLE = "revoke_role"
    # Sign-in accounts: ``obj`` is the StaffMember whose account it is
    MANAGE_ACCOUNT = "manage_account"
    # Sending a new account's invitation email again: ``obj`` is the StaffMember
    RESEND_INVITATION = "resend_invitation"
    # Roles waiting for a second person's approval: ``obj`` is a RoleRequest
    VIEW_ROLE_REQUESTS = "view_role_requests"
    DECIDE_ROLE_REQUEST = "decide_role_request"


# Roles that let someone run appraisal for everyone in an academy.
ACADEMY_LEAD_ROLES = (Role.HEADTEACHER, Role.APPRAISAL_DELEGATE)
# The one role a headteacher hands out themself.
HEADTEACHER_DELEGABLE_ROLES = frozenset({Role.APPRAISAL_DELEGATE})
# Roles that open named appraisal records (cycles/permissions.py; HR also the audit log).
CONTENT_READING_ROLES = frozenset(
    {Role.HR, Role.EXECUTIVE, Role.HEADTEACHER, Role.APPRAISAL_DELEGATE}
)
# Granting these takes a second person (``grant_needs_approval``), and only HR moves the
# sign-in address of an account holding one (``may_change_sign_in``): otherwise an
# administrator could reach appraisal records by giving themself (or an account they made)
# such a role, or by taking over the account of someone who holds one. Administration is
# among them because an administrator approves the others.
# The chair of governors is among them because the chair lets governors into the
# headteacher's own appraisal (the review committee).
GUARDED_ROLES = CONTENT_READING_ROLES | {Role.TRUST_ADMIN, Role.CHAIR_OF_GOVERNORS}

_ADMIN_ACTIONS = frozenset(
    {
        Action.EDIT_TRUST,
        Action.ADD_ACADEMY,
        Action.EDIT_ACADEMY,
        Action.ADD_STAFF,
        Action.EDIT_STAFF,
        Action.IMPORT_STAFF,
        Action.EDIT_LINE_MANAGEMENT,
        Action.GRANT_TRUST_ROLE,
    }
)


def _active(principal: Principal) -> bool:
    return principal.is_authenticated and not principal.is_governor_only


def _trust_id(principal: Principal) -> int:
    assert principal.trust_id is not None  # only called once _active() has said yes
    return principal.trust_id


def sees_whole_trust(principal: Principal) -> bool:
    return _active(principal) and (principal.is_trust_admin or principal.is_hr)


def lead_academy_ids(principal: Principal) -> frozenset[int]:
    """Academies whose whole staff this principal may see (headteacher or delegate)."""
    if not _active(principal):
        return frozenset()
    return principal.academies_with(*ACADEMY_LEAD_ROLES)


def headteacher_academy_ids(principal: Principal) -> frozenset[int]:
    if not _active(principal):
        return frozenset()
    return principal.academies_with(Role.HEADTEACHER)


def _trust_of(obj: Any) -> int | None:
    if isinstance(obj, Trust):
        return obj.pk
    return getattr(obj, "trust_id", None)


def visible_staff(principal: Principal) -> StaffMemberQuerySet:
    """The staff records this principal may see: the only way pages list or fetch people."""
    if not _active(principal):
        return StaffMember.objects.none()
    qs = StaffMember.objects.filter(trust_id=_trust_id(principal))
    if principal.is_trust_admin or principal.is_hr:
        return qs
    condition = Q(pk__in=[])
    if principal.staff is not None:
        condition |= Q(pk=principal.staff.pk)
        below = LineManagementPath.objects.filter(
            manager_id=principal.staff.pk, depth__gte=1
        ).values("report_id")
        condition |= Q(pk__in=below)
    academies = lead_academy_ids(principal)
    if academies:
        condition |= Q(academy_id__in=academies)
    return qs.filter(condition)


def get_staff_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> StaffMember:
    """The staff member ``pk`` if this principal may see them; otherwise 404 (never 403),
    the refusal of a real record noted in the security log."""
    staff = (
        visible_staff(principal)
        .select_related("academy", "job_role", "line_manager", "user")
        .filter(pk=pk)
        .first()
    )
    if staff is None:
        raise refused(request, StaffMember, pk, "No such member of staff.")
    return staff


def is_line_manager(principal: Principal) -> bool:
    """Does anyone report to this principal (directly or through others)?"""
    if not _active(principal) or principal.staff is None:
        return False
    return LineManagementPath.objects.filter(manager_id=principal.staff.pk, depth__gte=1).exists()


def visible_academies(principal: Principal) -> QuerySet[Academy]:
    """Academies whose staff lists and line management this principal may open."""
    if not _active(principal):
        return Academy.objects.none()
    qs = Academy.objects.filter(trust_id=_trust_id(principal))
    if sees_whole_trust(principal):
        return qs
    return qs.filter(pk__in=lead_academy_ids(principal))


def get_academy_for_user(principal: Principal, pk: int, *, request: HttpRequest | None) -> Academy:
    academy = visible_academies(principal).filter(pk=pk).first()
    if academy is None:
        raise refused(request, Academy, pk, "No such academy.")
    return academy


def visible_role_assignments(principal: Principal) -> QuerySet[RoleAssignment]:
    if not _active(principal):
        return RoleAssignment.objects.none()
    qs = RoleAssignment.objects.filter(trust_id=_trust_id(principal))
    if sees_whole_trust(principal):
        return qs
    academies = headteacher_academy_ids(principal)
    if not academies:
        return RoleAssignment.objects.none()
    return qs.filter(academy_id__in=academies)


def get_role_assignment_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> RoleAssignment:
    assignment = (
        visible_role_assignments(principal)
        .select_related("user", "academy", "trust")
        .filter(pk=pk)
        .first()
    )
    if assignment is None:
        raise refused(request, RoleAssignment, pk, "No such role.")
    return assignment


def grantable_roles(principal: Principal) -> list[Role]:
    """The roles this principal may hand out (and take back)."""
    if not _active(principal):
        return []
    if principal.is_trust_admin:
        return list(Role)
    if headteacher_academy_ids(principal):
        return [r for r in Role if r in HEADTEACHER_DELEGABLE_ROLES]
    return []


def can(principal: Principal, action: str, obj: Any = None) -> bool:
    """May ``principal`` do ``action`` to ``obj``? Objects of another trust: always no."""
    if not _active(principal):
        return False
    action = Action(action)
    if obj is not None and _trust_of(obj) != principal.trust_id:
        return False

    if action == Action.VIEW_STAFF:
        return _can_view_staff(principal, obj)
    if action == Action.VIEW_STAFF_LIST:
        # Everyone has a staff list, even if it only holds themself.
        return True
    if action in (Action.VIEW_TRUST, Action.VIEW_JOB_ROLES):
        return sees_whole_trust(principal)
    if action == Action.VIEW_ADMINISTRATION:
        # Whoever has one of its pages: the trust (administrators, HR), roles (and
        # headteachers), policies (and the executive), audit and retention (HR).
        return (
            sees_whole_trust(principal)
            or bool(headteacher_academy_ids(principal))
            or (_active(principal) and principal.is_executive)
        )
    if action in (Action.VIEW_ACADEMY, Action.VIEW_LINE_MANAGEMENT):
        if sees_whole_trust(principal):
            return True
        if obj is None:
            return bool(lead_academy_ids(principal))
        return isinstance(obj, Academy) and obj.pk in lead_academy_ids(principal)
    if action == Action.VIEW_ROLES:
        return sees_whole_trust(principal) or bool(headteacher_academy_ids(principal))
    if action in _ADMIN_ACTIONS:
        return principal.is_trust_admin
    if action in (Action.GRANT_ROLE, Action.REVOKE_ROLE):
        return _can_change_role(principal, action, obj)
    if action == Action.MANAGE_ACCOUNT:
        # Closing an account or resetting its two-step verification (a lost phone): the
        # trust's administrators and HR, for anyone but themself; an HR account, HR only
        # (an administrator must not be able to loosen the sign-in of the people who read
        # every record).
        is_self = principal.staff is not None and obj is not None and principal.staff.pk == obj.pk
        if is_self or not (principal.is_trust_admin or principal.is_hr):
            return False
        return principal.is_hr or not holds_role(getattr(obj, "user_id", None), {Role.HR})
    if action == Action.RESEND_INVITATION:
        # HR only: whoever sends the link decides where a password-setting link goes, and
        # only while the person has never signed in (afterwards "forgotten password" is
        # theirs to use). A record without an account is offered it too, exactly as one with
        # an unused account: another trust's hold on the address must not show.
        user = getattr(obj, "user", None)
        is_self = principal.staff is not None and obj is not None and principal.staff.pk == obj.pk
        return (
            principal.is_hr
            and not is_self
            and obj is not None
            and (user is None or (user.is_active and user.last_login is None))
        )
    if action == Action.VIEW_ROLE_REQUESTS:
        return principal.is_trust_admin or principal.is_hr
    if action == Action.DECIDE_ROLE_REQUEST:
        return _can_decide(principal, obj)
    return False


def holds_role(user_id: int | None, roles: Iterable[str] = GUARDED_ROLES) -> bool:
    """Does this account hold one of ``roles``, today or from a future date?"""
    if user_id is None:
        return False
    return (
        RoleAssignment.objects.filter(user_id=user_id, role__in=list(roles), revoked_at=None)
        .exclude(expires_at__lte=timezone.now())
        .exists()
    )


def may_change_sign_in(principal: Principal | None, staff: StaffMember) -> bool:
    """May ``principal`` move ``staff``'s sign-in to another address? Whoever may change the
    record, except that only HR moves the sign-in of someone holding a guarded role (with the
    address goes the password reset, so this is taking the account). None: the system."""
    if principal is None or staff.user_id is None:
        return True
    return principal.is_hr or not holds_role(staff.user_id)


def grant_needs_approval(principal: Principal, role: str, academy_id: int | None) -> bool:
    """Does this grant wait for HR or a second administrator? Yes for a guarded role, unless
    the one granting holds HR (who reads every record already), or is a headteacher naming a
    delegated lead for their own academy (who sees no more than the headteacher does)."""
    if Role(role) not in GUARDED_ROLES or principal.is_hr:
        return False
    return not (
        Role(role) in HEADTEACHER_DELEGABLE_ROLES
        and academy_id in headteacher_academy_ids(principal)
    )


def _can_decide(principal: Principal, request: Any) -> bool:
    """HR, or a trust administrator other than the one who asked; never the person the role
    is for. (The trust check in ``can`` has already run.)"""
    if not isinstance(request, RoleRequest) or request.status != RoleRequestStatus.PENDING:
        return False
    if not (principal.is_hr or principal.is_trust_admin):
        return False
    return principal.user_id not in (request.user_id, request.requested_by_id)


def visible_role_requests(principal: Principal) -> QuerySet[RoleRequest]:
    """Requests HR and the trust's administrators see (all of their trust's, to decide or
    to follow); nobody else sees any."""
    if not _active(principal) or not can(principal, Action.VIEW_ROLE_REQUESTS):
        return RoleRequest.objects.none()
    return RoleRequest.objects.filter(trust_id=_trust_id(principal))


def get_role_request_for_user(
    principal: Principal, pk: int, *, request: HttpRequest | None
) -> RoleRequest:
    role_request = (
        visible_role_requests(principal)
        .select_related("user", "academy", "trust", "requested_by", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if role_request is None:
        raise refused(request, RoleRequest, pk, "No such request.")
    return role_request


def _can_view_staff(principal: Principal, staff: Any) -> bool:
    if not isinstance(staff, StaffMember):
        return False
    if sees_whole_trust(principal):
        return True
    if principal.staff is not None and principal.staff.pk == staff.pk:
        return True
    if staff.academy_id in lead_academy_ids(principal):
        return True
    if principal.staff is None:
        return False
    return LineManagementPath.objects.filter(
        manager_id=principal.staff.pk, report_id=staff.pk, depth__gte=1
    ).exists()


def _can_change_role(principal: Principal, action: Action, assignment: Any) -> bool:
    if not isinstance(assignment, RoleAssignment):
        return False
    if principal.is_trust_admin:
        # Nobody removes their own administration: the trust would be left without one.
        return not (
            action == Action.REVOKE_ROLE
            and assignment.role == Role.TRUST_ADMIN
            and assignment.user_id == principal.user_id
        )
    return (
        assignment.role in HEADTEACHER_DELEGABLE_ROLES
        and assignment.academy_id in headteacher_academy_ids(principal)
    )
