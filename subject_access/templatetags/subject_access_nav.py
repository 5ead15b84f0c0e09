"""What the home page shows of the personal data pages, decided by
``subject_access.permissions`` (the templates never restate who may ask)."""

from __future__ import annotations

from django import template

from organisation.principal import Principal
from subject_access import permissions, selectors

register = template.Library()


@register.filter
def may_ask_for_own_data(principal: Principal | None) -> bool:
    return principal is not None and permissions.may_ask_for_own(principal)


@register.simple_tag
def personal_data_deadlines(principal: Principal | None) -> dict[str, object] | None:
    """``{% personal_data_deadlines principal as sar %}``: for HR, the requests still to
    answer, how many are overdue and the soonest deadline; None for anyone else."""
    if principal is None or not permissions.may_ask_on_behalf(principal):
        return None
    rows = selectors.open_deadlines(principal.tenant_id)
    return {
        "open": len(rows),
        "overdue": sum(1 for _, status in rows if status == "overdue"),
        "next_due": rows[0][0].due_on if rows else None,
    }
