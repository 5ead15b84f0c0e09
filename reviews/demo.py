"""The demo year's observations, as far as the year has gone today: about a third of the
members of staff have had a lesson observed some weeks ago, with the spoken and written
feedback given; one in ten was observed in the last days, with feedback not yet due. Made
through the services a reviewer uses; a cycle that already has an observation is left as
it is, so running the demo again adds nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cycles.models import AppraisalCycle, CycleState

from . import services
from .models import Observation, ObservationKind

# Out of every ten cycles, by their place in the academy's list.
OBSERVED_WITH_FEEDBACK = {2, 5, 8}
OBSERVED_RECENTLY = {6}


def _weekday_on_or_before(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _at_ten(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def seed_observations(*, cycles: Sequence[AppraisalCycle], today: dt.date) -> int:
    """Observations for the demo's cycles (listed in a stable order); returns how many
    were recorded."""
    recorded = 0
    for place, cycle in enumerate(cycles):
        observer = cycle.reviewer
        if (
            observer is None
            or observer.user is None
            or cycle.state != CycleState.ACTIVE
            or place % 10 not in OBSERVED_WITH_FEEDBACK | OBSERVED_RECENTLY
            or Observation.objects.filter(cycle=cycle).exists()
        ):
            continue
        recent = place % 10 in OBSERVED_RECENTLY
        back = 1 if recent else 21 + place % 7
        day = _weekday_on_or_before(today - dt.timedelta(days=back))
        if day < cycle.starts_on or (recent and day >= today):
            continue
        observed_at = _at_ten(day)
        try:
            observation = services.observation_record(
                actor=observer.user,
                cycle=cycle,
                data=services.ObservationInput(
                    observer,
                    observed_at,
                    40,
                    ObservationKind.FORMAL,
                    "Questioning and pupils' independent work",
                    True,
                ),
                confirm_warnings=True,
            )
            if not recent:
                given = observed_at + dt.timedelta(hours=5)
                services.observation_record_feedback(
                    actor=observer.user,
                    observation=observation,
                    verbal_feedback_at=given,
                    written_feedback_at=given + dt.timedelta(days=1),
                    feedback_notes="Strengths: clear routines and well-paced questioning. "
                    "Next steps: more time for pupils to explain their reasoning.",
                )
        except (services.ReviewError, PermissionDenied):
            continue
        recorded += 1
    return recorded
