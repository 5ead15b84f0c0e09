"""Role requests: a grant that needs a second person's approval waits here until it is
decided.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import permissions
from ..models import Academy, Role, RoleAssignment, RoleRequest, RoleRequestStatus, Trust
from ..principal import principal_for
from ._common import OrganisationError, _check_role_scope, _with_history_user
from .roles import role_grant

if TYPE_CHECKING:
    from accounts.models import User


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
