from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    """Render every Django form with GOV.UK Frontend markup (templates/forms/)."""

    form_template_name = "forms/govuk_form.html"
    field_template_name = "forms/govuk_field.html"
