"""The to-do steps of this app's deadlines (``reminders.extensions.StepSource``): the
annual review and its statement, and feedback on each observation, each opening its own
form. One query whatever the number of deadlines (the observations with feedback due).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from reminders.extensions import Step

from .models import Observation

if TYPE_CHECKING:
    import datetime as dt

    from cycles.deadlines import Deadline
    from cycles.models import AppraisalCycle

REVIEWER = "reviewer"

# Each observation deadline kind: the due-by field it was timed from.
_OBSERVATION_DUE = {
    "observation_feedback": "feedback_due_at",
    "observation_verbal_feedback": "verbal_feedback_due_at",
    "observation_written_feedback": "written_feedback_due_at",
}

KINDS = frozenset({"annual_review", "statement", *_OBSERVATION_DUE})


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def steps_for(
    deadlines: Sequence[Deadline], cycles: Mapping[int, AppraisalCycle], /
) -> Mapping[Deadline, Sequence[Step]]:
    found: dict[Deadline, Sequence[Step]] = {}
    watched = [d for d in deadlines if d.kind in _OBSERVATION_DUE and d.cycle_id in cycles]
    # (cycle, kind, due day) -> the observation it is about.
    observation_of: dict[tuple[int, str, dt.date | None], int] = {}
    if watched:
        for obs in Observation.objects.filter(cycle_id__in={d.cycle_id for d in watched}).only(
            "pk", "cycle_id", *_OBSERVATION_DUE.values()
        ):
            for kind, due_field in _OBSERVATION_DUE.items():
                observation_of.setdefault(
                    (obs.cycle_id, kind, _day(getattr(obs, due_field))), obs.pk
                )
    for deadline in deadlines:
        cycle = cycles.get(deadline.cycle_id or 0)
        if cycle is None:
            continue
        name = cycle.appraisee.full_name
        review_url = reverse("reviews:review_edit", args=[cycle.pk])
        if deadline.kind in ("annual_review", "statement"):
            # The statement is given by completing the review: one step for both (the
            # to-do shows the sooner).
            found[deadline] = [Step(REVIEWER, f"Complete {name}'s annual review", review_url)]
        elif deadline.kind in _OBSERVATION_DUE:
            pk = observation_of.get((cycle.pk, deadline.kind, deadline.due_on))
            url = (
                reverse("reviews:observation_feedback", args=[cycle.pk, pk])
                if pk is not None
                else reverse("cycles:detail", args=[cycle.pk])
            )
            what = deadline.label[:1].lower() + deadline.label[1:]
            found[deadline] = [Step(REVIEWER, f"{name}: {what}", url)]
    return found
