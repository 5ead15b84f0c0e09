"""Whether the reports open for this person, for the home page's links."""

from __future__ import annotations

from django import template

from organisation.principal import Principal

from ..permissions import may_see_reports, may_see_termly_reports

register = template.Library()


@register.filter
def sees_reports(principal: Principal) -> bool:
    return may_see_reports(principal)


@register.filter
def sees_termly_reports(principal: Principal) -> bool:
    return may_see_termly_reports(principal)
