"""``{% submission_token %}``: the one-time token for a create form written by hand."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from submissions.guard import FIELD_NAME, issue_token

register = template.Library()


@register.simple_tag
def submission_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD_NAME, issue_token())
