"""What the home page shows of the support plan pages, decided by
``support_plans.permissions`` (the templates never restate who sees plans)."""

from __future__ import annotations

from django import template

from organisation.models import StaffMember
from organisation.principal import Principal
from support_plans import permissions
from support_plans.models import SupportPlan

register = template.Library()


@register.filter
def support_plans_open_to(principal: Principal | None) -> bool:
    """``{% if principal|support_plans_open_to %}``: the support plans page has something
    for this person: a plan or concern they may read, or someone they may raise one about."""
    if principal is None or not principal.is_authenticated:
        return False
    return (
        permissions.visible_plans(principal).exists()
        or permissions.visible_concerns(principal).exists()
        or permissions.may_raise_concerns(principal)
        or principal.is_hr
    )


@register.simple_tag
def staff_support_plans(principal: Principal | None, staff: StaffMember) -> list[SupportPlan]:
    """The person's support plans the viewer may read, newest first (one query): a staff
    record links to them, and names none the viewer may not open."""
    if principal is None or not principal.is_authenticated:
        return []
    return list(
        permissions.visible_plans(principal)
        .filter(staff_id=staff.pk)
        .select_related("policy_version")
        .order_by("-opened_on", "-pk")
    )


@register.filter
def escalations_open_to(principal: Principal | None) -> bool:
    """``{% if principal|escalations_open_to %}``: HR and headteachers see the escalations
    page."""
    return principal is not None and permissions.may_see_escalations(principal)
