"""Roles: granting and revoking them, and the guardian row that carries each one."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from ..models import (
    ROLE_PERMISSION,
    Academy,
    AcademyUserObjectPermission,
    Role,
    RoleAssignment,
    StaffMember,
    Trust,
    TrustUserObjectPermission,
)
from ._common import OrganisationError, _check_role_scope
from .accounts import account_ensure_for_staff

if TYPE_CHECKING:
    from accounts.models import User


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
