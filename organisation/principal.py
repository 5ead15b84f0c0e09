"""Who is asking: the signed-in user's trust, staff record and active roles, read once.

Roles come from the guardian permission rows on the Trust and Academy objects whose
``RoleAssignment`` is active (started, not expired, not revoked). Everything that decides
access starts from a ``Principal``; nothing reads ``request.user`` roles another way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from .models import (
    ROLE_PERMISSION,
    AcademyUserObjectPermission,
    Role,
    StaffMember,
    TrustUserObjectPermission,
)

if TYPE_CHECKING:
    from accounts.models import User

_CODENAME_ROLE = {codename: role for role, codename in ROLE_PERMISSION.items()}


@dataclass(frozen=True)
class Principal:
    user_id: int | None
    trust_id: int | None
    staff: StaffMember | None = None
    trust_roles: frozenset[str] = frozenset()
    academy_roles: dict[str, frozenset[int]] = field(default_factory=dict)

    @property
    def tenant_id(self) -> int:
        """The trust every query is scoped to. Only for principals known to have a trust
        (signed in with an account of a trust); anything else is a programming error."""
        if self.trust_id is None:
            raise PermissionError("This account belongs to no trust.")
        return self.trust_id

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None and self.trust_id is not None

    def has_trust_role(self, *roles: str) -> bool:
        return any(role in self.trust_roles for role in roles)

    def academies_with(self, *roles: str) -> frozenset[int]:
        ids: set[int] = set()
        for role in roles:
            ids |= self.academy_roles.get(role, frozenset())
        return frozenset(ids)

    @property
    def is_trust_admin(self) -> bool:
        return Role.TRUST_ADMIN in self.trust_roles

    @property
    def is_hr(self) -> bool:
        return Role.HR in self.trust_roles

    @property
    def is_executive(self) -> bool:
        return Role.EXECUTIVE in self.trust_roles

    @property
    def is_governor_only(self) -> bool:
        """Governors and trustees with no other role: anonymised reports only."""
        other_trust = self.trust_roles - {Role.TRUSTEE}
        governing = {Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS}
        other_academy = {r for r, ids in self.academy_roles.items() if ids} - governing
        governs = Role.TRUSTEE in self.trust_roles or bool(self.academies_with(*governing))
        return governs and not other_trust and not other_academy and self.staff is None


ANONYMOUS = Principal(user_id=None, trust_id=None)


def principal_for(user: User | None) -> Principal:
    """The principal for ``user``, memoised on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached: Principal | None = getattr(user, "_principal", None)
    if cached is not None:
        return cached
    principal = _load_principal(user)
    user._principal = principal  # type: ignore[attr-defined]
    return principal


def _active_grant(now: object) -> Q:
    return (
        Q(assignment__starts_at__lte=now)
        & Q(assignment__revoked_at__isnull=True)
        & (Q(assignment__expires_at__isnull=True) | Q(assignment__expires_at__gt=now))
    )


def _load_principal(user: User) -> Principal:
    trust_id = user.trust_id
    if trust_id is None:
        return Principal(user_id=user.pk, trust_id=None)
    now = timezone.now()
    trust_codenames = (
        TrustUserObjectPermission.objects.filter(user=user, content_object_id=trust_id)
        .filter(_active_grant(now))
        .values_list("permission__codename", flat=True)
    )
    trust_roles = frozenset(_CODENAME_ROLE[c] for c in trust_codenames if c in _CODENAME_ROLE)
    academy_roles: dict[str, set[int]] = {}
    rows = (
        AcademyUserObjectPermission.objects.filter(user=user, content_object__trust_id=trust_id)
        .filter(_active_grant(now))
        .values_list("permission__codename", "content_object_id")
    )
    for codename, academy_id in rows:
        role = _CODENAME_ROLE.get(codename)
        if role is not None:
            academy_roles.setdefault(role, set()).add(academy_id)
    staff = (
        StaffMember.objects.filter(user=user, trust_id=trust_id)
        .select_related("academy", "job_role")
        .first()
    )
    return Principal(
        user_id=user.pk,
        trust_id=trust_id,
        staff=staff,
        trust_roles=trust_roles,
        academy_roles={k: frozenset(v) for k, v in academy_roles.items()},
    )
