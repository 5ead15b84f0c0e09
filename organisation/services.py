"""Every write to the organisation: staff, line management and role grants.

Services take keyword-only arguments, check what they must, write inside one transaction
and raise ``OrganisationError`` with a sentence a person can act on when a change is refused.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from . import permissions, selectors
from .imports import (
    ImportContext,
    RowProblem,
    StaffImportFileError,
    StaffRow,
    parse_staff_csv,
    validate_staff_rows,
)
from .models import (
    ACADEMY_ROLES,
    ROLE_PERMISSION,
    TRUST_ROLES,
    Academy,
    AcademyUserObjectPermission,
    JobRole,
    LineManagementPath,
    Role,
    RoleAssignment,
    RoleRequest,
    RoleRequestStatus,
    StaffMember,
    Trust,
    TrustUserObjectPermission,
)
from .principal import principal_for

if TYPE_CHECKING:
    from accounts.models import User


class OrganisationError(Exception):
    """A refused change, with a message fit to show on the page."""


# ----- Line management ---------------------------------------------------------------


def would_create_loop(*, staff: StaffMember, manager: StaffMember | None) -> bool:
    """True if making ``manager`` the line manager of ``staff`` closes a loop."""
    if manager is None:
        return False
    if manager.pk == staff.pk:
        return True
    return LineManagementPath.objects.filter(manager=staff, report=manager).exists()


@transaction.atomic
def staff_set_line_manager(
    *, staff: StaffMember, manager: StaffMember | None, actor: User | None = None
) -> StaffMember:
    """Change who line-manages ``staff``; keeps the closure table right for the subtree."""
    staff = StaffMember.objects.select_for_update(of=("self",)).get(pk=staff.pk)
    if manager is not None:
        if manager.trust_id != staff.trust_id:
            raise OrganisationError("A line manager must work for the same trust.")
        if would_create_loop(staff=staff, manager=manager):
            raise OrganisationError(
                f"{manager.full_name} cannot line-manage {staff.full_name}: "
                f"{manager.full_name} already reports to {staff.full_name}, directly or "
                "through others, so this would make a loop."
            )
    if staff.line_manager_id == (manager.pk if manager else None):
        return staff
    _ensure_self_path(staff)
    subtree = list(
        LineManagementPath.objects.filter(manager=staff).values_list("report_id", "depth")
    )
    subtree_ids = [report_id for report_id, _ in subtree]
    # Cut the subtree loose from everyone above ``staff``.
    LineManagementPath.objects.filter(report_id__in=subtree_ids).exclude(
        manager_id__in=subtree_ids
    ).delete()
    if manager is not None:
        _ensure_self_path(manager)
        above = list(
            LineManagementPath.objects.filter(report=manager).values_list("manager_id", "depth")
        )
        LineManagementPath.objects.bulk_create(
            [
                LineManagementPath(
                    trust_id=staff.trust_id,
                    manager_id=anc_id,
                    report_id=report_id,
                    depth=anc_depth + 1 + sub_depth,
                )
                for anc_id, anc_depth in above
                for report_id, sub_depth in subtree
            ]
        )
    staff.line_manager = manager
    if actor is not None:
        staff._history_user = actor  # type: ignore[attr-defined]
    staff.save(update_fields=["line_manager"])
    return staff


def _ensure_self_path(staff: StaffMember) -> None:
    LineManagementPath.objects.get_or_create(
        manager=staff, report=staff, defaults={"depth": 0, "trust_id": staff.trust_id}
    )


def rebuild_line_management(*, trust: Trust) -> int:
    """Recompute the whole closure table for a trust from ``line_manager`` (after imports).

    Returns the number of paths written. Assumes no loops (imports refuse them first).
    """
    with transaction.atomic():
        LineManagementPath.objects.filter(trust=trust).delete()
        if connection.vendor in _RECURSIVE_SQL_VENDORS:
            return _rebuild_line_management_sql(trust_id=trust.pk)
        parent = dict(StaffMember.objects.filter(trust=trust).values_list("id", "line_manager_id"))
        rows: list[LineManagementPath] = []
        for staff_id in parent:
            depth = 0
            current: int | None = staff_id
            seen: set[int] = set()
            while current is not None and current not in seen:
                seen.add(current)
                rows.append(
                    LineManagementPath(
                        trust=trust, manager_id=current, report_id=staff_id, depth=depth
                    )
                )
                current = parent.get(current)
                depth += 1
        LineManagementPath.objects.bulk_create(rows, batch_size=2000)
        return len(rows)


_RECURSIVE_SQL_VENDORS = {"postgresql", "sqlite"}
# No real line management is this deep; the cap only ends the walk if a loop slipped in.
_MAX_LINE_MANAGEMENT_DEPTH = 100
_REBUILD_SQL = """
WITH RECURSIVE chain (manager_id, report_id, depth) AS (
    SELECT id, id, 0 FROM organisation_staffmember WHERE trust_id = %s
    UNION ALL
    SELECT s.line_manager_id, chain.report_id, chain.depth + 1
    FROM chain JOIN organisation_staffmember s ON s.id = chain.manager_id
    WHERE s.line_manager_id IS NOT NULL AND chain.depth < %s
)
INSERT INTO organisation_linemanagementpath (trust_id, manager_id, report_id, depth)
SELECT %s, manager_id, report_id, MIN(depth) FROM chain GROUP BY manager_id, report_id
"""


def _rebuild_line_management_sql(*, trust_id: int) -> int:
    """The same paths as the loop in ``rebuild_line_management``, computed by the database:
    a 10,000-person trust is one statement instead of ~60,000 objects built in Python.
    Taking the shortest depth per pair matches the loop's stop-at-first-repeat."""
    with connection.cursor() as cursor:
        cursor.execute(_REBUILD_SQL, [trust_id, _MAX_LINE_MANAGEMENT_DEPTH, trust_id])
        return cursor.rowcount


