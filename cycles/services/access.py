"""Exceptional per-cycle access: an external adviser or a review committee member let
into one cycle until a date, and the tidying of expired grants."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from .. import permissions
from ..models import AppraisalCycle, CycleAccessGrant, CycleUserObjectPermission
from .errors import CycleError

if TYPE_CHECKING:
    from accounts.models import User

# The exceptional, per-cycle grants: what each lets its holder do.
GRANT_PERMISSIONS = {
    "view_cycle_as_adviser": "External adviser (read only)",
    "review_headteacher_cycle": "Member of the headteacher's review committee",
}


@transaction.atomic
def cycle_grant_access(
    *,
    cycle: AppraisalCycle,
    user: User,
    permission: str,
    expires_at: dt.datetime,
    reason: str,
    granted_by: User,
) -> CycleAccessGrant:
    """Let one person (an external adviser, a review committee member) into one cycle
    until ``expires_at``. Recorded with who granted it and why. Only the grants
    ``permissions.access_grant_refusal`` allows: the headteacher's own cycle, to the people
    each kind is for."""
    if user.trust_id != cycle.trust_id:
        raise CycleError("Access can only be granted to an account of the same trust.")
    # Lock the cycle so two grants sent at the same moment are decided one after the other:
    # one open grant per person and kind (revoking it always ends the access), and no more
    # committee members than the policy's committee has.
    AppraisalCycle.objects.select_for_update(of=("self",)).filter(pk=cycle.pk).first()
    refusal = permissions.access_grant_refusal(cycle=cycle, user=user, permission=permission)
    if refusal is not None:
        raise CycleError(refusal)
    if expires_at <= timezone.now():
        raise CycleError("The access must end in the future.")
    if not reason.strip():
        raise CycleError("Say why this person needs access.")
    current = CycleAccessGrant.objects.filter(
        cycle=cycle,
        user=user,
        permission=permission,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()
    if current is not None:
        ends = timezone.localtime(current.expires_at)
        raise CycleError(
            f"{user} already has this access until {ends.day} {ends:%B %Y}. "
            "Withdraw it first to change it."
        )
    grant = CycleAccessGrant(
        cycle=cycle,
        user=user,
        permission=permission,
        granted_by=granted_by,
        reason=reason.strip(),
        expires_at=expires_at,
    )
    grant._history_user = granted_by  # type: ignore[attr-defined]
    grant.save()
    perm = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(AppraisalCycle), codename=permission
    )
    # One guardian row per (user, permission, cycle): the newest grant carries it.
    CycleUserObjectPermission.objects.filter(
        user=user, permission=perm, content_object=cycle
    ).delete()
    CycleUserObjectPermission.objects.create(
        user=user, permission=perm, content_object=cycle, grant=grant
    )
    return grant


@transaction.atomic
def cycle_revoke_access(*, grant: CycleAccessGrant, revoked_by: User) -> CycleAccessGrant:
    grant = CycleAccessGrant.objects.select_for_update(of=("self",)).get(pk=grant.pk)
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant._history_user = revoked_by  # type: ignore[attr-defined]
        grant.save(update_fields=["revoked_at"])
        CycleUserObjectPermission.objects.filter(grant=grant).delete()
    return grant


def expire_access_grants(*, now: dt.datetime | None = None) -> int:
    """Delete guardian rows of expired grants, so guardian's own checks agree with ours.
    (Access decisions already ignore expired grants; this only tidies.)"""
    now = now or timezone.now()
    deleted, _ = CycleUserObjectPermission.objects.filter(grant__expires_at__lte=now).delete()
    return deleted
