"""What the local governing body reads of its headteacher's appraisal (aspire §6.2): the
headteacher's professional development commitments, and nothing else of the record."""

from __future__ import annotations

from dataclasses import dataclass

from cycles.models import AppraisalCycle
from organisation.models import Role
from organisation.principal import Principal

from ..models import Conversation, DevelopmentPlan, PlanState
from ..permissions import may_read_headteacher_commitments


@dataclass(frozen=True)
class Commitment:
    heading: str
    text: str


@dataclass(frozen=True)
class HeadteacherCommitments:
    cycle: AppraisalCycle
    items: list[Commitment]


def headteacher_commitments(principal: Principal) -> list[HeadteacherCommitments]:
    """For each academy this person governs, its headteacher's latest appraisal year whose
    pinned policy shares the development commitments with governors: the growth areas and
    CPD activities of each conversation held (``Conversation``; never its notes or any
    wellbeing note) and the agreed development plan's development needs. A fixed number
    of queries (three) whatever the number of academies."""
    academies = principal.academies_with(Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS)
    if not principal.is_authenticated or not academies:
        return []
    latest: dict[int, AppraisalCycle] = {}
    for cycle in (
        AppraisalCycle.objects.filter(
            trust_id=principal.tenant_id, academy_id__in=academies, is_headteacher_cycle=True
        )
        .select_related("appraisee", "academy", "policy_version")
        .order_by("academy_id", "-starts_on", "-pk")
    ):
        latest.setdefault(cycle.academy_id, cycle)
    shown = [c for c in latest.values() if may_read_headteacher_commitments(principal, c)]
    if not shown:
        return []
    ids = [c.pk for c in shown]
    conversations: dict[int, list[Conversation]] = {}
    for conversation in Conversation.objects.filter(
        cycle_id__in=ids, held_on__isnull=False
    ).order_by("held_on", "pk"):
        conversations.setdefault(conversation.cycle_id, []).append(conversation)
    plans = {
        p.cycle_id: p
        for p in DevelopmentPlan.objects.filter(cycle_id__in=ids, state=PlanState.AGREED)
    }
    found = []
    for cycle in sorted(shown, key=lambda c: c.academy.name):
        items: list[Commitment] = []
        for conversation in conversations.get(cycle.pk, []):
            held = f"{conversation.held_on:%-d %B %Y}"
            for label, text in (
                ("Growth areas", conversation.growth_areas),
                ("Professional development", conversation.cpd_activities),
            ):
                if text.strip():
                    items.append(Commitment(f"{label} (conversation of {held})", text))
        plan = plans.get(cycle.pk)
        if plan is not None and plan.development_needs.strip():
            items.append(Commitment("Development needs (agreed plan)", plan.development_needs))
        found.append(HeadteacherCommitments(cycle=cycle, items=items))
    return found
