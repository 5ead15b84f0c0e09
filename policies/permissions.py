"""Who may see and change a trust's appraisal policies.

- Manage (create policies, new versions, assignments): the trust administrator of the
  policy's own trust.
- View: the trust administrator, HR, the CEO / executive headteacher, and headteachers
  (they run appraisal under the policy and need to read it).
- Everyone else, and anyone of another trust: the policies do not exist for them (404).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from organisation.access_log import refused
from organisation.models import Role, Trust
from organisation.principal import Principal

from .models import Policy, PolicyAssignment, PolicyVersion

if TYPE_CHECKING:
    from django.http import HttpRequest

VIEW = "view"
MANAGE = "manage"
ACTIONS = (VIEW, MANAGE)

PolicyObject = Trust | Policy | PolicyVersion | PolicyAssignment


def may_view_policies(principal: Principal) -> bool:
    if not principal.is_authenticated:
        return False
    return principal.has_trust_role(Role.TRUST_ADMIN, Role.HR, Role.EXECUTIVE) or bool(
        principal.academies_with(Role.HEADTEACHER)
    )


def may_manage_policies(principal: Principal) -> bool:
    return principal.is_authenticated and principal.is_trust_admin


def _trust_id(obj: PolicyObject) -> int | None:
    if isinstance(obj, Trust):
        return obj.pk
    if isinstance(obj, PolicyVersion):
        return obj.policy.trust_id
    return obj.trust_id


def can(principal: Principal, action: str, obj: PolicyObject) -> bool:
    """May ``principal`` do ``action`` ("view" / "manage") to ``obj`` (the trust itself, a
    policy, a version or an assignment)?"""
    if not principal.is_authenticated or _trust_id(obj) != principal.trust_id:
        return False
    if action == VIEW:
        return may_view_policies(principal)
    if action == MANAGE:
        return may_manage_policies(principal)
    return False


def visible_policies(principal: Principal) -> QuerySet[Policy]:
    """Policies ``principal`` may read: their own trust's, if they may read policies."""
    if not may_view_policies(principal):
        return Policy.objects.none()
    return Policy.objects.filter(trust_id=principal.trust_id or 0)


def policy_for(principal: Principal, policy_id: int, *, request: HttpRequest | None) -> Policy:
    """The policy if ``principal`` may read it; 404 otherwise (never a hint it exists),
    the refusal of a real policy noted in the security log."""
    try:
        return visible_policies(principal).get(pk=policy_id)
    except Policy.DoesNotExist:
        raise refused(request, Policy, policy_id, "No such policy.") from None


def assignment_for(
    principal: Principal, assignment_id: int, *, request: HttpRequest | None
) -> PolicyAssignment:
    if not may_view_policies(principal):
        raise refused(request, PolicyAssignment, assignment_id, "No such assignment.")
    try:
        return PolicyAssignment.objects.select_related("policy", "academy", "job_role").get(
            pk=assignment_id, trust_id=principal.trust_id or 0
        )
    except PolicyAssignment.DoesNotExist:
        raise refused(request, PolicyAssignment, assignment_id, "No such assignment.") from None
