"""Who sees which reports: scoped to the trust first, then to the academies a role covers.

Governors see their academy's figures; trustees, HR and the chief executive the trust's,
academy by academy; a headteacher their academy's. The reports never name a person, so
there is nothing finer to check: anyone else gets "Page not found".
"""

from __future__ import annotations

from dataclasses import dataclass

from organisation.models import Role
from organisation.principal import Principal


@dataclass(frozen=True)
class Scope:
    """The academies a reader sees, and whether they see the trust as a whole."""

    academy_ids: frozenset[int]
    whole_trust: bool

    def allows(self, academy_id: int) -> bool:
        return self.whole_trust or academy_id in self.academy_ids


def report_scope(principal: Principal) -> Scope | None:
    """The reader's scope, or None when they may not see any report."""
    if not principal.is_authenticated:
        return None
    if principal.has_trust_role(Role.TRUSTEE, Role.HR, Role.EXECUTIVE):
        return Scope(academy_ids=frozenset(), whole_trust=True)
    academies = principal.academies_with(Role.GOVERNOR, Role.HEADTEACHER)
    if academies:
        return Scope(academy_ids=academies, whole_trust=False)
    return None


def may_see_reports(principal: Principal) -> bool:
    return report_scope(principal) is not None
