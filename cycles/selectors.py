"""Reads about cycles, shaped for the pages. Every one starts from ``visible_cycles`` so a
row the person may not see is never loaded, and each costs a fixed number of queries
however many cycles it lists."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from organisation.models import Academy, LineManagementPath, Role, RoleAssignment, StaffMember
from organisation.principal import Principal
from policies.schema import Decider, Reader

from .committee import MemberFacts
from .deadlines import Deadline, all_deadlines, deadlines_by_cycle, next_due, recipient_label
from .models import AppraisalCycle, CycleAccessGrant, CycleOpening, CycleState
from .permissions import (
    ACADEMY_LEADS,
    ADVISER_GRANT,
    COMMITTEE_GRANT,
    GOVERNING_ROLES,
    academies_for_opening,
    ceo_reads_headteacher,
    committee_cycles,
    is_ceo_cycle,
    listed_cycles,
    may_set_up_committee,
    policy_lists,
    visible_cycles,
)

RECIPIENT_LABELS = {
    "reviewer": "Reviewer",
    "appraisee": "Member of staff",
    "headteacher": "Headteacher",
}
OPEN_STATES = (CycleState.PLANNING, CycleState.ACTIVE, CycleState.REVIEW, CycleState.SUSPENDED)


def with_page_relations(qs: QuerySet[AppraisalCycle]) -> QuerySet[AppraisalCycle]:
    return qs.select_related(
        "academy",
        "appraisee",
        "appraisee__job_role",
        "reviewer",
        "policy_version",
        "policy_version__policy",
    )


@dataclass(frozen=True)
class DeadlineRow:
    deadline: Deadline
    status: str

    @property
    def recipient_label(self) -> str:
        role = self.deadline.recipient
        return RECIPIENT_LABELS.get(role) or recipient_label(role)


def deadline_rows(deadlines: Iterable[Deadline], today: dt.date) -> list[DeadlineRow]:
    return [DeadlineRow(deadline=d, status=d.status(today)) for d in deadlines]


@dataclass
class CycleRow:
    """One cycle in a list, with its next due item and how many are overdue."""

    cycle: AppraisalCycle
    next_item: Deadline | None = None
    overdue: list[Deadline] = field(default_factory=list)
    via: str = ""  # for a reviewer's manager: whose reviewee this is

    upcoming: Deadline | None = None  # the next item not yet overdue

    @property
    def next_status(self) -> str:
        return self.next_item.status() if self.next_item else ""

    @property
    def next_for(self) -> str:
        """Who the next item is for, in words ("reviewer", "member of staff")."""
        if self.next_item is None:
            return ""
        role = self.next_item.recipient
        return (RECIPIENT_LABELS.get(role) or recipient_label(role)).lower()


def _up_chain_reads(cycle: AppraisalCycle) -> bool:
    return policy_lists(cycle.policy_version.rules, Reader.REVIEWER_LINE_MANAGERS)


def _rows(cycles: Sequence[AppraisalCycle], today: dt.date) -> list[CycleRow]:
    grouped = deadlines_by_cycle(all_deadlines(cycles))
    rows = []
    for cycle in cycles:
        items = grouped.get(cycle.pk, [])
        rows.append(
            CycleRow(
                cycle=cycle,
                next_item=next_due(items),
                overdue=[d for d in items if d.is_overdue(today)],
                upcoming=next_due(d for d in items if not d.is_overdue(today)),
            )
        )
    return rows


# ----- My appraisal ----------------------------------------------------------------------


@dataclass
class MyAppraisal:
    current: list[CycleRow]
    past: list[AppraisalCycle]


def my_appraisal(principal: Principal, today: dt.date | None = None) -> MyAppraisal:
    """The signed-in person's own cycles: open ones with what is due, then past ones."""
    today = today or timezone.localdate()
    if principal.staff is None:
        return MyAppraisal(current=[], past=[])
    cycles = list(
        with_page_relations(
            visible_cycles(principal).filter(appraisee_id=principal.staff.pk)
        ).order_by("-starts_on")
    )
    current = [c for c in cycles if c.state != CycleState.CLOSED]
    past = [c for c in cycles if c.state == CycleState.CLOSED]
    return MyAppraisal(current=_rows(current, today), past=past)


# ----- My reviewees ----------------------------------------------------------------------


@dataclass
class Reviewees:
    mine: list[CycleRow]
    chain: list[CycleRow]


