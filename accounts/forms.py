"""allauth's forms with GOV.UK wording: labels above inputs, no placeholder text."""

from __future__ import annotations

from typing import Any

from allauth.account.forms import (
    ChangePasswordForm as AllauthChangePasswordForm,
)
from allauth.account.forms import (
    LoginForm as AllauthLoginForm,
)
from allauth.account.forms import (
    ResetPasswordForm as AllauthResetPasswordForm,
)
from allauth.account.forms import (
    ResetPasswordKeyForm as AllauthResetPasswordKeyForm,
)
from django import forms


def _without_placeholders(form: forms.Form) -> None:
    # GOV.UK Frontend: placeholder text disappears as you type and is not a label.
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class LoginForm(AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].help_text = "The work email address your trust holds for you."
        # The "Forgotten your password?" link sits under the form instead.
        self.fields["password"].help_text = ""
        _without_placeholders(self)


class ResetPasswordForm(AllauthResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        _without_placeholders(self)


class ResetPasswordKeyForm(AllauthResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _without_placeholders(self)


class ChangePasswordForm(AllauthChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _without_placeholders(self)
