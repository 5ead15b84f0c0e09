"""What the header and home page show of the moderation pages, decided by
``reviews.permissions`` (the templates never restate who moderates)."""

from __future__ import annotations

from django import template

from organisation.principal import Principal
from reviews import permissions, selectors

register = template.Library()


@register.filter
def moderates(principal: Principal | None) -> bool:
    """``{% if principal|moderates %}``: the moderation pages exist for this person."""
    return permissions.moderates_anywhere(principal)


@register.filter
def copies_to_read(principal: Principal | None) -> int:
    """``{{ principal|copies_to_read }}``: copies of completed reviews sent to this
    headteacher and not yet read (the policy's ``review.copy_to_headteacher``)."""
    if principal is None or not principal.is_authenticated:
        return 0
    return selectors.headteacher_copies_to_read(principal)
