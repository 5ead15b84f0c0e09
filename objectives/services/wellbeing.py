"""Wellbeing notes and the member of staff's consent to them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from cycles.models import AppraisalCycle

from .. import permissions
from ..models import (
    WellbeingConsent,
    WellbeingNote,
)
from ._common import _history, _lock_cycle, _principal, _require
from .errors import ObjectivesError

if TYPE_CHECKING:
    from accounts.models import User


# ----- Wellbeing notes and consent ------------------------------------------------------


def live_consent(cycle: AppraisalCycle) -> WellbeingConsent | None:
    return WellbeingConsent.objects.filter(cycle=cycle, withdrawn_at__isnull=True).first()


@transaction.atomic
def wellbeing_consent_give(*, actor: User, cycle: AppraisalCycle) -> WellbeingConsent:
    """The member of staff consents to wellbeing notes being kept (aspire §6.4a)."""
    principal = _principal(actor)
    _require(
        permissions.is_appraisee(principal, cycle),
        "Only the member of staff can consent for themself.",
    )
    cycle = _lock_cycle(cycle)
    existing = live_consent(cycle)
    if existing is not None:
        return existing
    consent = WellbeingConsent(
        trust_id=cycle.trust_id, cycle=cycle, given_by=actor, given_at=timezone.now()
    )
    _history(consent, actor, "Consent given")
    consent.save()
    return consent


@transaction.atomic
def wellbeing_consent_withdraw(*, actor: User, cycle: AppraisalCycle) -> int:
    """Withdraw consent: every wellbeing note on the cycle is deleted, for good (the notes
    have no history table, so nothing of them remains). Returns how many were deleted."""
    principal = _principal(actor)
    _require(
        permissions.is_appraisee(principal, cycle),
        "Only the member of staff can withdraw their consent.",
    )
    cycle = _lock_cycle(cycle)
    consent = (
        WellbeingConsent.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, withdrawn_at__isnull=True)
        .first()
    )
    if consent is None:
        raise ObjectivesError("You have not given consent, so there is nothing to withdraw.")
    deleted, _ = WellbeingNote.objects.filter(cycle=cycle).delete()
    consent.withdrawn_at = timezone.now()
    consent.notes_deleted = deleted
    _history(consent, actor, "Consent withdrawn; notes deleted")
    consent.save(update_fields=["withdrawn_at", "notes_deleted"])
    return deleted


@transaction.atomic
def wellbeing_note_add(*, actor: User, cycle: AppraisalCycle, text: str) -> WellbeingNote:
    principal = _principal(actor)
    _require(
        permissions.may_write_wellbeing_notes(principal, cycle),
        "Only the people in the conversation write wellbeing notes.",
    )
    cycle = _lock_cycle(cycle)
    text = text.strip()
    if not text:
        raise ObjectivesError("Enter the note.")
    consent = live_consent(cycle)
    if consent is None:
        raise ObjectivesError(
            f"Wellbeing notes are kept only with {cycle.appraisee.full_name}'s consent, "
            "which has not been given."
        )
    return WellbeingNote.objects.create(
        trust_id=cycle.trust_id, cycle=cycle, consent=consent, written_by=actor, text=text
    )


@transaction.atomic
def wellbeing_note_delete(*, actor: User, note: WellbeingNote) -> None:
    principal = _principal(actor)
    cycle = note.cycle
    allowed = permissions.is_appraisee(principal, cycle) or (
        note.written_by_id == actor.pk and permissions.may_write_wellbeing_notes(principal, cycle)
    )
    _require(allowed, "You cannot delete this note.")
    WellbeingNote.objects.filter(pk=note.pk).delete()
