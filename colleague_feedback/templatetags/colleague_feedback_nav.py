"""What the home page shows of colleague feedback, decided by
``colleague_feedback.permissions`` (the templates never restate who sees requests)."""

from __future__ import annotations

from django import template

from colleague_feedback import permissions, selectors
from organisation.principal import Principal

register = template.Library()


@register.simple_tag
def feedback_requests_nav(principal: Principal | None) -> dict[str, int] | None:
    """``{% feedback_requests_nav principal as feedback_nav %}``: None when nobody has asked
    this person for feedback, else how many requests wait for their answer (two queries)."""
    if principal is None or not principal.is_authenticated:
        return None
    if not permissions.visible_requests(principal).exists():
        return None
    return {"waiting": selectors.waiting_count(principal)}
