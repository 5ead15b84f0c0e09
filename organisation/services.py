"""Every write to the organisation: staff, line management and role grants.

Services take keyword-only arguments, check what they must, write inside one transaction
and raise ``OrganisationError`` with a sentence a person can act on when a change is refused.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .models import (
    ACADEMY_ROLES,
    ROLE_PERMISSION,
    TRUST_ROLES,
    Academy,
    AcademyUserObjectPermission,
    LineManagementPath,
    Role,
    RoleAssignment,
    StaffMember,
    Trust,
    TrustUserObjectPermission,
)

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
    staff = StaffMember.objects.select_for_update().get(pk=staff.pk)
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


# ----- Roles -------------------------------------------------------------------------


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
    if user.trust_id != trust.pk:
        raise OrganisationError("Roles can only be given to accounts of the same trust.")
    if role in ACADEMY_ROLES:
        if academy is None or academy.trust_id != trust.pk:
            raise OrganisationError(f"{role.label} is held at one academy of the trust.")
    elif role in TRUST_ROLES and academy is not None:
        raise OrganisationError(f"{role.label} is held across the trust, not at one academy.")
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
    assignment.save()
    _sync_guardian_row(user=user, role=role, trust=trust, academy=academy)
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, revoked_by: User | None = None) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
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