def reviewees(principal: Principal, *, include_closed: bool = False) -> Reviewees:
    """Cycles this person reviews, and (where the pinned policy lets line managers up the
    chain read them, staploe) the cycles reviewed by people they line-manage, each with the
    reviewer's next due item."""
    today = timezone.localdate()
    staff = principal.staff
    if staff is None:
        return Reviewees(mine=[], chain=[])
    qs = visible_cycles(principal)
    if not include_closed:
        qs = qs.filter(state__in=OPEN_STATES)
    below = LineManagementPath.objects.filter(manager_id=staff.pk, depth__gte=1).values("report_id")
    cycles = list(
        with_page_relations(
            qs.filter(Q(reviewer_id=staff.pk) | Q(reviewer_id__in=below)).exclude(
                appraisee_id=staff.pk
            )
        ).order_by("appraisee__last_name", "appraisee__first_name", "-starts_on")
    )
    # A headteacher sees every cycle of the academy anyway: "chain" lists only those whose
    # policy lets the reviewer's own managers read them (the academy overview has the rest).
    cycles = [c for c in cycles if c.reviewer_id == staff.pk or _up_chain_reads(c)]
    rows = _rows(cycles, today)
    mine = [r for r in rows if r.cycle.reviewer_id == staff.pk]
    chain = [r for r in rows if r.cycle.reviewer_id != staff.pk]
    for row in chain:
        row.via = row.cycle.reviewer.full_name if row.cycle.reviewer else ""
    return Reviewees(mine=mine, chain=chain)


# ----- Academy overview ------------------------------------------------------------------


def overview_academies(principal: Principal) -> QuerySet[Academy]:
    """Academies whose overview this person may see: HR every academy of the trust; a
    headteacher or delegated appraisal lead their own."""
    if not principal.is_authenticated:
        return Academy.objects.none()
    academies = Academy.objects.filter(trust_id=principal.tenant_id)
    if principal.is_hr:
        return academies
    return academies.filter(pk__in=principal.academies_with(*ACADEMY_LEADS))


@dataclass
class AcademyOverview:
    academy: Academy
    counts: list[tuple[str, str, int]]  # (state, label, count)
    total: int
    overdue_count: int
    rows: list[CycleRow]
    state: str


def academy_cycles(principal: Principal, academy: Academy) -> QuerySet[AppraisalCycle]:
    """The academy's cycles this person may see (other than their own) that are open, or
    closed in the last year: those they read and those they administer (HR and the
    academy's leads list every cycle they run, whether or not the policy lets them read
    its record)."""
    recent = timezone.localdate() - dt.timedelta(days=365)
    cycles = (
        listed_cycles(principal)
        .filter(trust_id=principal.tenant_id)
        .filter(Q(state__in=OPEN_STATES) | Q(ends_on__gte=recent), academy=academy)
    )
    if principal.staff is not None:
        # Their own appraisal is on "My appraisal", not in the list of those they manage.
        cycles = cycles.exclude(appraisee_id=principal.staff.pk)
    return cycles


def academy_overview(
    principal: Principal, academy: Academy, cycles: Sequence[AppraisalCycle], state: str
) -> AcademyOverview:
    """Counts per stage over the academy's cycles, and the rows of one page of them (with
    what is overdue). ``cycles`` is the page being shown."""
    today = timezone.localdate()
    counter = Counter(academy_cycles(principal, academy).values_list("state", flat=True))
    counts = [(s.value, s.label, counter.get(s.value, 0)) for s in CycleState]
    rows = _rows(cycles, today)
    return AcademyOverview(
        academy=academy,
        counts=counts,
        total=sum(counter.values()),
        overdue_count=sum(1 for r in rows if r.overdue),
        rows=rows,
        state=state,
    )


# ----- Openings and access grants --------------------------------------------------------


def recent_openings(principal: Principal, limit: int = 10) -> list[CycleOpening]:
    """Openings this person can see the outcome of: HR all of the trust's; an academy's
    leads their academy's."""
    qs = CycleOpening.objects.filter(trust_id=principal.tenant_id).select_related(
        "academy", "requested_by"
    )
    academies = academies_for_opening(principal)
    if academies is not None:
        qs = qs.filter(academy_id__in=academies)
    return list(qs.order_by("-requested_at")[:limit])


def opening_for(principal: Principal, opening_id: int) -> CycleOpening | None:
    qs = CycleOpening.objects.filter(trust_id=principal.tenant_id, pk=opening_id)
    academies = academies_for_opening(principal)
    if academies is not None:
        qs = qs.filter(academy_id__in=academies)
    return qs.select_related("academy", "requested_by").first()


def grants_for(cycle: AppraisalCycle) -> list[CycleAccessGrant]:
    return list(
        CycleAccessGrant.objects.filter(cycle=cycle)
        .select_related("user", "granted_by")
        .order_by("-granted_at")
    )


# ----- A leader's review committee ---------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Someone who may be offered a seat on a leader's review committee."""

    user: User
    facts: MemberFacts

    @property
    def described(self) -> str:
        roles = []
        if self.facts.is_chair:
            roles.append("chair of governors")
        elif self.facts.is_governor:
            roles.append("governor")
        if self.facts.is_trustee:
            roles.append("trustee")
        if self.facts.is_ceo:
            roles.append("CEO")
        return ", ".join(roles)


