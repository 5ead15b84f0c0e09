"""The to-do steps of this app's deadlines (``reminders.extensions.StepSource``): the
annual review and its statement, a change moderation asked for, and feedback on each
observation, each opening its own form. Two queries at most whatever the number of
deadlines (the observations with feedback due; the reviews moderation asked to change).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from reminders.extensions import Step

from .deadlines import MODERATION_CHANGE
from .models import AnnualReview, Observation

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

KINDS = frozenset({"annual_review", "statement", MODERATION_CHANGE, *_OBSERVATION_DUE})


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
    # Reviews moderation asked to change: still completed (reopen it first) or reopened.
    changing = {d.cycle_id for d in deadlines if d.kind == MODERATION_CHANGE}
    still_completed = (
        set(
            AnnualReview.objects.filter(
                cycle_id__in=changing, completed_at__isnull=False
            ).values_list("cycle_id", flat=True)
        )
        if changing
        else set()
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
        elif deadline.kind == MODERATION_CHANGE:
            # Waiting for the reviewer from the moment moderation asks.
            if cycle.pk in still_completed:
                step = Step(
                    REVIEWER,
                    f"Reopen {name}'s annual review: moderation asked for a change",
                    reverse("reviews:review_reopen", args=[cycle.pk]),
                    ready=True,
                )
            else:
                step = Step(
                    REVIEWER,
                    f"Change {name}'s annual review as moderation asked and complete it again",
                    review_url,
                    ready=True,
                )
            found[deadline] = [step]
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
