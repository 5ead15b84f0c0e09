"""Reads of probations shaped for the pages, and the question cycles asks: when does each
person's probation end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone

from organisation.models import StaffMember

from . import permissions, rules
from .models import RUNNING, Probation, ProbationEvent, ProbationReview

if TYPE_CHECKING:
    from organisation.principal import Principal

# Where nobody's policy says otherwise, how far back a start date may lie for HR's list of
# new staff to offer them a probation: the longest probation a policy may set.
LONGEST_PROBATION_MONTHS = 24


# ----- What opening a year asks --------------------------------------------------------


class _ProbationSource:
    """``cycles.extensions.ProbationSource``: each person's latest probation's last day (the
    end of a running one; for a decided one its end, or the day it was decided if that
    came first). One query."""

    def probation_ends(self, staff: QuerySet[StaffMember], /) -> Mapping[int, dt.date]:
        found: dict[int, dt.date] = {}
        for staff_id, status, ends_on, decided_on in (
            Probation.objects.filter(staff_id__in=staff.values("id"))
            .order_by("staff_id", "starts_on", "pk")
            .values_list("staff_id", "status", "ends_on", "decided_on")
        ):
            # Later rows replace earlier ones: the latest probation decides. A decided one
            # ended on its last day, or earlier when decided before it.
            if status not in RUNNING and decided_on is not None:
                found[staff_id] = min(ends_on, decided_on)
            else:
                found[staff_id] = ends_on
        return found


probation_source = _ProbationSource()


# ----- Lists ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ProbationRow:
    probation: Probation
    reviews_held: int
    next_review_due: dt.date | None

    @property
    def review_overdue(self) -> bool:
        due = self.next_review_due
        return due is not None and self.probation.is_running and due < timezone.localdate()


def _rows(qs: QuerySet[Probation]) -> list[ProbationRow]:
    """Rows for a list: the person, their academy and line manager, the number of review
    meetings held and when the next is due. Two queries whatever the number of rows (the
    policy versions are parsed once per version)."""
    found: list[ProbationRow] = []
    for probation in (
        qs.select_related("staff__academy", "staff__line_manager", "policy_version")
        .annotate(reviews_held=Count("reviews"))
        .order_by("ends_on", "staff__last_name", "pk")
    ):
        held: int = probation.reviews_held  # type: ignore[attr-defined]
        due = None
        if probation.is_running:
            due = rules.next_review_due(
                probation.policy_version.rules.scope, probation.starts_on, probation.ends_on, held
            )
        found.append(ProbationRow(probation=probation, reviews_held=held, next_review_due=due))
    return found


def own_probations(principal: Principal) -> list[ProbationRow]:
    """The signed-in member of staff's own probations."""
    if principal.staff is None:
        return []
    return _rows(permissions.visible_probations(principal).filter(staff_id=principal.staff.pk))


def has_own_probation(principal: Principal) -> bool:
    if not principal.is_authenticated or principal.staff is None:
        return False
    return Probation.objects.filter(
        trust_id=principal.tenant_id, staff_id=principal.staff.pk
    ).exists()


def managed_probations(principal: Principal, *, running_only: bool = False) -> list[ProbationRow]:
    """The probations of the people ``principal`` line-manages (or, for a headteacher,
    their academy's; for HR, the trust's), never their own."""
    qs = permissions.visible_probations(principal)
    if principal.staff is not None:
        qs = qs.exclude(staff_id=principal.staff.pk)
    if running_only:
        qs = qs.filter(status__in=RUNNING)
    return _rows(qs)


def line_managed_probations(principal: Principal) -> list[ProbationRow]:
    """Only the people ``principal`` line-manages themself."""
    if principal.staff is None:
        return []
    return _rows(
        permissions.visible_probations(principal).filter(staff__line_manager_id=principal.staff.pk)
    )


def trust_probations(principal: Principal, *, status: str = "") -> list[ProbationRow]:
    """HR's list of every probation in the trust, optionally of one status."""
    if not permissions.may_see_trust_list(principal):
        return []
    qs = permissions.visible_probations(principal)
    if status:
        qs = qs.filter(status=status)
    return _rows(qs)


def new_staff_without_probation(principal: Principal) -> list[StaffMember]:
    """New staff ``principal`` may start a probation for whose policy has one and who
    joined within its length, with no probation record yet: the people offered a
    probation on the lists. A fixed number of queries whatever the number of staff."""
    from policies.selectors import policy_versions_for_staff

    today = timezone.localdate()
    earliest = rules.add_months(today, -LONGEST_PROBATION_MONTHS)
    candidates = (
        permissions.startable_staff(principal)
        .filter(start_date__gte=earliest)
        .filter(~Exists(Probation.objects.filter(staff_id=OuterRef("pk"))))
        .order_by("start_date", "last_name", "pk")
    )
    staff = list(candidates.select_related("academy", "line_manager"))
    if not staff:
        return []
    versions = policy_versions_for_staff(
        StaffMember.objects.filter(pk__in=[s.pk for s in staff]), today
    )
    found: list[StaffMember] = []
    for member in staff:
        version = versions.get(member.pk)
        if version is None or not rules.has_probation(version.rules.scope):
            continue
        if rules.probation_ends_on(version.rules.scope, member.start_date) >= today:
            found.append(member)
    return found


# ----- One probation -------------------------------------------------------------------


@dataclass(frozen=True)
class DueReview:
    due_on: dt.date
    held_on: dt.date | None
    is_final: bool

    @property
    def overdue(self) -> bool:
        return self.held_on is None and self.due_on < timezone.localdate()


@dataclass(frozen=True)
class ProbationPage:
    probation: Probation
    reviews: list[ProbationReview]
    events: list[ProbationEvent]
    schedule: list[DueReview]
    may_extend: bool
    extension_months: int
    review_every_months: int


def probation_page(probation: Probation) -> ProbationPage:
    """What the probation page shows: the review meetings held, the ones the policy asks
    for and when, and what happened. Two queries."""
    scope = probation.policy_version.rules.scope
    reviews = list(ProbationReview.objects.filter(probation=probation, trust_id=probation.trust_id))
    events = list(
        ProbationEvent.objects.filter(probation=probation, trust_id=probation.trust_id)
        .select_related("actor")
        .order_by("at", "pk")
    )
    due = rules.review_due_dates(scope, probation.starts_on, probation.ends_on)
    schedule = [
        DueReview(
            due_on=day,
            held_on=reviews[i].held_on if i < len(reviews) else None,
            is_final=i == len(due) - 1,
        )
        for i, day in enumerate(due)
    ]
    return ProbationPage(
        probation=probation,
        reviews=reviews,
        events=events,
        schedule=schedule,
        may_extend=probation.is_running and not probation.is_extended and rules.may_extend(scope),
        extension_months=scope.probation_extension_months,
        review_every_months=scope.probation_review_every_months,
    )