def committee_candidates(cycle: AppraisalCycle) -> list[Candidate]:
    """The accounts that may sit on ``cycle``'s committee, in one query: the academy's
    governors (the chair among them), the trust's trustees, and the CEO where the policy
    puts the CEO on it; for the CEO's own cycle, trustees only. Nobody who works at the
    academy (the headteacher manages them) and never the appraisee."""
    ceo_cycle = is_ceo_cycle(cycle)
    wanted = Q(role=Role.TRUSTEE)
    if not ceo_cycle:
        wanted |= Q(academy_id=cycle.academy_id, role__in=GOVERNING_ROLES)
        if ceo_reads_headteacher(cycle.policy_version.rules):
            wanted |= Q(role=Role.EXECUTIVE)
    rows = (
        RoleAssignment.objects.active()
        .filter(wanted, trust_id=cycle.trust_id, user__is_active=True)
        .exclude(user_id=cycle.appraisee.user_id or 0)
        .exclude(
            user_id__in=StaffMember.objects.filter(
                academy_id=cycle.academy_id, user_id__isnull=False
            ).values("user_id")
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    roles: dict[int, set[str]] = {}
    users: dict[int, User] = {}
    for row in rows:
        users.setdefault(row.user_id, row.user)
        roles.setdefault(row.user_id, set()).add(row.role)
    return [
        Candidate(
            user=user,
            facts=MemberFacts(
                name=user.get_full_name() or user.email,
                is_chair=Role.CHAIR_OF_GOVERNORS in roles[pk],
                is_governor=bool(roles[pk] & set(GOVERNING_ROLES)),
                is_trustee=Role.TRUSTEE in roles[pk],
                is_ceo=Role.EXECUTIVE in roles[pk],
            ),
        )
        for pk, user in users.items()
    ]


@dataclass(frozen=True)
class LeaderReview:
    cycle: AppraisalCycle
    sets_up: bool  # sets up its committee (HR, the chair)
    as_member: bool  # sits on its committee
    as_adviser: bool


def leader_reviews(principal: Principal) -> list[LeaderReview]:
    """The leaders' appraisals this person takes part in, in a fixed number of queries:
    those whose committee they set up, and those they sit on or advise."""
    if not principal.is_authenticated:
        return []
    now = timezone.now()
    grants = CycleAccessGrant.objects.filter(
        user_id=principal.user_id or 0,
        revoked_at__isnull=True,
        expires_at__gt=now,
        cycle__in=visible_cycles(principal),
    ).values_list("cycle_id", "permission")
    held: dict[int, set[str]] = {}
    for cycle_id, permission in grants:
        held.setdefault(cycle_id, set()).add(permission)
    sets_up = set(committee_cycles(principal).values_list("pk", flat=True))
    cycles = with_page_relations(
        AppraisalCycle.objects.filter(pk__in=sets_up | set(held)).exclude(state=CycleState.CLOSED)
    ).order_by("academy__name", "-starts_on")
    return [
        LeaderReview(
            cycle=cycle,
            sets_up=cycle.pk in sets_up,
            as_member=COMMITTEE_GRANT in held.get(cycle.pk, set()),
            as_adviser=ADVISER_GRANT in held.get(cycle.pk, set()),
        )
        for cycle in cycles
    ]


@dataclass(frozen=True)
class LeaderSummary:
    """The reviewer line of a leader's cycle page: its committee and adviser by name."""

    is_ceo: bool
    ceo_appraised_by: str
    members: list[str]
    adviser: str
    objectives_set_by: str
    sets_up: bool


def leader_summary(principal: Principal, cycle: AppraisalCycle) -> LeaderSummary:
    headteacher = cycle.policy_version.rules.headteacher
    now = timezone.now()
    names: dict[str, list[str]] = {COMMITTEE_GRANT: [], ADVISER_GRANT: []}
    for grant in (
        CycleAccessGrant.objects.filter(cycle=cycle, revoked_at__isnull=True, expires_at__gt=now)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    ):
        names.setdefault(grant.permission, []).append(
            grant.user.get_full_name() or grant.user.email
        )
    ceo = is_ceo_cycle(cycle)
    sets_objectives = headteacher.objectives_set_by
    return LeaderSummary(
        is_ceo=ceo,
        ceo_appraised_by=headteacher.ceo_appraised_by,
        members=names[COMMITTEE_GRANT],
        adviser=", ".join(names[ADVISER_GRANT]),
        # headteacher.objectives_set_by: said for the headteacher, not for the CEO.
        objectives_set_by="" if ceo or sets_objectives == Decider.NOBODY else sets_objectives.label,
        sets_up=may_set_up_committee(principal, cycle),
    )
