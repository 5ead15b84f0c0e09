"""Every write to appraisal cycles: opening a year, moving a cycle between stages,
changing its reviewer or first period, and exceptional per-cycle access.

Each workflow change follows the same steps: check the actor may do it, lock the row,
check the move is allowed by the pinned policy, save only the changed fields, record the
actor and reason in history, and queue any follow-up work once the change is committed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from organisation.models import Academy, Role, RoleAssignment, StaffMember, Trust
from organisation.principal import principal_for
from policies.models import PolicyVersion
from policies.schema import PartYearStart

from . import extensions, permissions, rules
from .models import (
    AppraisalCycle,
    CycleAccessGrant,
    CycleOpening,
    CycleState,
    CycleUserObjectPermission,
    OpeningStatus,
    SuspensionReason,
)

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# The exceptional, per-cycle grants: what each lets its holder do.
GRANT_PERMISSIONS = {
    "view_cycle_as_adviser": "External adviser (read only)",
    "review_headteacher_cycle": "Member of the headteacher's review committee",
}


class CycleError(Exception):
    """A refused change to a cycle, with a message fit to show on the page."""


@transaction.atomic
def cycle_grant_access(
    *,
    cycle: AppraisalCycle,
    user: User,
    permission: str,
    expires_at: dt.datetime,
    reason: str,
    granted_by: User,
) -> CycleAccessGrant:
    """Let one person (an external adviser, a review committee member) into one cycle
    until ``expires_at``. Recorded with who granted it and why. Only the grants
    ``permissions.access_grant_refusal`` allows: the headteacher's own cycle, to the people
    each kind is for."""
    if user.trust_id != cycle.trust_id:
        raise CycleError("Access can only be granted to an account of the same trust.")
    refusal = permissions.access_grant_refusal(cycle=cycle, user=user, permission=permission)
    if refusal is not None:
        raise CycleError(refusal)
    if expires_at <= timezone.now():
        raise CycleError("The access must end in the future.")
    if not reason.strip():
        raise CycleError("Say why this person needs access.")
    # Lock the cycle so two grants sent at the same moment are decided one after the other:
    # one open grant per person and kind, so revoking it always ends the access.
    AppraisalCycle.objects.select_for_update(of=("self",)).filter(pk=cycle.pk).first()
    current = CycleAccessGrant.objects.filter(
        cycle=cycle,
        user=user,
        permission=permission,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).first()
    if current is not None:
        ends = timezone.localtime(current.expires_at)
        raise CycleError(
            f"{user} already has this access until {ends.day} {ends:%B %Y}. "
            "Withdraw it first to change it."
        )
    grant = CycleAccessGrant(
        cycle=cycle,
        user=user,
        permission=permission,
        granted_by=granted_by,
        reason=reason.strip(),
        expires_at=expires_at,
    )
    grant._history_user = granted_by  # type: ignore[attr-defined]
    grant.save()
    perm = Permission.objects.get(
        content_type=ContentType.objects.get_for_model(AppraisalCycle), codename=permission
    )
    # One guardian row per (user, permission, cycle): the newest grant carries it.
    CycleUserObjectPermission.objects.filter(
        user=user, permission=perm, content_object=cycle
    ).delete()
    CycleUserObjectPermission.objects.create(
        user=user, permission=perm, content_object=cycle, grant=grant
    )
    return grant


@transaction.atomic
def cycle_revoke_access(*, grant: CycleAccessGrant, revoked_by: User) -> CycleAccessGrant:
    grant = CycleAccessGrant.objects.select_for_update(of=("self",)).get(pk=grant.pk)
    if grant.revoked_at is None:
        grant.revoked_at = timezone.now()
        grant._history_user = revoked_by  # type: ignore[attr-defined]
        grant.save(update_fields=["revoked_at"])
        CycleUserObjectPermission.objects.filter(grant=grant).delete()
    return grant


def expire_access_grants(*, now: dt.datetime | None = None) -> int:
    """Delete guardian rows of expired grants, so guardian's own checks agree with ours.
    (Access decisions already ignore expired grants; this only tidies.)"""
    now = now or timezone.now()
    deleted, _ = CycleUserObjectPermission.objects.filter(grant__expires_at__lte=now).delete()
    return deleted


# ----- Opening a year's cycles -----------------------------------------------------------

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


def _require_may_open(actor: User | None, trust: Trust, academy: Academy | None) -> None:
    if academy is not None and academy.trust_id != trust.pk:
        raise CycleError("Choose one of the trust's academies.")
    if actor is None:
        return  # a command or a task acting for a request that was already checked
    principal = principal_for(actor)
    if principal.trust_id != trust.pk or not permissions.may_open_cycles(
        principal, academy.pk if academy else None
    ):
        raise CycleError(
            "Only HR can open cycles for the whole trust; a headteacher can open them for "
            "their own academy."
        )


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
        headteachers = set(
            RoleAssignment.objects.active()
            .filter(trust=trust, role=Role.HEADTEACHER)
            .values_list("user_id", "academy_id")
        )
        in_capability = _staff_in_capability(staff_qs, trust)
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
                probation_ends_on=row["probation_ends_on"],
                in_capability=row["id"] in in_capability,
                is_headteacher=(row["user_id"], row["academy_id"]) in headteachers,
                line_manager_id=row["line_manager_id"],
            )
            outcome, version = _plan_with_version(
                facts,
                assigned.get(row["id"]),
                versions,
                year,
                academies[row["academy_id"]],
                today,
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


def _plan_with_version(
    facts: rules.StaffFacts,
    assigned: PolicyVersion | None,
    versions: dict[int, list[PolicyVersion]],
    year: int,
    academy: rules.AcademyFacts,
    today: dt.date,
) -> tuple[rules.CyclePlan | rules.Exclusion, PolicyVersion | None]:
    """The plan from the version in force on the day the cycle starts (a new version that
    takes effect between September and a January start governs that January cycle)."""
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


# ----- Opening in the background ---------------------------------------------------------


def cycle_opening_request(
    *, trust: Trust, year: int, actor: User, academy: Academy | None = None
) -> CycleOpening:
    """Record a request to open ``year``'s cycles. One academy opens at once; the whole
    trust is queued (its page shows progress, then the outcome)."""
    _require_may_open(actor, trust, academy)
    opening = CycleOpening.objects.create(
        trust=trust, academy=academy, year=year, requested_by=actor
    )
    if academy is None:
        from .tasks import open_cycles

        open_cycles.delay_on_commit(opening.pk)  # type: ignore[attr-defined]
    else:
        cycle_opening_run(opening_id=opening.pk)
        opening.refresh_from_db()
    return opening


# A run that has said "running" for this long was lost with its worker: try it again.
STALE_OPENING_AFTER = dt.timedelta(hours=1)


def cycle_opening_run(*, opening_id: int) -> CycleOpening | None:
    """Carry out a queued opening. Claims the row first, so a task delivered twice opens
    once; returns None when there was nothing to do."""
    now = timezone.now()
    claimed = (
        CycleOpening.objects.filter(pk=opening_id)
        .filter(
            Q(status=OpeningStatus.QUEUED)
            | Q(status=OpeningStatus.RUNNING, started_at__lt=now - STALE_OPENING_AFTER)
        )
        .update(status=OpeningStatus.RUNNING, started_at=now)
    )
    if not claimed:
        return None
    opening = CycleOpening.objects.select_related("trust", "academy", "requested_by").get(
        pk=opening_id
    )
    try:
        result = cycles_open(
            trust=opening.trust,
            academy=opening.academy,
            year=opening.year,
            actor=opening.requested_by,
        )
    except CycleError as exc:
        opening.status, opening.error = OpeningStatus.FAILED, str(exc)[:300]
    except Exception:
        logger.exception("Opening cycles failed (opening %s)", opening_id)
        opening.status = OpeningStatus.FAILED
        opening.error = "Something went wrong and no cycles were opened. Try again later."
    else:
        opening.status = OpeningStatus.DONE
        opening.created_count = result.created_count
        opening.already_open_count = len(result.already_open)
        opening.excluded_count = len(result.excluded)
        opening.excluded = [vars(person) for person in result.excluded]
        opening.without_reviewer = [vars(person) for person in result.without_reviewer]
    opening.finished_at = timezone.now()
    opening.save(
        update_fields=[
            "status",
            "error",
            "created_count",
            "already_open_count",
            "excluded_count",
            "excluded",
            "without_reviewer",
            "finished_at",
        ]
    )
    return opening


# ----- Stages ----------------------------------------------------------------------------

S = CycleState
REVIEWER = "reviewer"  # the reviewer may make the move (and so may whoever manages)
MANAGER = "manager"  # only whoever manages the cycle: HR, the academy's leads


@dataclass(frozen=True)
class Move:
    label: str
    by: str
    needs_reason: bool = False


# Every allowed move. A suspended cycle resumes at the stage it was suspended from.
TRANSITIONS: dict[tuple[str, str], Move] = {
    (S.PLANNING, S.ACTIVE): Move("Start the appraisal year", REVIEWER),
    (S.ACTIVE, S.REVIEW): Move("Begin the annual review", REVIEWER),
    (S.REVIEW, S.CLOSED): Move("Close the appraisal year", MANAGER),
    (S.PLANNING, S.SUSPENDED): Move("Suspend appraisal", MANAGER, needs_reason=True),
    (S.ACTIVE, S.SUSPENDED): Move("Suspend appraisal", MANAGER, needs_reason=True),
    (S.REVIEW, S.SUSPENDED): Move("Suspend appraisal", MANAGER, needs_reason=True),
    (S.SUSPENDED, S.PLANNING): Move("Resume appraisal", MANAGER),
    (S.SUSPENDED, S.ACTIVE): Move("Resume appraisal", MANAGER),
    (S.SUSPENDED, S.REVIEW): Move("Resume appraisal", MANAGER),
}


def suspension_reasons_allowed(cycle: AppraisalCycle) -> list[SuspensionReason]:
    """Why this cycle's policy lets appraisal pause: capability always stops appraisal
    (suspended, classic §6.12.4 and staploe; or no longer applies, aspire §12, leger §10);
    a grievance only where the policy says so (staploe, Grievance)."""
    allowed = [SuspensionReason.CAPABILITY]
    if cycle.policy_version.rules.support.suspend_for_grievance:
        allowed.append(SuspensionReason.GRIEVANCE)
    return allowed


def move_refusal(cycle: AppraisalCycle, to: str) -> str | None:
    """Why the cycle cannot move to ``to`` now, or None if it can (whoever asks)."""
    current = CycleState(cycle.state)
    try:
        target = CycleState(to)
    except ValueError:
        return "Choose a stage."
    if (current, target) not in TRANSITIONS:
        return f"A cycle at “{current.label}” cannot move to “{target.label}”."
    if current == S.SUSPENDED and target != cycle.suspended_from:
        resume = CycleState(cycle.suspended_from).label if cycle.suspended_from else "?"
        return f"A suspended cycle resumes at the stage it was suspended from ({resume})."
    return None


def _may_move(actor: User | None, cycle: AppraisalCycle, move: Move) -> bool:
    if actor is None:
        return True
    principal = principal_for(actor)
    if move.by == REVIEWER:
        return permissions.may_move_as_reviewer(principal, cycle)
    return permissions.can(principal, permissions.CycleAction.MANAGE, cycle)


def moves_for(actor: User, cycle: AppraisalCycle) -> list[tuple[str, Move]]:
    """The moves ``actor`` may make to ``cycle`` now, for buttons on its page."""
    return [
        (to, move)
        for (frm, to), move in TRANSITIONS.items()
        if frm == cycle.state and move_refusal(cycle, to) is None and _may_move(actor, cycle, move)
    ]


@transaction.atomic
def cycle_transition(
    *,
    cycle: AppraisalCycle,
    to: str,
    actor: User | None,
    reason: str = "",
    note: str = "",
) -> AppraisalCycle:
    """Move ``cycle`` to stage ``to``. Suspending needs a ``reason`` the policy allows
    ("capability", or "grievance" where the policy provides for it); resuming returns the
    cycle to the stage it was suspended from. ``note`` adds words to the history."""
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version")
        .get(pk=cycle.pk)
    )
    refusal = move_refusal(locked, to)
    if refusal is not None:
        raise CycleError(refusal)
    frm, target = CycleState(locked.state), CycleState(to)
    move = TRANSITIONS[(frm, target)]
    if not _may_move(actor, locked, move):
        raise CycleError("You cannot move this appraisal to that stage.")
    note = note.strip()[:200]
    fields = ["state", "suspended_from", "suspension_reason", "suspended_at"]
    if target == S.SUSPENDED:
        allowed = suspension_reasons_allowed(locked)
        if reason not in allowed:
            if reason == SuspensionReason.GRIEVANCE:
                raise CycleError(
                    "This cycle's policy does not provide for pausing appraisal while a "
                    "grievance is dealt with."
                )
            raise CycleError("Say why appraisal is being suspended.")
        locked.suspended_from = frm
        locked.suspension_reason = SuspensionReason(reason)
        locked.suspended_at = timezone.now()
        why = f"Suspended: {SuspensionReason(reason).label}"
    elif frm == S.SUSPENDED:
        why = f"Resumed at {target.label} after: {locked.get_suspension_reason_display()}"
        locked.suspended_from = ""
        locked.suspension_reason = ""
        locked.suspended_at = None
    else:
        why = move.label
        fields = ["state"]
    locked.state = target
    locked._change_reason = f"{why}. {note}" if note else why  # type: ignore[attr-defined]
    if actor is not None:
        locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=fields)
    cycle_id = locked.pk
    transaction.on_commit(lambda: _after_change(cycle_id, f"{frm}->{target}"))
    return locked


def _after_change(cycle_id: int, what: str) -> None:
    """Log a committed change. Nothing else has to follow it: the reminders sweep reads
    what is due afresh every day, and the digest sender checks again at send time that
    each reminder is still due (a cycle suspended or closed since the sweep cancels its
    waiting reminders), so no app needs telling."""
    logger.info("cycle %s changed: %s", cycle_id, what)


# ----- Reviewer and first period ---------------------------------------------------------


@transaction.atomic
def cycle_change_reviewer(
    *,
    cycle: AppraisalCycle,
    reviewer: StaffMember,
    actor: User | None,
    reason: str,
) -> AppraisalCycle:
    """Give ``cycle`` a new reviewer (a new line manager, or a move to another academy
    part-way through the year). The cycle keeps everything recorded under it and its
    history; when the appraisee now works at another academy, the cycle moves with them."""
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("appraisee")
        .get(pk=cycle.pk)
    )
    if actor is not None and not permissions.may_change_reviewer(principal_for(actor), locked):
        raise CycleError("You cannot change the reviewer of this appraisal.")
    if locked.state == S.CLOSED:
        raise CycleError("This appraisal year is closed: its reviewer can no longer change.")
    if locked.is_headteacher_cycle:
        raise CycleError(
            "The headteacher is reviewed by the governors' committee: give its members "
            "access to the record instead."
        )
    if reviewer.trust_id != locked.trust_id:
        raise CycleError("The reviewer must work for the same trust.")
    if reviewer.pk == locked.appraisee_id:
        raise CycleError("Nobody can review their own appraisal.")
    if reviewer.left_on is not None and reviewer.left_on < timezone.localdate():
        raise CycleError(f"{reviewer.full_name} no longer works for the trust.")
    if not reason.strip():
        raise CycleError("Say why the reviewer is changing.")
    fields = []
    if locked.reviewer_id != reviewer.pk:
        locked.reviewer = reviewer
        fields.append("reviewer")
    if locked.academy_id != locked.appraisee.academy_id:
        locked.academy_id = locked.appraisee.academy_id
        fields.append("academy")
    if not fields:
        return locked
    locked._change_reason = f"Reviewer changed: {reason.strip()[:200]}"  # type: ignore[attr-defined]
    if actor is not None:
        locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=fields)
    cycle_id = locked.pk
    transaction.on_commit(lambda: _after_change(cycle_id, "reviewer"))
    return locked


def first_period_latest_end(cycle: AppraisalCycle) -> dt.date:
    """The latest a part-year starter's first cycle may run to: the end of the cycle after
    the one they joined in (so it can line up with everyone else's next year)."""
    cycle_rules = cycle.policy_version.rules.cycle
    joined_start, _ = cycle_rules.cycle_containing(cycle.starts_on)
    return cycle_rules.dates_for(joined_start.year + 1)[1]


def may_adjust_first_period(cycle: AppraisalCycle) -> bool:
    """Whether this cycle's policy lets the headteacher set its length (aspire §4.3)."""
    return (
        cycle.part_year_start
        and cycle.state != S.CLOSED
        and cycle.policy_version.rules.scope.part_year_starter == PartYearStart.HEADTEACHER_DECIDES
    )


@transaction.atomic
def cycle_set_first_period_end(
    *, cycle: AppraisalCycle, ends_on: dt.date, actor: User | None, reason: str
) -> AppraisalCycle:
    """The headteacher (the CEO for a headteacher; HR for either) sets when a part-year
    starter's first cycle ends, to bring it into line with others (aspire §4.3)."""
    locked = (
        AppraisalCycle.objects.select_for_update(of=("self",))
        .select_related("policy_version", "appraisee")
        .get(pk=cycle.pk)
    )
    if actor is not None and not permissions.may_set_first_period(principal_for(actor), locked):
        raise CycleError("Only the headteacher or HR can set the length of this first cycle.")
    if not may_adjust_first_period(locked):
        raise CycleError(
            "Only the first cycle of someone who joined part-way through can be set this "
            "way, where the policy lets the headteacher decide its length."
        )
    if not reason.strip():
        raise CycleError("Say why the first cycle ends on this date.")
    if ends_on <= locked.starts_on:
        raise CycleError(f"The cycle must end after it starts ({locked.starts_on:%d %B %Y}).")
    latest = first_period_latest_end(locked)
    if ends_on > latest:
        raise CycleError(f"The first cycle can run to {latest:%d %B %Y} at the latest.")
    contract_end = locked.appraisee.contract_end_date
    if contract_end is not None and ends_on > contract_end:
        raise CycleError(f"Their contract ends on {contract_end:%d %B %Y}.")
    clash = (
        AppraisalCycle.objects.filter(
            appraisee_id=locked.appraisee_id, starts_on__lte=ends_on, ends_on__gte=locked.starts_on
        )
        .exclude(pk=locked.pk)
        .exists()
    )
    if clash:
        raise CycleError("That date overlaps their next cycle.")
    if ends_on == locked.ends_on:
        return locked
    locked.ends_on = ends_on
    locked._change_reason = f"First cycle length set: {reason.strip()[:200]}"  # type: ignore[attr-defined]
    if actor is not None:
        locked._history_user = actor  # type: ignore[attr-defined]
    locked.save(update_fields=["ends_on"])
    cycle_id = locked.pk
    transaction.on_commit(lambda: _after_change(cycle_id, "ends_on"))
    return locked


def history_of(cycle: AppraisalCycle) -> list[Any]:
    """The cycle's history, newest first, with who made each change."""
    return list(cycle.history.select_related("history_user").order_by("-history_date"))
