"""Setting up the headteacher's review committee (and the CEO's), and appointing its
external adviser: both are single-cycle grants (``access``), made here as a whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from organisation.principal import principal_for

from .. import committee as committee_rules
from .. import permissions
from ..models import AppraisalCycle, CycleAccessGrant
from .access import cycle_grant_access, cycle_revoke_access
from .errors import CycleError

if TYPE_CHECKING:
    from accounts.models import User

COMMITTEE_REASON = "Member of the review committee, set up by {actor}"
ADVISER_REASON = "External adviser. Why they are suitable: {why}"


def _actor_name(user: User) -> str:
    return user.get_full_name() or user.email


@transaction.atomic
def cycle_committee_set_up(
    *,
    cycle: AppraisalCycle,
    members: Sequence[User],
    expires_at: dt.datetime,
    actor: User,
) -> list[CycleAccessGrant]:
    """Make ``members`` the review committee of a leader's cycle until ``expires_at``:
    the members' open grants end and each is granted anew, so the committee is exactly
    who was chosen. Refused, with the policy's rule, unless the members are as many as
    the policy's committee has and include everyone it always includes (classic §3.2:
    the chair of governors; leger §7 and aspire §5.1: the CEO; classic §4.1: a governor,
    as the governing body sets the objectives). Each member must be someone the
    committee is for (``permissions.access_grant_refusal``)."""
    if not permissions.may_set_up_committee(principal_for(actor), cycle):
        raise CycleError("You cannot set up the review committee of this appraisal.")
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("appraisee", "academy", "policy_version")
        .get(pk=cycle.pk)
    )
    headteacher = locked.policy_version.rules.headteacher
    facts = [permissions.member_facts(locked, member) for member in members]
    refusal = committee_rules.committee_refusal(
        headteacher, facts, for_ceo=permissions.is_ceo_cycle(locked)
    )
    if refusal is not None:
        raise CycleError(refusal)
    for grant in permissions.open_committee_grants(locked):
        cycle_revoke_access(grant=grant, revoked_by=actor)
    reason = COMMITTEE_REASON.format(actor=_actor_name(actor))
    grants = []
    # Those the policy always includes first, so no seat is kept for them on the way.
    ordered = sorted(
        zip(members, facts, strict=True), key=lambda pair: not (pair[1].is_chair or pair[1].is_ceo)
    )
    for member, _facts in ordered:
        try:
            grants.append(
                cycle_grant_access(
                    cycle=locked,
                    user=member,
                    permission=permissions.COMMITTEE_GRANT,
                    expires_at=expires_at,
                    reason=reason,
                    granted_by=actor,
                )
            )
        except CycleError as exc:
            raise CycleError(f"{_actor_name(member)}: {exc}") from None
    return grants


@transaction.atomic
def cycle_adviser_appoint(
    *,
    cycle: AppraisalCycle,
    adviser: User,
    expires_at: dt.datetime,
    suitability: str,
    actor: User,
) -> CycleAccessGrant:
    """Appoint the external adviser of a leader's review (classic §3.1, leger §7): read
    access to that one cycle until ``expires_at``, recorded with why the adviser is
    suitable (leger §7: the trust satisfies itself of their skills and objectivity).
    Any adviser appointed before is withdrawn."""
    if not permissions.may_set_up_committee(principal_for(actor), cycle):
        raise CycleError("You cannot appoint the external adviser of this appraisal.")
    if not suitability.strip():
        raise CycleError("Say why this adviser is suitable.")
    grant = cycle_grant_access(
        cycle=cycle,
        user=adviser,
        permission=permissions.ADVISER_GRANT,
        expires_at=expires_at,
        reason=ADVISER_REASON.format(why=suitability.strip()),
        granted_by=actor,
    )
    for earlier in CycleAccessGrant.objects.filter(
        cycle=cycle, permission=permissions.ADVISER_GRANT, revoked_at__isnull=True
    ).exclude(pk=grant.pk):
        cycle_revoke_access(grant=earlier, revoked_by=actor)
    return grant


@transaction.atomic
def cycle_adviser_withdraw(
    *, cycle: AppraisalCycle, grant: CycleAccessGrant, actor: User
) -> CycleAccessGrant:
    if not permissions.may_set_up_committee(principal_for(actor), cycle):
        raise CycleError("You cannot change the external adviser of this appraisal.")
    if grant.cycle_id != cycle.pk or grant.permission != permissions.ADVISER_GRANT:
        raise CycleError("That is not this appraisal's adviser.")
    return cycle_revoke_access(grant=grant, revoked_by=actor)
