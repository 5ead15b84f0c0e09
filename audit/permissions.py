"""Who may read the access log: HR of the trust, and no one else (not even trust
administrators, who set up the organisation but do not see appraisal matters)."""

from __future__ import annotations

from organisation.principal import Principal


def can_view_audit(principal: Principal) -> bool:
    return principal.is_authenticated and principal.is_hr
