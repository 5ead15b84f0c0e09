"""Developmental conversations (aspire-grow): agreed notes and contributions."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from calendars.selectors import load_calendar
from cycles.models import AppraisalCycle
from policies.schema import AppraisalModel

from .. import permissions
from ..models import Conversation
from ..rules import conversation_date_refusal
from ._common import (
    _check_open,
    _check_version,
    _history,
    _lock_cycle,
    _not_in_future,
    _principal,
    _require,
    _rules,
)
from .errors import ObjectivesError

if TYPE_CHECKING:
    from accounts.models import User


# ----- Conversations (aspire-grow) ------------------------------------------------------


def _conversation_rule(cycle: AppraisalCycle, key: str) -> Any:
    rules = _rules(cycle)
    if rules.model != AppraisalModel.CONVERSATIONS:
        raise ObjectivesError("This policy does not have developmental conversations.")
    for rule in rules.conversations.conversations:
        if rule.key == key:
            return rule
    raise ObjectivesError("This policy has no such conversation.")


def _locked_conversation(cycle: AppraisalCycle, key: str) -> Conversation:
    conversation, _ = Conversation.objects.get_or_create(
        cycle=cycle, key=key, defaults={"trust_id": cycle.trust_id, "version": 0}
    )
    return Conversation.objects.select_for_update(of=("self",)).get(pk=conversation.pk)


@transaction.atomic
def conversation_record(
    *,
    actor: User,
    cycle: AppraisalCycle,
    key: str,
    expected_version: int | None,
    held_on: dt.date | None,
    growth_areas: str = "",
    cpd_activities: str = "",
    agreed_notes: str = "",
    notes_consent: bool = False,
) -> Conversation:
    """The reviewer records a conversation: when, the growth areas and CPD activities
    agreed, and (with the member of staff's consent, aspire §8.2) the agreed notes."""
    principal = _principal(actor)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer records the conversation.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    rule = _conversation_rule(cycle, key)
    _not_in_future(held_on, "The date the conversation was held")
    if held_on is not None:
        calendar = load_calendar(cycle.academy_id, held_on, held_on)
        refusal = conversation_date_refusal(
            term=rule.term,
            name=rule.name,
            held_on=held_on,
            starts_on=cycle.starts_on,
            ends_on=cycle.ends_on,
            terms=calendar.terms,
        )
        if refusal is not None:
            raise ObjectivesError(refusal, field="held_on")
    rules = _rules(cycle)
    agreed_notes = agreed_notes.strip()
    if agreed_notes and rules.conversations.notes_need_consent and not notes_consent:
        raise ObjectivesError(
            "Agreed notes are kept only with the member of staff's consent: confirm they "
            "agreed to the notes being recorded, or leave the notes empty."
        )
    conversation = _locked_conversation(cycle, key)
    _check_version(conversation.version, expected_version)
    conversation.held_on = held_on
    conversation.growth_areas = growth_areas.strip()
    conversation.cpd_activities = cpd_activities.strip()
    conversation.agreed_notes = agreed_notes
    conversation.notes_consent = bool(agreed_notes) and notes_consent
    conversation.version += 1
    _history(conversation, actor)
    conversation.save(
        update_fields=[
            "held_on",
            "growth_areas",
            "cpd_activities",
            "agreed_notes",
            "notes_consent",
            "version",
            "updated_at",
        ]
    )
    return conversation


@transaction.atomic
def conversation_contribute(
    *,
    actor: User,
    cycle: AppraisalCycle,
    key: str,
    expected_version: int | None,
    growth_areas: str,
    cpd_activities: str,
) -> Conversation:
    """The member of staff writes their own growth areas and CPD activities (aspire §6.5:
    each employee identifies them)."""
    principal = _principal(actor)
    _require(permissions.can_comment(principal, cycle), "Only the member of staff adds these.")
    cycle = _lock_cycle(cycle)
    _check_open(cycle)
    _conversation_rule(cycle, key)
    if not _rules(cycle).conversations.growth_areas_and_cpd_recorded:
        raise ObjectivesError("This policy does not record growth areas and CPD activities.")
    conversation = _locked_conversation(cycle, key)
    _check_version(conversation.version, expected_version)
    conversation.growth_areas = growth_areas.strip()
    conversation.cpd_activities = cpd_activities.strip()
    conversation.version += 1
    _history(conversation, actor)
    conversation.save(update_fields=["growth_areas", "cpd_activities", "version", "updated_at"])
    return conversation
