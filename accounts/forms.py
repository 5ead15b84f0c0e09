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
    ReauthenticateForm as AllauthReauthenticateForm,
)
from allauth.account.forms import (
    ResetPasswordForm as AllauthResetPasswordForm,
)
from allauth.account.forms import (
    ResetPasswordKeyForm as AllauthResetPasswordKeyForm,
)
from allauth.core import context
from allauth.mfa.base.forms import AuthenticateForm as AllauthMfaAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as AllauthMfaReauthenticateForm
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django import forms

from appraisal_site.forms import PlainTextMixin

from .signals import two_step_code_refused


def _without_placeholders(form: forms.Form) -> None:
    # GOV.UK Frontend: placeholder text disappears as you type and is not a label.
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class LoginForm(PlainTextMixin, AllauthLoginForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Email address"
        self.fields["login"].help_text = "The work email address your trust holds for you."
        # The "Forgotten your password?" link sits under the form instead.
        self.fields["password"].help_text = ""
        _without_placeholders(self)


class ResetPasswordForm(PlainTextMixin, AllauthResetPasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        _without_placeholders(self)


class ResetPasswordKeyForm(PlainTextMixin, AllauthResetPasswordKeyForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _without_placeholders(self)


class ChangePasswordForm(PlainTextMixin, AllauthChangePasswordForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _without_placeholders(self)


class ReauthenticateForm(PlainTextMixin, AllauthReauthenticateForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
        _without_placeholders(self)


def _record_refused_code(form: forms.Form, error: forms.ValidationError) -> None:
    """Report a refused two-step code to the security log (audit listens).

    allauth counts every try against the account ("login_failed" per key: see settings)
    and, once the tries are used up, refuses without checking the code; both are events
    HR can see, since the password (or the session) was already right.
    """
    two_step_code_refused.send(
        sender=type(form),
        request=context.request,
        user=getattr(form, "user", None),
        limited=error.code == "too_many_login_attempts",
    )


def _code_field(form: forms.Form, label: str, help_text: str = "") -> None:
    field = form.fields["code"]
    field.label = label
    field.help_text = help_text
    field.widget.attrs.pop("placeholder", None)
    field.widget.attrs.update(
        {"class": "govuk-input--width-10", "autocomplete": "one-time-code", "spellcheck": "false"}
    )


class _SignInCodeMixin:
    """The second step of signing in (and of confirming it is still you): one code field,
    every refused code reported to the security log."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_field(self, "Code", "The 6-digit code from your app, or a recovery code.")  # type: ignore[arg-type]

    def clean_code(self) -> str:
        try:
            return super().clean_code()  # type: ignore[misc]
        except forms.ValidationError as error:
            _record_refused_code(self, error)  # type: ignore[arg-type]
            raise


class MfaAuthenticateForm(_SignInCodeMixin, PlainTextMixin, AllauthMfaAuthenticateForm):
    pass


class MfaReauthenticateForm(_SignInCodeMixin, PlainTextMixin, AllauthMfaReauthenticateForm):
    pass


class ActivateTOTPForm(PlainTextMixin, AllauthActivateTOTPForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_field(self, "Code from the app", "The 6-digit code it shows now.")
