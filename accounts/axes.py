"""How django-axes names the account a sign-in attempt was for."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def username_for_attempt(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """The email address tried, lower-cased so "A@x.org" and "a@x.org" count together.

    allauth authenticates with ``email=...``; the form field is ``login``. Both are read, so
    a lockout follows the account whichever way the attempt arrived.
    """
    value: Any = None
    if credentials:
        value = credentials.get("email") or credentials.get("login") or credentials.get("username")
    if not value and request is not None:
        data = getattr(request, "data", None) or request.POST
        value = data.get("login") or data.get("email")
    return str(value or "").strip().lower()
