"""Who may see and change an academy's calendar.

- View: anyone signed in to the same trust (term dates are no secret inside the trust, and
  everyone's deadlines depend on them).
- Edit (terms, INSET and closure days): the trust administrator, and the headteacher of
  that academy.
- Anyone from another trust: the academy does not exist for them (404).

Bank holiday overrides are platform-wide and changed only by superusers in the admin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from organisation.access_log import refused
from organisation.models import Academy, Role
from organisation.principal import Principal

from .models import CalendarDay, Term

if TYPE_CHECKING:
    from django.http import HttpRequest

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


def academy_for(principal: Principal, academy_id: int, *, request: HttpRequest | None) -> Academy:
    """The academy if ``principal`` may see its calendar; 404 otherwise (never a hint),
    the refusal of a real academy noted in the security log."""
    try:
        return visible_academies(principal).get(pk=academy_id)
    except Academy.DoesNotExist:
        raise refused(request, Academy, academy_id, "No such academy.") from None


def term_for(academy: Academy, term_id: int, *, request: HttpRequest | None) -> Term:
    """A term of ``academy`` (already fetched for the user); 404 for any other id."""
    try:
        return Term.objects.get(academy=academy, pk=term_id)
    except Term.DoesNotExist:
        raise refused(request, Term, term_id, "No such term.") from None


def day_for(academy: Academy, day_id: int, *, request: HttpRequest | None) -> CalendarDay:
    """A closure or INSET day of ``academy`` (already fetched for the user); 404 otherwise."""
    try:
        return CalendarDay.objects.get(academy=academy, pk=day_id)
    except CalendarDay.DoesNotExist:
        raise refused(request, CalendarDay, day_id, "No such day.") from None
