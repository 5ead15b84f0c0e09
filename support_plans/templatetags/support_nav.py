"""What the home page shows of the support plan pages, decided by
``support_plans.permissions`` (the templates never restate who sees plans)."""

from __future__ import annotations

from django import template

from organisation.principal import Principal
from support_plans import permissions

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
