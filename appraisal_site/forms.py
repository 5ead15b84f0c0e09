from __future__ import annotations

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

from .text import refusal_message, unsafe_characters


class GovukFormRenderer(TemplatesSetting):
    """Render every Django form with GOV.UK Frontend markup (templates/forms/)."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"


class PlainTextMixin:
    """Refuse control, bidirectional and zero-width characters in every text field.

    Every form of the project inherits this (a test walks them all), so no name, title or
    note can carry an ESC sequence or a right-to-left override into pages, PDFs and CSVs.
    Multi-line answers (a ``Textarea``) keep tabs and newlines; passwords are left alone.
    """

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if not hasattr(self, "cleaned_data"):
            return  # an unbound or emptied form: nothing was typed
        for name, field in self.fields.items():
            if not isinstance(field, forms.CharField) or isinstance(
                field.widget, forms.PasswordInput
            ):
                continue
            value = self.cleaned_data.get(name)
            if not isinstance(value, str):
                continue
            bad = unsafe_characters(value, multiline=isinstance(field.widget, forms.Textarea))
            if bad:
                self.add_error(name, refusal_message(bad))  # type: ignore[attr-defined]
