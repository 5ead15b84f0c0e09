"""Who must use two-step verification (an authenticator app) before seeing any page.

Accounts knows the mechanism (an authenticator, the middleware that sends a user to set one
up); the apps that give people wide access decide who needs it. They say so by registering
a rule in their ``AppConfig.ready()`` (organisation registers "these roles need two-step");
accounts never looks them up.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator

if TYPE_CHECKING:
    from accounts.models import User

# A rule answers "must this user use two-step verification?" for one reason of its own.
MfaRule = Callable[["User"], bool]

_rules: list[MfaRule] = []


def register_mfa_rule(rule: MfaRule) -> None:
    """Add a reason a user must use two-step verification (idempotent)."""
    if rule not in _rules:
        _rules.append(rule)


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_requires_mfa(user: User) -> bool:
    # Platform operators open the Django admin, which crosses every trust: the widest
    # access of all, whatever trust roles they hold.
    if user.is_superuser or user.is_staff:
        return True
    return any(rule(user) for rule in _rules)


def needs_mfa_setup(user: User) -> bool:
    """Signed in with a role that requires an authenticator app, and none set up yet."""
    return user_requires_mfa(user) and not has_totp(user)
