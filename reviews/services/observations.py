"""Observations."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from calendars.selectors import load_calendar
from cycles import order
from cycles.models import AppraisalCycle
from organisation.models import StaffMember

from .. import rules as review_rules
from ..models import (
    Observation,
)
from ..permissions import ReviewAction
from ._common import (
    ObservationNeedsConfirmation,
    ReviewError,
    _lock_cycle,
    _require,
    _require_open,
    _with_actor,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ObservationInput:
    observer: StaffMember
    observed_at: dt.datetime
    duration_minutes: int
    kind: str
    focus: str = ""
    advance_notice_given: bool = False
    concerns_arose: bool = False


def _minutes_used(cycle: AppraisalCycle) -> int:
    used = Observation.objects.filter(cycle=cycle, usable_for_appraisal=True).aggregate(
        total=Sum("duration_minutes")
    )["total"]
    return int(used or 0)


def _formal_count(cycle: AppraisalCycle) -> int:
    return Observation.objects.filter(cycle=cycle, kind__in=review_rules.PLANNED_KINDS).count()


@transaction.atomic
def observation_record(
    *,
    actor: User,
    cycle: AppraisalCycle,
    data: ObservationInput,
    confirm_warnings: bool = False,
) -> Observation:
    """Record an observation of the appraisee, with the pinned policy's rules enforced.

    Refused: an observer of a teacher without QTS (classic §5.2.2, aspire §7.3), a total
    beyond the yearly cap (aspire §7.2). Needs confirming: more formal observations than
    the policy normally allows (staploe). Kept out of appraisal evidence: kinds the policy
    does not use (classic §5.2.6, aspire §7.4). Feedback due dates come from the academy's
    working calendar (classic §5.2.4, staploe's 48 hours).
    """
    _require(actor, ReviewAction.RECORD_OBSERVATION, cycle)
    cycle = _lock_cycle(cycle)
    _require_open(cycle)
    observer = data.observer
    if observer.trust_id != cycle.trust_id:
        raise ReviewError("Choose an observer from your trust.")
    if timezone.is_naive(data.observed_at):
        raise ReviewError("Enter when the observation took place.")
    if data.observed_at > timezone.now() + dt.timedelta(minutes=5):
        raise ReviewError("An observation is recorded after it has taken place, not before.")
    outside = order.outside_cycle(
        timezone.localtime(data.observed_at).date(),
        starts_on=cycle.starts_on,
        ends_on=cycle.ends_on,
    )
    if outside is not None:
        raise ReviewError(outside, field="observed_at")
    rules = cycle.policy_version.rules
    appraisee = cycle.appraisee
    facts = review_rules.ObservationFacts(
        kind=data.kind,
        duration_minutes=data.duration_minutes,
        appraisee_is_teacher=review_rules.appraisee_is_teacher(
            staff_group=appraisee.staff_group, has_qts=appraisee.has_qts
        ),
        observer_has_qts=observer.has_qts,
        observer_is_appraisee=observer.pk == appraisee.pk,
        advance_notice_given=data.advance_notice_given,
        concerns_arose=data.concerns_arose,
        minutes_used_this_year=_minutes_used(cycle),
        formal_this_cycle=_formal_count(cycle),
    )
    breaches = review_rules.check_observation(rules, facts)
    refusals = [b.message for b in breaches if b.refuses]
    if refusals:
        raise ReviewError(" ".join(refusals))
    warnings = [b.message for b in breaches if not b.refuses]
    if warnings and not confirm_warnings:
        raise ObservationNeedsConfirmation(warnings)
    use = review_rules.appraisal_use(rules, facts)
    # Feedback deadlines belong to appraisal observations (classic §5.2.4 "after a formal
    # observation"): an Ofsted or monitoring visit owes none under this policy.
    due = review_rules.FeedbackDue()
    if use.usable:
        day = timezone.localtime(data.observed_at).date()
        calendar = load_calendar(cycle.academy_id, day, day)
        due = review_rules.feedback_due(rules, data.observed_at, calendar)
    observation = Observation(
        trust_id=cycle.trust_id,
        cycle=cycle,
        observer=observer,
        observed_at=data.observed_at,
        duration_minutes=data.duration_minutes,
        kind=data.kind,
        focus=data.focus,
        advance_notice_given=data.advance_notice_given,
        concerns_arose=data.concerns_arose,
        usable_for_appraisal=use.usable,
        not_usable_reason=use.reason,
        verbal_feedback_due_at=due.verbal,
        written_feedback_due_at=due.written,
        feedback_due_at=due.any_feedback,
        recorded_by=actor,
    )
    _with_actor(observation, actor)
    observation.save()
    return observation


@transaction.atomic
def observation_record_feedback(
    *,
    actor: User,
    observation: Observation,
    verbal_feedback_at: dt.datetime | None,
    written_feedback_at: dt.datetime | None,
    feedback_notes: str,
) -> Observation:
    """Record when spoken and written feedback were given."""
    _require(
        actor,
        ReviewAction.RECORD_OBSERVATION,
        observation.cycle,
        "Only the reviewer or the academy's leads record feedback.",
    )
    observation = Observation.objects.select_for_update(of=("self",)).get(pk=observation.pk)
    for given in (verbal_feedback_at, written_feedback_at):
        if given is not None and given < observation.observed_at:
            raise ReviewError("Feedback is given after the observation, not before it.")
        if given is not None and given > timezone.now() + dt.timedelta(minutes=5):
            raise ReviewError("Record feedback once it has been given, not in advance.")
    observation.verbal_feedback_at = verbal_feedback_at
    observation.written_feedback_at = written_feedback_at
    observation.feedback_notes = feedback_notes
    _with_actor(observation, actor)
    observation.save(update_fields=["verbal_feedback_at", "written_feedback_at", "feedback_notes"])
    return observation
