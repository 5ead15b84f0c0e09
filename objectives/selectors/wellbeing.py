"""Wellbeing notes: the only reader."""

from __future__ import annotations

from dataclasses import dataclass

from cycles.models import AppraisalCycle
from organisation.principal import Principal

from .. import permissions
from ..models import (
    WellbeingConsent,
    WellbeingNote,
)


@dataclass
class WellbeingPage:
    consent: WellbeingConsent | None
    notes: list[WellbeingNote]
    past_consents: list[WellbeingConsent]


def wellbeing_notes_for(principal: Principal, cycle: AppraisalCycle) -> WellbeingPage:
    """The wellbeing page: the consent state and the notes this person may read (all of
    them for the member of staff, their own for a note's writer)."""
    consents = list(
        WellbeingConsent.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk).order_by(
            "-given_at"
        )
    )
    live = next((c for c in consents if c.withdrawn_at is None), None)
    notes = list(
        permissions.readable_wellbeing_notes(principal, cycle).select_related("written_by")
    )
    return WellbeingPage(
        consent=live, notes=notes, past_consents=[c for c in consents if c is not live]
    )
