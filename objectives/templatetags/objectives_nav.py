"""What the header shows of the objectives pages, decided by ``objectives.permissions``."""

from __future__ import annotations

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