# ----- Roles -------------------------------------------------------------------------


SELF_GRANT_MESSAGE = (
    "Nobody can give themself a role. Ask another trust administrator, or HR, to do it."
)


def _permission(codename: str, model: type[Trust] | type[Academy]) -> Permission:
    ct = ContentType.objects.get_for_model(model)
    return Permission.objects.get(content_type=ct, codename=codename)


@transaction.atomic
def role_grant(
    *,
    user: User,
    role: str,
    trust: Trust,
    academy: Academy | None = None,
    granted_by: User | None = None,
    reason: str = "",
    starts_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
) -> RoleAssignment:
    """Give ``user`` a role at the trust or at one academy, optionally until a date."""
    role = Role(role)
    _check_role_scope(user=user, role=role, trust=trust, academy=academy, by=granted_by)
    now = timezone.now()
    starts_at = starts_at or now
    if expires_at is not None and expires_at <= starts_at:
        raise OrganisationError("The end of a role must come after its start.")
    assignment = RoleAssignment(
        trust=trust,
        academy=academy,
        user=user,
        role=role,
        granted_by=granted_by,
        reason=reason,
        starts_at=starts_at,
        expires_at=expires_at,
    )
    if granted_by is not None:
        assignment._history_user = granted_by  # type: ignore[attr-defined]
    _close_expired_or_refuse(assignment, now=now)
    try:
        with transaction.atomic():
            assignment.save()
    except IntegrityError:
        # A simultaneous grant of the same role won the one open slot after our check.
        raise OrganisationError(f"{user} already holds {role.label} there.") from None
    _sync_guardian_row(user=user, role=role, trust=trust, academy=academy)
    return assignment


def _close_expired_or_refuse(assignment: RoleAssignment, *, now: dt.datetime) -> None:
    """Keep to one open grant per (person, role, place): the database allows no more.

    A grant that has run out is closed (marked ended when it expired) so the role can be
    given again; one still in force, or due to start, is a reason to refuse.
    """
    open_grants = RoleAssignment.objects.select_for_update(of=("self",)).filter(
        user=assignment.user,
        trust=assignment.trust,
        role=assignment.role,
        academy=assignment.academy,
        revoked_at__isnull=True,
    )
    for existing in open_grants:
        if existing.expires_at is not None and existing.expires_at <= now:
            existing.revoked_at = existing.expires_at
            existing.save(update_fields=["revoked_at"])
            continue
        ends = timezone.localtime(existing.expires_at) if existing.expires_at else None
        until = f" until {ends.day} {ends:%B %Y}" if ends else ""
        raise OrganisationError(
            f"{assignment.user} already holds {Role(assignment.role).label} there{until}. "
            "Revoke that grant first to change it."
        )


