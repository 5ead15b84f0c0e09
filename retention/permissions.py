"""Who may see the record of destruction and set legal holds: the trust's HR only.

Everyone else gets "not found" for every retention page (the pages reveal which records
existed and which are under a hold)."""

from __future__ import annotations

from django.http import Http404

from organisation.principal import Principal


def can_manage_retention(principal: Principal) -> bool:
    return principal.is_authenticated and principal.is_hr


def require_retention_access(principal: Principal) -> int:
    """The trust id HR acts for; 404 for anybody who is not HR of a trust."""
    if not can_manage_retention(principal) or principal.trust_id is None:
        raise Http404("No such page.")
    return principal.trust_id
