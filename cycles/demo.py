"""The demo trust's people for the headteacher's own appraisal: a chair of governors, a
second governor for the committee, and an external adviser appointed by HR on the
headteacher's cycle. The chair sets up the committee from their home page."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from accounts.models import User
from organisation.models import Academy, Role, RoleAssignment, StaffMember, Trust
from organisation.services import role_grant

from . import permissions
from .models import AppraisalCycle, CycleAccessGrant
from .services import cycle_adviser_appoint

# The adviser's access lasts the demo's year and the leader's review after it.
ADVISER_ACCESS = dt.timedelta(days=300)


def _account(trust: Trust, email: str, first: str, last: str) -> User:
    user, _ = User.objects.get_or_create(
        email=email, defaults={"trust": trust, "first_name": first, "last_name": last}
    )
    return user


def _hold(user: User, role: Role, trust: Trust, academy: Academy) -> None:
    if not RoleAssignment.objects.active().filter(user=user, role=role, academy=academy).exists():
        role_grant(user=user, role=role, trust=trust, academy=academy, reason="Demo set-up")


def seed_leader_reviews(
    *, trust: Trust, academy: Academy, headteacher: StaffMember, hr: User, domain: str
) -> list[tuple[str, str, User]]:
    """The chair of governors and the external adviser, as (key, label, account) for the
    printed sign-ins. Run again, it changes nothing."""
    chair = _account(trust, f"chair@{domain}", "Chris", "Chair")
    for role in (Role.GOVERNOR, Role.CHAIR_OF_GOVERNORS):
        _hold(chair, role, trust, academy)
    # A committee of three needs governors besides the chair (the demo's governor is one).
    _hold(_account(trust, f"governor2@{domain}", "Glen", "Governor"), Role.GOVERNOR, trust, academy)
    adviser = _account(trust, f"adviser@{domain}", "Ada", "Adviser")
    cycle = (
        AppraisalCycle.objects.filter(appraisee=headteacher, is_headteacher_cycle=True)
        .select_related("policy_version", "appraisee", "academy")
        .order_by("-starts_on")
        .first()
    )
    appointed = CycleAccessGrant.objects.filter(
        cycle=cycle, user=adviser, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
    if (
        cycle is not None
        and not appointed
        and permissions.adviser_offered(cycle.policy_version.rules.headteacher)
    ):
        cycle_adviser_appoint(
            cycle=cycle,
            adviser=adviser,
            expires_at=timezone.now() + ADVISER_ACCESS,
            suitability="A former headteacher and school improvement partner, independent "
            "of the academy",
            actor=hr,
        )
    return [("chair", "Chair of governors", chair), ("adviser", "External adviser", adviser)]


# Out of every ten cycles, by their place in the academy's list: which have not been
# started yet, so the reviewer's home page still has "Start the appraisal year" to do.
NOT_STARTED = {0}


def demo_year_cycles(*, trust: Trust, academic_year: int) -> list[AppraisalCycle]:
    """The demo year's cycles in a stable order (by academy, then staff number), so each
    run of the demo gives each person the same stage."""
    return list(
        AppraisalCycle.objects.filter(trust=trust, starts_on__year=academic_year)
        .select_related("policy_version", "appraisee__user", "reviewer__user", "academy")
        .order_by("academy__name", "appraisee__staff_number")
    )


def seed_year_started(*, cycles: list[AppraisalCycle], today: dt.date) -> int:
    """Start the year of most cycles whose first day has come, as their reviewers would
    have; returns how many were started."""
    from .models import CycleState
    from .services import cycle_transition

    started = 0
    for place, cycle in enumerate(cycles):
        if cycle.state != CycleState.PLANNING or today < cycle.starts_on:
            continue
        if place % 10 in NOT_STARTED or cycle.is_headteacher_cycle:
            continue
        cycle_transition(cycle=cycle, to=CycleState.ACTIVE, actor=None, note="Demo set-up")
        cycle.state = CycleState.ACTIVE
        started += 1
    return started
