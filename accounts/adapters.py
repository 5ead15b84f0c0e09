"""allauth adapters: no self sign-up; social sign-in only for accounts the trust created;
two-step verification cannot be turned off by those whose role requires it."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from .mfa import user_requires_mfa
from .network import client_ip


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Same words whether the address or the password was wrong: never confirm that an
        # account exists.
        "email_password_mismatch": (
            "The email address or password is not right. Check them and try again."
        ),
        "account_inactive": "This account has been closed. Ask your trust's HR team.",
        # Password and two-step code alike (allauth's "login_failed" brake).
        "too_many_login_attempts": (
            "You have tried too many times. Wait 5 minutes, then try again."
        ),
    }

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # An account axes has already locked is refused by axes with its own page (how long
        # the lock lasts, how to reset the password), not by allauth's shorter per-account
        # brake, whose "wait 5 minutes" would not be true.
        from axes.handlers.proxy import AxesProxyHandler

        if AxesProxyHandler.is_locked(request, credentials):
            self._login_failed_rl_usage = None
            return
        super().pre_authenticate(request, **credentials)

    def get_client_ip(self, request: HttpRequest) -> str:
        # allauth's per-address brake must see the same address as the logs and axes: the
        # one the deployment's trusted proxy reports, never a header any client can send.
        address = client_ip(request)
        if address is None:
            raise PermissionDenied("Unable to determine client IP address")
        return address

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
