"""Reads for reminders: which cycles the sweep looks at, who receives what, and a
person's own upcoming deadlines (the "My deadlines" page and the calendar feed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cycles.deadlines import NO_DEADLINES_IN, Deadline, all_deadlines
from cycles.models import AppraisalCycle
from organisation.models import Role, RoleAssignment
from organisation.principal import Principal

from .models import DispatchStatus, RecipientRole, ReminderDispatch

# Deadline kinds that say something about pay or wellbeing. They are reminded by email
# (to the person responsible) but never written into a calendar feed, whose address can be
# shared or synced to a personal device.
PRIVATE_KIND_PREFIXES: tuple[str, ...] = ("pay", "wellbeing")


def current_staff_q(prefix: str, on: dt.date) -> Q:
    """Staff who have not left by ``on`` (``left_on`` is their last day)."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on})


def cycles_for_sweep(on: dt.date) -> QuerySet[AppraisalCycle]:
    """Every cycle whose deadlines may earn a reminder on ``on``: not closed, not suspended
    (capability or grievance stops the clock), appraisee still employed."""
    return (
        AppraisalCycle.objects.exclude(state__in=NO_DEADLINES_IN)
        .filter(current_staff_q("appraisee__", on))
        .select_related("policy_version", "academy", "appraisee", "reviewer")
    )


def headteachers_by_academy(
    academy_ids: Iterable[int], at: dt.datetime | None = None
) -> dict[int, list[int]]:
    """User ids holding an active headteacher role at each academy (one query)."""
    found: dict[int, list[int]] = {}
    rows = (
        RoleAssignment.objects.active(at)
        .filter(role=Role.HEADTEACHER, academy_id__in=set(academy_ids))
        .values_list("academy_id", "user_id")
        .order_by("academy_id", "user_id")
        .distinct()
    )
    for academy_id, user_id in rows:
        found.setdefault(academy_id, []).append(user_id)
    return found


def active_user_ids(user_ids: Iterable[int]) -> set[int]:
    return set(
        User.objects.filter(pk__in=set(user_ids), is_active=True).values_list("pk", flat=True)
    )


def recipients_for(
    deadline: Deadline,
    cycle: AppraisalCycle,
    *,
    on: dt.date,
    headteachers: dict[int, list[int]],
) -> list[int]:
    """User ids of the people a deadline is for. People with no account, reviewers who
    have left, and a headteacher being reminded about their own appraisal get nothing."""
    role = deadline.recipient
    if role == RecipientRole.APPRAISEE:
        user_id = cycle.appraisee.user_id
        return [user_id] if user_id else []
    if role == RecipientRole.REVIEWER:
        reviewer = cycle.reviewer
        if reviewer is None or reviewer.user_id is None:
            return []
        if reviewer.left_on is not None and reviewer.left_on <= on:
            return []
        return [reviewer.user_id]
    if role == RecipientRole.HEADTEACHER:
        own = cycle.appraisee.user_id
        return [u for u in headteachers.get(cycle.academy_id, []) if u != own]
    return []


def pending_recipient_ids(*, on: dt.date, stale_before: dt.datetime) -> list[int]:
    """People with reminders waiting to be sent: pending ones found up to ``on``, and ones
    claimed by a digest whose sender has not finished by ``stale_before`` (it died)."""
    return list(
        ReminderDispatch.objects.filter(
            Q(status=DispatchStatus.PENDING, remind_on__lte=on)
            | Q(status=DispatchStatus.SENDING, claimed_at__lt=stale_before)
        )
        .values_list("recipient_id", flat=True)
        .order_by("recipient_id")
        .distinct()
    )


# ----- A person's own deadlines ------------------------------------------------------


@dataclass(frozen=True)
class MyDeadline:
    deadline: Deadline
    cycle: AppraisalCycle
    role: RecipientRole

    @property
    def whose(self) -> str:
        """Whose appraisal it belongs to, in words for the person reading."""
        if self.role == RecipientRole.APPRAISEE:
            return "Your appraisal"
        return self.cycle.appraisee.full_name

    @property
    def is_private(self) -> bool:
        return self.deadline.kind.startswith(PRIVATE_KIND_PREFIXES)


def my_deadlines(
    principal: Principal, *, on: dt.date | None = None, include_private: bool = True
) -> list[MyDeadline]:
    """Deadlines not yet done that this person is responsible for (as appraisee, reviewer,
    or headteacher), on open cycles of their own trust, soonest first. A fixed number of
    queries however many cycles."""
    on = on or timezone.localdate()
    if not principal.is_authenticated or principal.trust_id is None:
        return []
    staff = principal.staff
    heads = principal.academies_with(Role.HEADTEACHER)
    cond = Q(academy_id__in=heads) if heads else Q(pk__in=[])
    if staff is not None:
        cond |= Q(appraisee_id=staff.pk) | Q(reviewer_id=staff.pk)
    cycles: Sequence[AppraisalCycle] = list(
        AppraisalCycle.objects.filter(trust_id=principal.trust_id)
        .filter(cond)
        .exclude(state__in=NO_DEADLINES_IN)
        .filter(current_staff_q("appraisee__", on))
        .select_related("policy_version", "academy", "appraisee", "reviewer")
    )
    by_id = {c.pk: c for c in cycles}
    staff_id = staff.pk if staff is not None else None
    found: list[MyDeadline] = []
    for deadline in all_deadlines(cycles):
        if deadline.done:
            continue
        cycle = by_id[deadline.cycle_id]
        role = RecipientRole(deadline.recipient)
        if role == RecipientRole.APPRAISEE:
            mine = staff_id is not None and cycle.appraisee_id == staff_id
        elif role == RecipientRole.REVIEWER:
            mine = staff_id is not None and cycle.reviewer_id == staff_id
        else:
            mine = cycle.academy_id in heads and cycle.appraisee.user_id != principal.user_id
        if not mine:
            continue
        item = MyDeadline(deadline=deadline, cycle=cycle, role=role)
        if item.is_private and not include_private:
            continue
        found.append(item)
    found.sort(key=lambda m: (m.deadline.due_on, m.cycle.appraisee.last_name, m.deadline.kind))
    return found
