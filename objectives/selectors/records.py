"""Reading children through their cycle."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from cycles.models import AppraisalCycle
from policies.schema import Conversation as ConversationRule
from policies.schema import PolicySettings

from ..models import (
    Conversation,
    DevelopmentPlan,
    ImprovementPriority,
    Objective,
    ObjectiveComment,
    ObjectivePlan,
)


def objectives_for_cycle(cycle: AppraisalCycle) -> QuerySet[Objective]:
    return (
        Objective.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk)
        .select_related("shared")
        .prefetch_related(
            "priorities",
            Prefetch("comments", queryset=ObjectiveComment.objects.order_by("created_at", "pk")),
        )
    )


def plan_for(cycle: AppraisalCycle) -> ObjectivePlan | None:
    return ObjectivePlan.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk).first()


def development_plan_for(cycle: AppraisalCycle) -> DevelopmentPlan | None:
    return DevelopmentPlan.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk).first()


def conversation_rule(rules: PolicySettings, key: str) -> ConversationRule:
    for rule in rules.conversations.conversations:
        if rule.key == key:
            return rule
    raise Http404("No such conversation.")


def conversation_for(cycle: AppraisalCycle, key: str) -> Conversation | None:
    return Conversation.objects.filter(trust_id=cycle.trust_id, cycle_id=cycle.pk, key=key).first()


def priorities_for_cycle(cycle: AppraisalCycle) -> QuerySet[ImprovementPriority]:
    """Priorities an objective on ``cycle`` may align to: the trust's (TIP) and the
    academy's (AIP), for the academic years the cycle runs in."""
    first = cycle.starts_on.year - (1 if cycle.starts_on.month < 9 else 0)
    last = cycle.ends_on.year - (1 if cycle.ends_on.month < 9 else 0)
    return (
        ImprovementPriority.objects.filter(
            trust_id=cycle.trust_id, academic_year__range=(first, last)
        )
        .filter(Q(academy__isnull=True) | Q(academy_id=cycle.academy_id))
        .select_related("academy")
        .order_by("academy_id", "-academic_year", "code")
    )
