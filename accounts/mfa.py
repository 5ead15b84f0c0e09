"""Who must use two-step verification (an authenticator app) before seeing any page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from allauth.mfa.models import Authenticator

from organisation.models import Role
from organisation.principal import Principal, principal_for

if TYPE_CHECKING:
    from accounts.models import User

# Roles that see other people's appraisals across an academy or the trust, or change who
# may see them. A stolen password for one of these exposes many people's records.
MFA_REQUIRED_TRUST_ROLES = frozenset({Role.HR, Role.TRUST_ADMIN, Role.EXECUTIVE})
MFA_REQUIRED_ACADEMY_ROLES = frozenset({Role.HEADTEACHER, Role.APPRAISAL_DELEGATE})


def role_requires_mfa(principal: Principal) -> bool:
    """True if any of the principal's active roles requires two-step verification."""
    if principal.has_trust_role(*MFA_REQUIRED_TRUST_ROLES):
        return True
    return bool(principal.academies_with(*MFA_REQUIRED_ACADEMY_ROLES))


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def user_requires_mfa(user: User) -> bool:
    # Platform operators open the Django admin, which crosses every trust: the widest
    # access of all, whatever trust roles they hold.
    if user.is_superuser or user.is_staff:
        return True
    return role_requires_mfa(principal_for(user))


def needs_mfa_setup(user: User) -> bool:
    """Signed in with a role that requires an authenticator app, and none set up yet."""
    return user_requires_mfa(user) and not has_totp(user)
