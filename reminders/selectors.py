"""Reads for reminders: which cycles the sweep looks at, who receives what, and a
person's own upcoming deadlines (the "My deadlines" page and the calendar feed)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from cycles.deadlines import (
    NO_DEADLINES_IN,
    Deadline,
    Subject,
    all_deadlines,
    recipient_label,
    recipients_by_subject,
)
from cycles.models import AppraisalCycle
from organisation.models import Role
from organisation.principal import Principal

from .extensions import deadline_cycle_sources
from .models import DispatchStatus, RecipientRole, ReminderDispatch

# Deadline kinds that say something about pay or wellbeing. They are reminded by email
# (to the person responsible) but never written into a calendar feed, whose address can be
# shared or synced to a personal device.
PRIVATE_KIND_PREFIXES: tuple[str, ...] = ("pay", "wellbeing")


def current_staff_q(prefix: str, on: dt.date) -> Q:
    """Staff who have not left by ``on`` (``left_on`` is their last day)."""
    return Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gt": on})


def cycles_for_sweep(on: dt.date) -> QuerySet[AppraisalCycle]:
    """Every cycle whose deadlines may earn a reminder on ``on``: not closed, appraisee
    still employed. A suspended cycle is in: ``all_deadlines`` asks only the sources that a
    suspension does not stop about it (capability or grievance stops the year's clock)."""
    return (
        AppraisalCycle.objects.exclude(state__in=NO_DEADLINES_IN)
        .filter(current_staff_q("appraisee__", on))
        .select_related("policy_version", "academy", "appraisee", "reviewer")
    )


def active_user_ids(user_ids: Iterable[int]) -> set[int]:
    return set(
        User.objects.filter(pk__in=set(user_ids), is_active=True).values_list("pk", flat=True)
    )


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
    role: str  # the recipient role the person holds for it, e.g. "reviewer"

    @property
    def whose(self) -> str:
        """Whose appraisal it belongs to, in words for the person reading."""
        if self.role == RecipientRole.APPRAISEE:
            return "Your appraisal"
        return self.cycle.appraisee.full_name

    @property
    def role_label(self) -> str:
        """The person's part in it, in words ("Reviewer"; an app's role by its label)."""
        if self.role in RecipientRole.values:
            return RecipientRole(self.role).label
        return recipient_label(self.role)

    @property
    def key(self) -> str:
        """Stable for the same item from day to day (a calendar event's uid): the cycle,
        the kind and the role, and the subject when it is not the cycle itself."""
        subject = self.deadline.subject
        about = "" if subject == Subject.of_cycle(self.cycle.pk) else f"-{subject.kind}{subject.pk}"
        return f"{self.cycle.pk}-{self.deadline.kind}-{self.role}{about}"

    @property
    def is_private(self) -> bool:
        return self.deadline.kind.startswith(PRIVATE_KIND_PREFIXES)


def my_deadlines(
    principal: Principal, *, on: dt.date | None = None, include_private: bool = True
) -> list[MyDeadline]:
    """Deadlines not yet done that this person is responsible for (holding their recipient
    role: appraisee, reviewer, headteacher...), on open cycles of their own trust in which
    they are appraisee or reviewer or at whose academy they are headteacher, soonest
    first. A fixed number of queries however many cycles."""
    on = on or timezone.localdate()
    if not principal.is_authenticated or principal.trust_id is None:
        return []
    staff = principal.staff
    heads = principal.academies_with(Role.HEADTEACHER)
    cond = Q(academy_id__in=heads) if heads else Q(pk__in=[])
    if staff is not None:
        cond |= Q(appraisee_id=staff.pk) | Q(reviewer_id=staff.pk)
    # Cycles an app puts this person on (a colleague asked for feedback); only the
    # deadlines whose recipient role resolves to them are listed below.
    for source in deadline_cycle_sources:
        cond |= source.cycles_for(principal)
    cycles: Sequence[AppraisalCycle] = list(
        AppraisalCycle.objects.filter(trust_id=principal.trust_id)
        .filter(cond)
        .exclude(state__in=NO_DEADLINES_IN)
        .filter(current_staff_q("appraisee__", on))
        .select_related("policy_version", "academy", "appraisee", "reviewer")
    )
    by_id = {c.pk: c for c in cycles}
    pending = [d for d in all_deadlines(cycles) if not d.done and d.cycle_id in by_id]
    holders = recipients_by_subject(pending, by_id, on=on)
    found: list[MyDeadline] = []
    for deadline in pending:
        if principal.user_id not in holders.get((deadline.subject, deadline.recipient), ()):
            continue
        item = MyDeadline(
            deadline=deadline,
            cycle=by_id[deadline.cycle_id],  # type: ignore[index]  # filtered above
            role=deadline.recipient,
        )
        if item.is_private and not include_private:
            continue
        found.append(item)
    found.sort(key=lambda m: (m.deadline.due_on, m.cycle.appraisee.last_name, m.deadline.kind))
    return found
