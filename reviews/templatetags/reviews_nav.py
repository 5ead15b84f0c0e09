"""What the header and home page show of the moderation pages, decided by
``reviews.permissions`` (the templates never restate who moderates)."""

from __future__ import annotations

from django import template

from organisation.principal import Principal
from reviews import permissions

register = template.Library()


@register.filter
def moderates(principal: Principal | None) -> bool:
    """``{% if principal|moderates %}``: the moderation pages exist for this person."""
    return permissions.moderates_anywhere(principal)
