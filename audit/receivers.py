"""Sign-in, failed sign-in and lockout lines on the ``appraisal.security`` logger.

Signals here only write logs and security events (lockouts, refused two-step codes): no
business rule hangs off them.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.signals import two_step_code_refused

from .services import client_ip, record_lockout, record_two_step_refused

security_log = logging.getLogger("appraisal.security")


@receiver(user_logged_in, dispatch_uid="audit_signed_in")
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_log.info(
        "sign-in user_id=%s trust_id=%s ip=%s", user.pk, user.trust_id, client_ip(request)
    )


@receiver(user_logged_out, dispatch_uid="audit_signed_out")
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_log.info("sign-out user_id=%s", getattr(user, "pk", None))


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Django has already masked the password in ``credentials``; the address is kept so
    # repeated guessing against one account shows up.
    attempted = credentials.get("email") or credentials.get("username") or ""
    security_log.warning("sign-in failed login=%s ip=%s", attempted, client_ip(request))


@receiver(user_locked_out, dispatch_uid="audit_locked_out")
def _locked_out(
    sender: Any,
    request: HttpRequest | None,
    username: str | None,
    ip_address: str | None,
    **kwargs: Any,
) -> None:
    security_log.warning("account locked out login=%s ip=%s", username or "", ip_address)
    record_lockout(request=request, username=username or "")


@receiver(two_step_code_refused, dispatch_uid="audit_two_step_refused")
def _two_step_refused(
    sender: Any, request: HttpRequest | None, user: Any, limited: bool, **kwargs: Any
) -> None:
    record_two_step_refused(request=request, user=user, limited=limited)
