"""The to-do steps of support plan deadlines (``reminders.extensions.StepSource``): each
opens the plan's own page, where its meetings, letters and stages are recorded. The
deadline already names the plan and the person; no query."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.urls import reverse

from reminders.extensions import Step

from .deadlines import RECIPIENTS
from .retention import SUPPORT_PLAN

if TYPE_CHECKING:
    from cycles.deadlines import Deadline
    from cycles.models import AppraisalCycle

KINDS = frozenset(RECIPIENTS)


def steps_for(
    deadlines: Sequence[Deadline], cycles: Mapping[int, AppraisalCycle], /
) -> Mapping[Deadline, Sequence[Step]]:
    return {
        deadline: [
            Step(
                deadline.recipient,
                deadline.label,
                reverse("support_plans:plan_detail", args=[deadline.subject.pk]),
            )
        ]
        for deadline in deadlines
        if deadline.subject.kind == SUPPORT_PLAN
    }
