"""allauth adapters: no self sign-up; social sign-in only for accounts the trust created;
two-step verification cannot be turned off by those whose role requires it."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.http import HttpRequest

from .mfa import user_requires_mfa


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Same words whether the address or the password was wrong: never confirm that an
        # account exists.
        "email_password_mismatch": (
            "The email address or password is not right. Check them and try again."
        ),
        "account_inactive": "This account has been closed. Ask your trust's HR team.",
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Accounts are created by the trust (staff import, role grants), never by visitors.
        return False


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest, sociallogin: Any) -> bool:
        # Microsoft/Google sign-in connects to an existing account by email only.
        return False


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Your role requires an authenticator app, so it cannot be turned off. If you "
            "have a new phone, ask whoever manages sign-in for your trust to remove the old "
            "authenticator, then set up the new one."
        ),
        "incorrect_code": "The code is not right. Enter the 6-digit code your app shows now.",
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        if authenticator.type != Authenticator.Type.TOTP:
            return True
        return not user_requires_mfa(authenticator.user)
