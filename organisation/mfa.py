"""Which organisation roles must use two-step verification (registered with accounts)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .models import Role
from .principal import Principal, principal_for

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


def user_has_role_requiring_mfa(user: User) -> bool:
    return role_requires_mfa(principal_for(user))
