"""``{% service_nav_item %}``: one item of the GOV.UK service navigation, marked as the
current section when the page belongs to it."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _belongs(resolver_match: Any, patterns: str) -> bool:
    """Whether the page is in the section: each pattern is a namespace ("policies:"), a view
    name ("cycles:mine") or a view-name prefix ("reviews:moderation*")."""
    if resolver_match is None:
        return False
    view_name = resolver_match.view_name or ""
    namespace = resolver_match.namespace or ""
    for pattern in patterns.split():
        if pattern.endswith(":") and namespace == pattern[:-1]:
            return True
        if pattern.endswith("*") and view_name.startswith(pattern[:-1]):
            return True
        if view_name == pattern:
            return True
    return False


@register.simple_tag(takes_context=True)
def service_nav_item(context: Any, label: str, href: str, section: str = "") -> SafeString:
    """The item's ``<li>``: ``aria-current="page"`` on the page itself, ``"true"`` anywhere
    else in its section, with the bold fallback GOV.UK Frontend uses for either."""
    request = context.get("request")
    here = request is not None and request.path == href
    active = here or (request is not None and _belongs(request.resolver_match, section))
    if not active:
        return format_html(
            '<li class="govuk-service-navigation__item">'
            '<a class="govuk-service-navigation__link" href="{}">{}</a></li>',
            href,
            label,
        )
    return format_html(
        '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
        '<a class="govuk-service-navigation__link" href="{}" aria-current="{}">'
        '<strong class="govuk-service-navigation__active-fallback">{}</strong></a></li>',
        href,
        "page" if here else "true",
        label,
    )
