"""Who may see and change an academy's calendar.

- View: anyone signed in to the same trust (term dates are no secret inside the trust, and
  everyone's deadlines depend on them).
- Edit (terms, INSET and closure days): the trust administrator, and the headteacher of
  that academy.
- Anyone from another trust: the academy does not exist for them (404).

Bank holiday overrides are platform-wide and changed only by superusers in the admin.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from organisation.models import Academy, Role
from organisation.principal import Principal

VIEW = "view"
EDIT = "edit"


def visible_academies(principal: Principal) -> QuerySet[Academy]:
    """Academies whose calendar ``principal`` may see: those of their own trust."""
    if not principal.is_authenticated or principal.trust_id is None:
        return Academy.objects.none()
    return Academy.objects.filter(trust_id=principal.trust_id)


def can(principal: Principal, action: str, academy: Academy) -> bool:
    if not principal.is_authenticated or academy.trust_id != principal.trust_id:
        return False
    if action == VIEW:
        return True
    if action == EDIT:
        return principal.is_trust_admin or academy.pk in principal.academies_with(Role.HEADTEACHER)
    return False


def academy_for(principal: Principal, academy_id: int) -> Academy:
    """The academy if ``principal`` may see its calendar; 404 otherwise (never a hint)."""
    try:
        return visible_academies(principal).get(pk=academy_id)
    except Academy.DoesNotExist:
        raise Http404("No such academy.") from None
