"""Opening a year's cycles: one per member of staff the policy covers, dated and pinned
to the version in force when it starts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from organisation.models import Academy, Role, RoleAssignment, StaffMember, Trust
from policies.models import PolicyVersion

from .. import extensions, rules
from ..models import AppraisalCycle, CycleState, SuspensionReason
from ._common import _require_may_open

if TYPE_CHECKING:
    from accounts.models import User

# Cycles are written in batches of this many rows (and as many history rows): the number
# of queries grows with batches, never with people.
OPENING_BATCH_SIZE = 1000


@dataclass(frozen=True)
class PersonRef:
    staff_id: int
    name: str
    academy: str


@dataclass(frozen=True)
class ExcludedPerson:
    staff_id: int
    name: str
    academy: str
    reason: str
    label: str
    detail: str


@dataclass
class OpeningResult:
    """What opening a year did: cycles created, people who already had one, who was left
    out and why, and cycles opened with nobody to review them yet."""

    year: int
    created: list[AppraisalCycle] = field(default_factory=list)
    already_open: list[PersonRef] = field(default_factory=list)
    excluded: list[ExcludedPerson] = field(default_factory=list)
    without_reviewer: list[PersonRef] = field(default_factory=list)

    @property
    def created_count(self) -> int:
        return len(self.created)


def _academic_year_window(year: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, *rules.ACADEMIC_YEAR_START)
    return start, dt.date(year + 1, *rules.ACADEMIC_YEAR_START) - dt.timedelta(days=1)


def _staff_in_capability(staff_ids: QuerySet[StaffMember], trust: Trust) -> set[int]:
    """People the capability procedure applies to: their cycle is suspended for it, or an
    app that records capability (a registered ``CapabilitySource``) says so."""
    found = set(
        AppraisalCycle.objects.filter(
            trust=trust,
            state=CycleState.SUSPENDED,
            suspension_reason=SuspensionReason.CAPABILITY,
            appraisee_id__in=staff_ids.values("id"),
        ).values_list("appraisee_id", flat=True)
    )
    for source in extensions.capability_sources:
        found.update(source.staff_in_capability(staff_ids))
    return found


def _probation_ends(staff_ids: QuerySet[StaffMember]) -> dict[int, dt.date]:
    """The last day of probation by an app that records probation (a registered
    ``ProbationSource``), where it has a record; the staff record's own date otherwise."""
    found: dict[int, dt.date] = {}
    for source in extensions.probation_sources:
        found.update(source.probation_ends(staff_ids))
    return found


def _versions_by_policy(
    policy_ids: Iterable[int], until: dt.date
) -> dict[int, list[PolicyVersion]]:
    versions: dict[int, list[PolicyVersion]] = defaultdict(list)
    for version in (
        PolicyVersion.objects.filter(policy_id__in=set(policy_ids), effective_from__lte=until)
        .select_related("policy")
        .order_by("policy_id", "effective_from")
    ):
        versions[version.policy_id].append(version)
    return versions


def _in_force(versions: list[PolicyVersion], on: dt.date) -> PolicyVersion | None:
    found = None
    for version in versions:  # oldest first
        if version.effective_from <= on:
            found = version
    return found


