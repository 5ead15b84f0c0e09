"""What the home page shows of the probation pages, decided by ``probation.permissions``
(the templates never restate who sees probations)."""

from __future__ import annotations

from django import template

from organisation.principal import Principal
from probation import permissions, selectors

register = template.Library()


@register.filter
def probation_open_to(principal: Principal | None) -> bool:
    """``{% if principal|probation_open_to %}``: the probation page has something for this
    person as a manager: a probation of someone else they may read, or someone they may
    start one for (HR always)."""
    if principal is None or not principal.is_authenticated or principal.is_governor_only:
        return False
    me = principal.staff.pk if principal.staff is not None else 0
    return (
        principal.is_hr
        or permissions.visible_probations(principal).exclude(staff_id=me).exists()
        or permissions.may_start_any(principal)
    )


@register.filter
def has_own_probation(principal: Principal | None) -> bool:
    """``{% if principal|has_own_probation %}``: the person is (or was) on probation."""
    return principal is not None and selectors.has_own_probation(principal)