def _check_role_scope(
    *, user: User, role: Role, trust: Trust, academy: Academy | None, by: User | None
) -> None:
    if user.trust_id != trust.pk:
        raise OrganisationError("Roles can only be given to accounts of the same trust.")
    if by is not None and by.pk == user.pk:
        raise OrganisationError(SELF_GRANT_MESSAGE)
    if role in ACADEMY_ROLES:
        if academy is None or academy.trust_id != trust.pk:
            raise OrganisationError(f"{role.label} is held at one academy of the trust.")
    elif role in TRUST_ROLES and academy is not None:
        raise OrganisationError(f"{role.label} is held across the trust, not at one academy.")


@transaction.atomic
def role_request(
    *,
    user: User,
    role: str,
    trust: Trust,
    requested_by: User,
    academy: Academy | None = None,
    reason: str = "",
    expires_at: dt.datetime | None = None,
) -> RoleRequest:
    """Ask for a role that needs a second person's approval (``permissions.
    grant_needs_approval``): nothing changes for ``user`` until HR or another trust
    administrator approves it with ``role_request_decide``."""
    role = Role(role)
    _check_role_scope(user=user, role=role, trust=trust, academy=academy, by=requested_by)
    if expires_at is not None and expires_at <= timezone.now():
        raise OrganisationError("The end of a role must come after its start.")
    request = RoleRequest(
        trust=trust,
        academy=academy,
        user=user,
        role=role,
        reason=reason,
        expires_at=expires_at,
        requested_by=requested_by,
    )
    _with_history_user(request, requested_by)
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError:
        raise OrganisationError(
            f"{user} is already waiting for approval as {role.label} there."
        ) from None
    return request


@transaction.atomic
def role_grant_or_request(
    *,
    user: User,
    role: str,
    trust: Trust,
    by: User,
    academy: Academy | None = None,
    reason: str = "",
    expires_at: dt.datetime | None = None,
) -> RoleAssignment | RoleRequest:
    """What the "give someone a role" page does: grant at once, or, where
    ``permissions.grant_needs_approval`` says so, ask for HR's or another administrator's
    approval."""
    if permissions.grant_needs_approval(
        principal_for(by), role, academy.pk if academy is not None else None
    ):
        return role_request(
            user=user,
            role=role,
            trust=trust,
            academy=academy,
            requested_by=by,
            reason=reason,
            expires_at=expires_at,
        )
    return role_grant(
        user=user,
        role=role,
        trust=trust,
        academy=academy,
        granted_by=by,
        reason=reason,
        expires_at=expires_at,
    )


@transaction.atomic
def role_request_decide(*, request: RoleRequest, decided_by: User, approve: bool) -> RoleRequest:
    """Approve (the role is granted, by the person who asked) or decline a waiting request.

    Refused unless ``decided_by`` is HR or a trust administrator of the trust other than the
    one who asked, and not the person the role is for."""
    request = RoleRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.status != RoleRequestStatus.PENDING:
        raise OrganisationError("This request has already been decided.")
    principal = principal_for(decided_by)
    if not permissions.can(principal, permissions.Action.DECIDE_ROLE_REQUEST, request):
        raise OrganisationError(
            "A role is approved by HR or by another trust administrator: not by the person "
            "who asked for it, nor by the person it is for."
        )
    if approve:
        request.assignment = role_grant(
            user=request.user,
            role=request.role,
            trust=request.trust,
            academy=request.academy,
            granted_by=request.requested_by,
            reason=request.reason,
            expires_at=request.expires_at,
        )
    request.status = RoleRequestStatus.APPROVED if approve else RoleRequestStatus.DECLINED
    request.decided_by = decided_by
    request.decided_at = timezone.now()
    _with_history_user(request, decided_by)
    request.save(update_fields=["status", "decided_by", "decided_at", "assignment"])
    return request


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, revoked_by: User | None = None) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
    if assignment.revoked_at is not None:
        return assignment
    assignment.revoked_at = timezone.now()
    assignment.revoked_by = revoked_by
    if revoked_by is not None:
        assignment._history_user = revoked_by  # type: ignore[attr-defined]
    assignment.save(update_fields=["revoked_at", "revoked_by"])
    _sync_guardian_row(
        user=assignment.user,
        role=Role(assignment.role),
        trust=assignment.trust,
        academy=assignment.academy,
    )
    return assignment


