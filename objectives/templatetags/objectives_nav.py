"""What the header shows of the objectives pages, decided by ``objectives.permissions``."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from objectives import permissions
from organisation.principal import Principal

register = template.Library()


@register.simple_tag
def objectives_nav(principal: Principal | None) -> str:
    """The URL of the objectives page this person starts from (improvement priorities for
    those who manage them, shared objectives for reviewers), or "" for nobody's."""
    if principal is None or not principal.is_authenticated or principal.is_governor_only:
        return ""
    if permissions.may_open_priorities(principal):
        return reverse("objectives:priorities")
    if permissions.may_open_shared(principal):
        return reverse("objectives:shared_list")
    return ""


@register.inclusion_tag("objectives/includes/headteacher_commitments.html", takes_context=True)
def headteacher_commitments(context: dict[str, Any], principal: Principal | None) -> dict[str, Any]:
    """aspire §6.2 on a governor's home page: their headteacher's development commitments
    where the policy shares them with the governing body; each read is in the access log."""
    from objectives.selectors.governors import headteacher_commitments as shared
    from organisation.access_log import record_access

    if principal is None:
        return {"shared": []}
    found = shared(principal)
    request = context.get("request")
    if request is not None:
        for entry in found:
            record_access(
                request=request,
                obj=entry.cycle,
                action="view",
                label=f"Development commitments of {entry.cycle.appraisee.full_name}",
            )
    return {"shared": found}
