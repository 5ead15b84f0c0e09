from __future__ import annotations

from django import template

from organisation.principal import Principal

from .. import permissions

register = template.Library()


@register.filter
def may_view_policies(principal: Principal | None) -> bool:
    """For the header: show the Policies item only to those who may read policies."""
    return principal is not None and permissions.may_view_policies(principal)