def _sync_guardian_row(*, user: User, role: Role, trust: Trust, academy: Academy | None) -> None:
    """Point the one guardian row for (user, role, object) at the assignment that should
    carry it: the live assignment that lasts longest, or none (row deleted)."""
    codename = ROLE_PERMISSION[role]
    candidates = RoleAssignment.objects.filter(
        user=user, role=role, trust=trust, academy=academy, revoked_at__isnull=True
    ).exclude(expires_at__lte=timezone.now())
    now = timezone.now()
    # Already started first, then open-ended, then the latest expiry.
    best = sorted(
        candidates,
        key=lambda a: (a.starts_at <= now, a.expires_at is None, a.expires_at or a.starts_at),
        reverse=True,
    )
    if academy is not None:
        perm = _permission(codename, Academy)
        a_qs = AcademyUserObjectPermission.objects.filter(
            user=user, permission=perm, content_object=academy
        )
        if best:
            a_qs.delete()
            AcademyUserObjectPermission.objects.create(
                user=user, permission=perm, content_object=academy, assignment=best[0]
            )
        else:
            a_qs.delete()
    else:
        perm = _permission(codename, Trust)
        t_qs = TrustUserObjectPermission.objects.filter(
            user=user, permission=perm, content_object=trust
        )
        if best:
            t_qs.delete()
            TrustUserObjectPermission.objects.create(
                user=user, permission=perm, content_object=trust, assignment=best[0]
            )
        else:
            t_qs.delete()


# ----- Trust and academies -----------------------------------------------------------


def _with_history_user(obj: object, actor: User | None) -> None:
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]


@transaction.atomic
def trust_update(*, trust: Trust, name: str, actor: User | None = None) -> Trust:
    trust = Trust.objects.select_for_update(of=("self",)).get(pk=trust.pk)
    name = " ".join(name.split())
    if not name:
        raise OrganisationError("Enter the trust's name.")
    if trust.name == name:
        return trust
    trust.name = name
    _with_history_user(trust, actor)
    trust.save(update_fields=["name"])
    return trust


def _check_academy(*, trust: Trust, name: str, is_central_team: bool, pk: int | None) -> None:
    others = Academy.objects.filter(trust=trust)
    if pk is not None:
        others = others.exclude(pk=pk)
    if others.filter(name__iexact=name).exists():
        raise OrganisationError(f"The trust already has an academy called {name}.")
    if is_central_team and others.filter(is_central_team=True).exists():
        raise OrganisationError(
            "The trust already has a central team. A trust has one central team: "
            "untick it on the other academy first."
        )


@transaction.atomic
def academy_create(
    *,
    trust: Trust,
    name: str,
    urn: str = "",
    is_central_team: bool = False,
    actor: User | None = None,
) -> Academy:
    name = " ".join(name.split())
    _check_academy(trust=trust, name=name, is_central_team=is_central_team, pk=None)
    academy = Academy(trust=trust, name=name, urn=urn.strip(), is_central_team=is_central_team)
    _with_history_user(academy, actor)
    try:
        with transaction.atomic():
            academy.save()
    except IntegrityError:
        # Added by someone else between the check above and this save: say it the same way.
        _check_academy(trust=trust, name=name, is_central_team=is_central_team, pk=None)
        raise OrganisationError(f"The trust already has an academy called {name}.") from None
    return academy


@transaction.atomic
def academy_update(
    *,
    academy: Academy,
    name: str,
    urn: str = "",
    is_central_team: bool = False,
    actor: User | None = None,
) -> Academy:
    academy = Academy.objects.select_for_update(of=("self",)).get(pk=academy.pk)
    name = " ".join(name.split())
    _check_academy(trust=academy.trust, name=name, is_central_team=is_central_team, pk=academy.pk)
    changed = []
    for field_name, value in (
        ("name", name),
        ("urn", urn.strip()),
        ("is_central_team", is_central_team),
    ):
        if getattr(academy, field_name) != value:
            setattr(academy, field_name, value)
            changed.append(field_name)
    if changed:
        _with_history_user(academy, actor)
        academy.save(update_fields=changed)
    return academy


# ----- Staff and their sign-in accounts ----------------------------------------------

STAFF_FIELDS = (
    "academy",
    "staff_number",
    "first_name",
    "last_name",
    "email",
    "staff_group",
    "has_qts",
    "pay_range",
    "pay_point",
    "contract_type",
    "contract_end_date",
    "start_date",
    "left_on",
    "is_ect",
    "probation_ends_on",
)


