"""What the home, Administration and staff pages show of the pay pages, decided by
``pay_progression.permissions`` (the templates never restate who sees pay)."""

from __future__ import annotations

from django import template

from organisation.principal import Principal
from pay_progression import permissions

register = template.Library()


@register.filter
def pay_open_to(principal: Principal | None) -> bool:
    """``{% if principal|pay_open_to %}``: the pay pages have something for this person:
    reviews to run, drafts to write, pay scales to keep, or their own pay."""
    if principal is None or not principal.is_authenticated or principal.is_governor_only:
        return False
    return (
        principal.staff is not None
        or permissions.may_view_scales(principal)
        or permissions.may_run_pay_reviews(principal)
    )


@register.filter
def pay_scales_open_to(principal: Principal | None) -> bool:
    return principal is not None and permissions.may_view_scales(principal)


@register.filter
def pay_history_open_to(principal: Principal | None, staff_id: int) -> bool:
    """``{% if principal|pay_history_open_to:staff.pk %}``: the staff page links to the
    person's pay history."""
    if principal is None or not principal.is_authenticated:
        return False
    return permissions.visible_pay_history_staff(principal).filter(pk=staff_id).exists()
