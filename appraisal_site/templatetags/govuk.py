"""Render Django form widgets with GOV.UK Frontend classes and accessible descriptions."""

from __future__ import annotations

from django import template
from django.forms import BoundField
from django.utils.safestring import SafeString

register = template.Library()

_INPUT_CLASS = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
}
# BoundField.widget_type is the widget class name without "Input"/"Widget", lower-cased.
_WIDTH = {
    "date": "govuk-input--width-10",
    "number": "govuk-input--width-5",
    "time": "govuk-input--width-5",
}


@register.simple_tag
def govuk_widget(field: BoundField) -> SafeString:
    widget_type = field.widget_type
    base = _INPUT_CLASS.get(widget_type, "govuk-input")
    classes = [base]
    if base == "govuk-input" and widget_type in _WIDTH:
        classes.append(_WIDTH[widget_type])
    if field.errors:
        classes.append(f"{base}--error")
    existing = field.field.widget.attrs.get("class")
    if existing:
        classes.append(existing)
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    attrs: dict[str, str | bool] = {"class": " ".join(classes)}
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.simple_tag
def govuk_choice_attrs(field: BoundField) -> str:
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    return " ".join(described)