def job_role_get_or_create(*, trust: Trust, name: str, actor: User | None = None) -> JobRole:
    """The trust's job role with this title (matched whatever its case), made if new."""
    name = " ".join(name.split())
    if not name:
        raise OrganisationError("Enter a job title.")
    existing = JobRole.objects.filter(trust=trust, name__iexact=name).first()
    if existing is not None:
        return existing
    role = JobRole(trust=trust, name=name)
    _with_history_user(role, actor)
    try:
        with transaction.atomic():
            role.save()
    except IntegrityError:
        # Made a moment ago by a simultaneous request: use that one.
        return JobRole.objects.get(trust=trust, name__iexact=name)
    return role


def _check_staff_unique(*, trust_id: int, staff_number: str, email: str, pk: int | None) -> None:
    others = StaffMember.objects.filter(trust_id=trust_id)
    if pk is not None:
        others = others.exclude(pk=pk)
    holder = others.filter(staff_number__iexact=staff_number.strip()).first()
    if holder is not None:
        raise OrganisationError(
            f"Staff number {staff_number} already belongs to {holder.full_name}."
        )
    holder = others.filter(email__iexact=email).first()
    if holder is not None:
        raise OrganisationError(
            f"The email address {email} already belongs to {holder.full_name} "
            f"(staff number {holder.staff_number})."
        )


def _user_model() -> type[User]:
    from django.contrib.auth import get_user_model

    return get_user_model()  # type: ignore[return-value]


class AccountUnavailable(OrganisationError):
    """No sign-in account can be made for the address (another trust's account holds it).

    Said the same way whatever the reason, so that one trust never learns whether an
    address has an account in another (the sign-in address is unique across the service).
    """


def account_unavailable_message(email: str) -> str:
    return (
        f"No sign-in account can be set up for {email}. Check that it is the person's own "
        "work address for this trust; if it is, ask the service's support team to look "
        "into it."
    )


def account_ensure_for_staff(*, staff: StaffMember, actor: User | None = None) -> User:
    """The staff member's sign-in account, made now if they have none.

    A new account has no usable password: the person signs in with Microsoft or Google, or
    sets a password through "forgotten password" with their work email. An existing account
    with the address is linked only if ``account_adoption_refusal`` allows it; one of
    another trust raises ``AccountUnavailable``.
    """
    if staff.user_id is not None:
        return staff.user  # type: ignore[return-value]
    user_model = _user_model()
    email = staff.email.lower()
    user = user_model.objects.filter(email__iexact=email).first()
    if user is not None:
        if user.trust_id != staff.trust_id:
            raise AccountUnavailable(account_unavailable_message(email))
        refusal = selectors.account_adoption_refusal(user=user, staff=staff)
        if refusal is not None:
            raise OrganisationError(refusal)
    else:
        user = user_model(
            email=email,
            trust_id=staff.trust_id,
            first_name=staff.first_name,
            last_name=staff.last_name,
        )
        user.set_unusable_password()
        _with_history_user(user, actor)
        user.save()
    staff.user = user
    _with_history_user(staff, actor)
    staff.save(update_fields=["user"])
    return user


def sign_in_guarded_message(name: str) -> str:
    return (
        f"Only HR can change the sign-in address of {name}: they hold a role that reads "
        "appraisal records or runs the trust, and whoever has the address can reset the "
        "password."
    )


def _check_may_change_sign_in(*, staff: StaffMember, actor: User | None) -> None:
    principal = principal_for(actor) if actor is not None else None
    if not permissions.may_change_sign_in(principal, staff):
        raise OrganisationError(sign_in_guarded_message(staff.full_name))


def _sync_account(*, staff: StaffMember, actor: User | None) -> None:
    """Keep the sign-in account's email and name the same as the staff record."""
    if staff.user_id is None:
        return
    user = staff.user
    assert user is not None
    email = staff.email.lower()
    if (
        email != user.email
        and _user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists()
    ):
        raise OrganisationError(
            f"The email address {email} is already the sign-in of another account."
        )
    changed = [
        name
        for name, value in (
            ("email", email),
            ("first_name", staff.first_name),
            ("last_name", staff.last_name),
        )
        if getattr(user, name) != value
    ]
    if changed:
        for name in changed:
            setattr(user, name, getattr(staff, name) if name != "email" else email)
        _with_history_user(user, actor)
        user.save(update_fields=changed)


