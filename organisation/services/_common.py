"""What several of the organisation's services share: the refusal they raise, the actor
recorded in history, and the checks more than one kind of write makes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import (
    ACADEMY_ROLES,
    TRUST_ROLES,
    Academy,
    LineManagementPath,
    Role,
    StaffMember,
    Trust,
)

if TYPE_CHECKING:
    from accounts.models import User


class OrganisationError(Exception):
    """A refused change, with a message fit to show on the page."""


SELF_GRANT_MESSAGE = (
    "Nobody can give themself a role. Ask another trust administrator, or HR, to do it."
)


def _check_role_scope(
    *, user: User, role: Role, trust: Trust, academy: Academy | None, by: User | None
) -> None:
    if user.trust_id != trust.pk:
        raise OrganisationError("Roles can only be given to accounts of the same trust.")
    if by is not None and by.pk == user.pk:
        raise OrganisationError(SELF_GRANT_MESSAGE)
    if role in ACADEMY_ROLES:
        if academy is None or academy.trust_id != trust.pk:
            raise OrganisationError(f"{role.label} is held at one academy of the trust.")
    elif role in TRUST_ROLES and academy is not None:
        raise OrganisationError(f"{role.label} is held across the trust, not at one academy.")


def _with_history_user(obj: object, actor: User | None) -> None:
    if actor is not None:
        obj._history_user = actor  # type: ignore[attr-defined]


def _user_model() -> type[User]:
    from django.contrib.auth import get_user_model

    return get_user_model()  # type: ignore[return-value]


def _ensure_self_path(staff: StaffMember) -> None:
    LineManagementPath.objects.get_or_create(
        manager=staff, report=staff, defaults={"depth": 0, "trust_id": staff.trust_id}
    )