def cycles_open(
    *,
    trust: Trust,
    year: int,
    actor: User | None,
    academy: Academy | None = None,
    today: dt.date | None = None,
) -> OpeningResult:
    """Open academic year ``year``'s cycles for one academy or the whole trust.

    One cycle per member of staff the policy covers, dated by their policy, pinned to the
    version in force when it starts, reviewed by their line manager (the headteacher's own
    cycle has no academy reviewer: the governors' committee is given access separately).
    Running it again opens only what is missing. A fixed number of queries however many
    staff, plus two per batch of ``OPENING_BATCH_SIZE`` cycles written."""
    from policies.selectors import policy_versions_for_staff

    _require_may_open(actor, trust, academy)
    today = today or timezone.localdate()
    window_start, window_end = _academic_year_window(year)
    result = OpeningResult(year=year)
    with transaction.atomic():
        # One opening at a time per trust, so two requests never create the same cycle.
        Trust.objects.select_for_update(of=("self",)).get(pk=trust.pk)
        staff_qs = StaffMember.objects.filter(trust=trust, start_date__lte=window_end).filter(
            Q(left_on__isnull=True) | Q(left_on__gte=window_start)
        )
        if academy is not None:
            staff_qs = staff_qs.filter(academy=academy)
        staff_rows = list(
            staff_qs.order_by("academy__name", "last_name", "first_name").values(
                "id",
                "academy_id",
                "academy__name",
                "first_name",
                "last_name",
                "user_id",
                "start_date",
                "contract_end_date",
                "left_on",
                "is_ect",
                "probation_ends_on",
                "line_manager_id",
            )
        )
        if not staff_rows:
            return result
        # Which policy governs each person: the assignment decides; the version is the one
        # in force when their cycle starts (picked below).
        assigned = policy_versions_for_staff(staff_qs, window_end)
        versions = _versions_by_policy((v.policy_id for v in assigned.values()), window_end)
        not_yet = _policies_not_yet_in_force(staff_qs.exclude(pk__in=list(assigned)), window_end)
        headteachers = set(
            RoleAssignment.objects.active()
            .filter(trust=trust, role=Role.HEADTEACHER)
            .values_list("user_id", "academy_id")
        )
        # The CEO is appraised like a headteacher, by a committee (of the board: aspire
        # §5.1, ``headteacher.ceo_appraised_by``), never by a line manager.
        executives = set(
            RoleAssignment.objects.active()
            .filter(trust=trust, role=Role.EXECUTIVE)
            .values_list("user_id", flat=True)
        )
        in_capability = _staff_in_capability(staff_qs, trust)
        probation_ends = _probation_ends(staff_qs)
        existing: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
        for appraisee_id, starts_on, ends_on in AppraisalCycle.objects.filter(
            trust=trust,
            appraisee_id__in=staff_qs.values("id"),
            ends_on__gte=window_start,
            starts_on__lte=window_end + dt.timedelta(days=731),
        ).values_list("appraisee_id", "starts_on", "ends_on"):
            existing[appraisee_id].append((starts_on, ends_on))
        academy_ids = {row["academy_id"] for row in staff_rows}
        academies = _academy_terms(academy_ids, year)

        to_create: list[AppraisalCycle] = []
        for row in staff_rows:
            person = PersonRef(
                staff_id=row["id"],
                name=f"{row['first_name']} {row['last_name']}".strip(),
                academy=row["academy__name"],
            )
            facts = rules.StaffFacts(
                staff_id=row["id"],
                start_date=row["start_date"],
                contract_end_date=row["contract_end_date"],
                left_on=row["left_on"],
                is_ect=row["is_ect"],
                probation_ends_on=probation_ends.get(row["id"], row["probation_ends_on"]),
                in_capability=row["id"] in in_capability,
                is_headteacher=(row["user_id"], row["academy_id"]) in headteachers
                or row["user_id"] in executives,
                line_manager_id=row["line_manager_id"],
            )
            outcome, version = _plan_with_version(
                facts,
                assigned.get(row["id"]),
                versions,
                year,
                academies[row["academy_id"]],
                today,
                not_yet=not_yet.get(row["id"]),
            )
            if isinstance(outcome, rules.Exclusion):
                result.excluded.append(
                    ExcludedPerson(
                        staff_id=person.staff_id,
                        name=person.name,
                        academy=person.academy,
                        reason=outcome.reason.value,
                        label=outcome.label,
                        detail=outcome.detail,
                    )
                )
                continue
            if any(s <= outcome.ends_on and e >= outcome.starts_on for s, e in existing[row["id"]]):
                result.already_open.append(person)
                continue
            assert version is not None
            if outcome.reviewer_id is None and not outcome.is_headteacher_cycle:
                result.without_reviewer.append(person)
            to_create.append(
                AppraisalCycle(
                    trust_id=trust.pk,
                    academy_id=row["academy_id"],
                    appraisee_id=row["id"],
                    reviewer_id=outcome.reviewer_id,
                    policy_version=version,
                    starts_on=outcome.starts_on,
                    ends_on=outcome.ends_on,
                    state=CycleState.PLANNING,
                    is_headteacher_cycle=outcome.is_headteacher_cycle,
                    part_year_start=outcome.part_year_start,
                )
            )
        result.created = bulk_create_with_history(
            to_create,
            AppraisalCycle,
            batch_size=OPENING_BATCH_SIZE,
            default_user=actor,
            default_change_reason=f"Opened for {year} to {year + 1}",
        )
    return result