@transaction.atomic
def staff_create(
    *,
    trust: Trust,
    job_title: str,
    actor: User | None = None,
    create_account: bool = True,
    **fields: object,
) -> StaffMember:
    """Add a member of staff (and, by default, their sign-in account)."""
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"Unknown staff fields: {', '.join(sorted(unknown))}")
    staff = StaffMember(trust=trust, **fields)  # type: ignore[misc]
    staff.email = staff.email.lower()
    if staff.academy.trust_id != trust.pk:
        raise OrganisationError("The academy must belong to the trust.")
    _check_staff_unique(
        trust_id=trust.pk, staff_number=staff.staff_number, email=staff.email, pk=None
    )
    staff.job_role = job_role_get_or_create(trust=trust, name=job_title, actor=actor)
    _with_history_user(staff, actor)
    try:
        with transaction.atomic():
            staff.save()
    except IntegrityError:
        # Added by someone else between the check above and this save: say it the same way.
        _check_staff_unique(
            trust_id=trust.pk, staff_number=staff.staff_number, email=staff.email, pk=None
        )
        raise OrganisationError(
            "This member of staff has just been added by someone else."
        ) from None
    _ensure_self_path(staff)
    if create_account:
        # Another trust's account holds the address: the record is added all the same,
        # without a sign-in, and the page says what it says for any new address.
        with contextlib.suppress(AccountUnavailable):
            account_ensure_for_staff(staff=staff, actor=actor)
    return staff


@transaction.atomic
def staff_update(
    *, staff: StaffMember, job_title: str, actor: User | None = None, **fields: object
) -> StaffMember:
    """Change a member of staff's details; their account's email and name follow."""
    unknown = set(fields) - set(STAFF_FIELDS)
    if unknown:
        raise TypeError(f"Unknown staff fields: {', '.join(sorted(unknown))}")
    staff = (
        StaffMember.objects.select_for_update(of=("self",)).select_related("user").get(pk=staff.pk)
    )
    if "email" in fields:
        fields["email"] = str(fields["email"]).lower()
        if fields["email"] != staff.email.lower():
            _check_may_change_sign_in(staff=staff, actor=actor)
    academy = fields.get("academy")
    if isinstance(academy, Academy) and academy.trust_id != staff.trust_id:
        raise OrganisationError("The academy must belong to the trust.")
    _check_staff_unique(
        trust_id=staff.trust_id,
        staff_number=str(fields.get("staff_number", staff.staff_number)),
        email=str(fields.get("email", staff.email)),
        pk=staff.pk,
    )
    job_role = job_role_get_or_create(trust=staff.trust, name=job_title, actor=actor)
    fields["job_role"] = job_role
    changed = []
    for name, value in fields.items():
        if getattr(staff, name) != value:
            setattr(staff, name, value)
            changed.append(name)
    if changed:
        _with_history_user(staff, actor)
        staff.save(update_fields=changed)
        _sync_account(staff=staff, actor=actor)
    return staff


@transaction.atomic
def role_grant_to_staff(
    *,
    staff: StaffMember,
    role: str,
    academy: Academy | None = None,
    granted_by: User | None = None,
    reason: str = "",
    starts_at: dt.datetime | None = None,
    expires_at: dt.datetime | None = None,
) -> RoleAssignment:
    """Give a member of staff a role, making their sign-in account first if they have none."""
    user = account_ensure_for_staff(staff=staff, actor=granted_by)
    return role_grant(
        user=user,
        role=role,
        trust=staff.trust,
        academy=academy,
        granted_by=granted_by,
        reason=reason,
        starts_at=starts_at,
        expires_at=expires_at,
    )


