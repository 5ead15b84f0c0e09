from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .principal import principal_for


def trust_context(request: HttpRequest) -> dict[str, Any]:
    """The signed-in user's trust (shown in the header instead of any GOV.UK branding)."""
    user = getattr(request, "user", None)
    principal = principal_for(user)  # type: ignore[arg-type]
    trust = user.trust if principal.is_authenticated and user is not None else None  # type: ignore[union-attr]
    return {"principal": principal, "current_trust": trust}