def _academy_terms(academy_ids: Iterable[int], year: int) -> dict[int, rules.AcademyFacts]:
    """Each academy's whole terms for the year and the next (three queries in all)."""
    from calendars.selectors import calendars_for

    first, last = _academic_year_window(year)
    calendars = calendars_for(academy_ids, first, last + dt.timedelta(days=366))
    return {
        academy_id: rules.academy_facts(calendar.terms, (year, year + 1, year + 2))
        for academy_id, calendar in calendars.items()
    }


def _policies_not_yet_in_force(
    staff_qs: QuerySet[StaffMember], window_end: dt.date
) -> dict[int, tuple[str, dt.date]]:
    """staff id -> (policy name, the day its first version takes effect) for staff whose
    group has a policy none of whose versions is in force by ``window_end``: they are
    left out because the policy starts later, not because none is assigned. Three
    queries, whatever the number of staff."""
    from policies.selectors import policy_versions_for_staff

    later = policy_versions_for_staff(staff_qs, dt.date.max)
    if not later:
        return {}
    first_from = dict(
        PolicyVersion.objects.filter(policy_id__in={v.policy_id for v in later.values()})
        .values("policy_id")
        .annotate(first=Min("effective_from"))
        .values_list("policy_id", "first")
    )
    return {
        staff_id: (version.policy.name, first_from[version.policy_id])
        for staff_id, version in later.items()
        if first_from.get(version.policy_id, window_end) > window_end
    }


def _plan_with_version(
    facts: rules.StaffFacts,
    assigned: PolicyVersion | None,
    versions: dict[int, list[PolicyVersion]],
    year: int,
    academy: rules.AcademyFacts,
    today: dt.date,
    *,
    not_yet: tuple[str, dt.date] | None = None,
) -> tuple[rules.CyclePlan | rules.Exclusion, PolicyVersion | None]:
    """The plan from the version in force on the day the cycle starts (a new version that
    takes effect between September and a January start governs that January cycle)."""
    if assigned is None and not_yet is not None:
        name, first = not_yet
        return rules.Exclusion(
            staff_id=facts.staff_id,
            reason=rules.ExclusionReason.NO_POLICY,
            detail=f"“{name}” applies to their staff group from {first.day} {first:%B %Y}, "
            "after this year's cycles start.",
        ), None
    if assigned is None:
        return rules.Exclusion(
            staff_id=facts.staff_id,
            reason=rules.ExclusionReason.NO_POLICY,
            detail="No appraisal policy is assigned to their staff group.",
        ), None
    version = assigned
    outcome = rules.cycle_plan_for(facts, version.rules, year, academy, today=today)
    for _ in range(2):  # a different version may move the start; settle in two steps
        if isinstance(outcome, rules.Exclusion):
            return outcome, None
        in_force = _in_force(versions.get(version.policy_id, []), outcome.starts_on)
        if in_force is None:
            return rules.Exclusion(
                staff_id=facts.staff_id,
                reason=rules.ExclusionReason.NO_POLICY,
                detail=f"No version of “{version.policy.name}” is in force on "
                f"{outcome.starts_on:%d %B %Y}.",
            ), None
        if in_force.pk == version.pk:
            return outcome, version
        version = in_force
        outcome = rules.cycle_plan_for(facts, version.rules, year, academy, today=today)
    if isinstance(outcome, rules.Exclusion):
        return outcome, None
    return outcome, version
