"""What the header shows of the organisation pages, decided by ``organisation.permissions``."""

from __future__ import annotations

from django import template

from organisation import permissions
from organisation.principal import Principal

register = template.Library()


@register.simple_tag
def organisation_nav(principal: Principal | None) -> dict[str, bool]:
    """What the service navigation shows (and the Administration page lists)."""
    if principal is None or not principal.is_authenticated or principal.is_governor_only:
        return {"staff": False, "trust": False, "roles": False, "administration": False}
    return {
        # People who see more than their own record get a staff list.
        "staff": permissions.sees_whole_trust(principal)
        or bool(permissions.lead_academy_ids(principal))
        or permissions.is_line_manager(principal),
        "trust": permissions.can(principal, permissions.Action.VIEW_TRUST),
        "roles": permissions.can(principal, permissions.Action.VIEW_ROLES),
        "administration": permissions.can(principal, permissions.Action.VIEW_ADMINISTRATION),
    }