@transaction.atomic
def account_create(
    *, trust: Trust, email: str, first_name: str, last_name: str, actor: User | None = None
) -> User:
    """A sign-in account for someone who is not on the staff list (a governor, a trustee)."""
    email = email.strip().lower()
    user_model = _user_model()
    existing = user_model.objects.filter(email__iexact=email).first()
    if existing is not None:
        if existing.trust_id == trust.pk:
            raise OrganisationError(f"There is already a sign-in account for {email}.")
        raise AccountUnavailable(account_unavailable_message(email))
    user = user_model(email=email, trust=trust, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    _with_history_user(user, actor)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise OrganisationError(f"There is already a sign-in account for {email}.") from None
    return user


# ----- Staff import ------------------------------------------------------------------

IMPORT_BATCH_SIZE = 1000
IMPORT_CHANGE_REASON = "Staff import"


@dataclass
class StaffImportResult:
    """What happened to an uploaded file. Nothing was written unless ``imported``."""

    file_error: str = ""
    problems: list[RowProblem] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_columns: list[str] = field(default_factory=list)
    row_count: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0
    job_roles_created: int = 0

    @property
    def imported(self) -> bool:
        return not self.file_error and not self.problems


def staff_import_csv(*, trust: Trust, data: bytes, actor: User | None = None) -> StaffImportResult:
    """Check every row of a staff CSV; if all are right, create or update the staff.

    All or nothing: one bad row and nothing is written. Staff are matched by staff number
    within the trust; staff not in the file are left as they are.
    """
    try:
        parsed = parse_staff_csv(data)
    except StaffImportFileError as exc:
        return StaffImportResult(file_error=str(exc))
    result = StaffImportResult(
        columns=parsed.columns,
        ignored_columns=parsed.ignored_columns,
        row_count=len(parsed.rows),
    )
    with transaction.atomic():
        # One import at a time per trust, so the snapshot we check is the one we write to.
        trust = Trust.objects.select_for_update(of=("self",)).get(pk=trust.pk)
        context = selectors.staff_import_context(
            trust=trust,
            emails=[raw.values.get("email", "") for raw in parsed.rows],
            may_move_guarded_sign_ins=actor is None or principal_for(actor).is_hr,
        )
        validation = validate_staff_rows(parsed, context)
        if not validation.ok:
            result.problems = validation.problems
            return result
        _write_import(
            trust=trust, rows=validation.rows, context=context, actor=actor, result=result
        )
    return result


def _write_import(
    *,
    trust: Trust,
    rows: list[StaffRow],
    context: ImportContext,
    actor: User | None,
    result: StaffImportResult,
) -> None:
    now = timezone.now()
    history = {
        "default_user": actor,
        "default_change_reason": IMPORT_CHANGE_REASON,
        "default_date": now,
    }
    user_model = _user_model()

    # Job roles, matched by title whatever its case.
    roles = {r.name.casefold(): r for r in JobRole.objects.filter(trust=trust)}
    new_roles: dict[str, JobRole] = {}
    for row in rows:
        key = row.job_title.casefold()
        if key not in roles and key not in new_roles:
            new_roles[key] = JobRole(trust=trust, name=row.job_title)
    if new_roles:
        JobRole.objects.bulk_create(new_roles.values(), batch_size=IMPORT_BATCH_SIZE)
        JobRole.history.bulk_history_create(list(new_roles.values()), **history)  # type: ignore[attr-defined]
        roles.update(new_roles)
    result.job_roles_created = len(new_roles)

    # Existing records the file touches, and accounts holding the file's emails.
    existing_ids = [
        context.existing_staff[row.key].id for row in rows if row.key in context.existing_staff
    ]
    existing = StaffMember.objects.select_related("user").in_bulk(existing_ids)
    accounts = {
        u.email: u
        for u in user_model.objects.filter(
            trust=trust, email__in=[row.values["email"] for row in rows]
        )
    }

    # Accounts: link an unlinked account of the trust with the same email (validation has
    # checked it is as good as new), or make one; none where another trust's account holds
    # the address (answered like any new address, as ``staff_create`` does).
    new_users: list[User] = []
    account_for_row: dict[int, User | None] = {}
    for row in rows:
        record = (
            existing.get(context.existing_staff[row.key].id)
            if row.key in context.existing_staff
            else None
        )
        if record is not None and record.user_id is not None:
            continue
        email = row.values["email"]
        held = context.accounts.get(email)
        if held is not None and not held.in_trust:
            account_for_row[row.number] = None
            continue
        user = accounts.get(email)
        if user is None:
            user = user_model(
                email=email,
                trust=trust,
                first_name=row.values["first_name"],
                last_name=row.values["last_name"],
            )
            # What set_unusable_password() stores, made with one random call per account
            # rather than forty: it matters at 10,000 rows.
            user.password = UNUSABLE_PASSWORD_PREFIX + secrets.token_hex(20)
            new_users.append(user)
        account_for_row[row.number] = user
    if new_users:
        user_model.objects.bulk_create(new_users, batch_size=IMPORT_BATCH_SIZE)
        user_model.history.bulk_history_create(new_users, **history)  # type: ignore[attr-defined]
    result.accounts_created = len(new_users)

    # New staff first (their ids are needed as line managers), then changes to existing staff.
    key_to_id = {key: s.id for key, s in context.existing_staff.items()}
    created: list[StaffMember] = []
    created_rows: list[tuple[StaffRow, StaffMember]] = []
    for row in rows:
        if row.key in context.existing_staff:
            continue
        staff = StaffMember(
            trust=trust,
            staff_number=row.staff_number,
            job_role=roles[row.job_title.casefold()],
            user=account_for_row[row.number],
            **row.values,
        )
        created.append(staff)
        created_rows.append((row, staff))
    # With ids known before the insert, each new person is written once, line manager
    # included; otherwise insert first and set line managers in a second pass.
    ids = _reserve_ids(StaffMember, len(created))
    for (row, staff), pk in zip(created_rows, ids, strict=False):
        staff.pk = pk
        key_to_id[row.key] = pk
    managed: list[StaffMember] = []
    if ids:
        for row, staff in created_rows:
            if row.line_manager_key is not None:
                staff.line_manager_id = key_to_id[row.line_manager_key]
                managed.append(staff)
    StaffMember.objects.bulk_create(created, batch_size=IMPORT_BATCH_SIZE)
    if not ids:
        for row, staff in created_rows:
            key_to_id[row.key] = staff.pk
        for row, staff in created_rows:
            if row.line_manager_key is not None:
                staff.line_manager_id = key_to_id[row.line_manager_key]
                managed.append(staff)
        if managed:
            StaffMember.objects.bulk_update(managed, ["line_manager"], batch_size=IMPORT_BATCH_SIZE)
    if created:
        StaffMember.history.bulk_history_create(created, **history)  # type: ignore[attr-defined]
    result.created = len(created)

    updated: list[StaffMember] = []
    updated_fields: set[str] = set()
    users_to_sync: list[User] = []
    user_fields: set[str] = set()
    line_management_changed = bool(managed)
    for row in rows:
        if row.key not in context.existing_staff:
            continue
        staff = existing[context.existing_staff[row.key].id]
        wanted: dict[str, Any] = {
            ("academy" if name == "academy_id" else name): value
            for name, value in row.values.items()
        }
        wanted["job_role"] = roles[row.job_title.casefold()].pk
        if row.sets_line_manager:
            wanted["line_manager"] = (
                key_to_id[row.line_manager_key] if row.line_manager_key is not None else None
            )
        changed = _apply(staff, wanted)
        if staff.user_id is None and account_for_row.get(row.number) is not None:
            staff.user = account_for_row[row.number]
            changed.append("user")
        if "line_manager" in changed:
            line_management_changed = True
        if changed:
            updated.append(staff)
            updated_fields.update(changed)
        else:
            result.unchanged += 1
        user = staff.user
        if user is not None and "user" not in changed:
            user_changed = _apply(
                user,
                {
                    "email": staff.email.lower(),
                    "first_name": staff.first_name,
                    "last_name": staff.last_name,
                },
            )
            if user_changed:
                users_to_sync.append(user)
                user_fields.update(user_changed)
    if updated:
        StaffMember.objects.bulk_update(
            updated, sorted(updated_fields), batch_size=IMPORT_BATCH_SIZE
        )
        StaffMember.history.bulk_history_create(updated, update=True, **history)  # type: ignore[attr-defined]
    if users_to_sync:
        user_model.objects.bulk_update(
            users_to_sync, sorted(user_fields), batch_size=IMPORT_BATCH_SIZE
        )
        user_model.history.bulk_history_create(users_to_sync, update=True, **history)  # type: ignore[attr-defined]
    result.updated = len(updated)

    if created or line_management_changed:
        rebuild_line_management(trust=trust)


def _reserve_ids(model: type[StaffMember], count: int) -> list[int]:
    """Take ``count`` ids from the table's sequence (PostgreSQL), or none elsewhere."""
    if count == 0 or connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _apply(obj: Any, wanted: dict[str, Any]) -> list[str]:
    """Set the fields of ``obj`` that differ from ``wanted``; return their names.

    Foreign keys are compared and set by id (``academy`` -> ``academy_id``)."""
    changed = []
    for name, value in wanted.items():
        field_obj = obj._meta.get_field(name)
        attname = field_obj.attname
        if getattr(obj, attname) != value:
            setattr(obj, attname, value)
            changed.append(name)
    return changed
