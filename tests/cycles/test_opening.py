"""Opening a year's cycles for an academy or the whole trust."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cycles import tasks
from cycles.models import AppraisalCycle, CycleOpening, CycleState, OpeningStatus
from cycles.rules import ExclusionReason
from cycles.services import (
    CycleError,
    cycle_opening_request,
    cycles_open,
)
from organisation.models import Academy, Role, StaffGroup, StaffMember, Trust
from organisation.principal import principal_for
from organisation.services import role_grant
from policies.models import PolicyVersion
from policies.services import policy_version_create
from tests.factories import AcademyFactory, JobRoleFactory, StaffMemberFactory, UserFactory

from .factories import CycleFactory, D, preset_version

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _late_august():  # type: ignore[no-untyped-def]
    """Cycles for 2026 to 2027 are opened at the end of August 2026."""
    with time_machine.travel(D(2026, 8, 20), tick=False):
        yield


@pytest.fixture
def hr(trust: Trust):  # type: ignore[no-untyped-def]
    user = UserFactory(trust=trust)
    role_grant(user=user, role=Role.HR, trust=trust)
    return user


def reasons(result) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {person.name: person.reason for person in result.excluded}


def test_opens_one_cycle_per_member_of_staff_with_the_line_manager_reviewing(
    classic: PolicyVersion, head: StaffMember, manager: StaffMember, team: list[StaffMember], hr
) -> None:
    result = cycles_open(trust=head.trust, year=2026, actor=hr)

    assert result.created_count == 5  # headteacher, manager, three teachers
    cycle = AppraisalCycle.objects.get(appraisee=team[0])
    assert cycle.reviewer == manager
    assert cycle.policy_version == classic
    assert (cycle.starts_on, cycle.ends_on) == (D(2026, 9, 1), D(2027, 8, 31))
    assert cycle.state == CycleState.PLANNING
    history = cycle.history.get()
    assert history.history_user == hr
    assert history.history_change_reason == "Opened for 2026 to 2027"


def test_headteacher_cycle_is_flagged_and_has_no_academy_reviewer(
    classic: PolicyVersion, head: StaffMember, manager: StaffMember, hr
) -> None:
    """classic §3.1-3.2: the governors' committee reviews the headteacher."""
    cycles_open(trust=head.trust, year=2026, actor=hr)
    cycle = AppraisalCycle.objects.get(appraisee=head)
    assert cycle.is_headteacher_cycle
    assert cycle.reviewer is None
    assert not AppraisalCycle.objects.get(appraisee=manager).is_headteacher_cycle


def test_lists_who_was_left_out_and_why(
    trust: Trust, academy: Academy, manager: StaffMember, hr
) -> None:
    """aspire §3: contracts under a term, ECTs and probationers are outside appraisal."""
    preset_version(trust, "aspire-grow")
    StaffMemberFactory(academy=academy, first_name="Eve", last_name="Ect", is_ect=True)
    StaffMemberFactory(
        academy=academy,
        first_name="Pat",
        last_name="Probation",
        start_date=D(2026, 9, 1),
        probation_ends_on=D(2027, 2, 28),
    )
    StaffMemberFactory(
        academy=academy,
        first_name="Sam",
        last_name="Short",
        contract_type="fixed_term",
        start_date=D(2026, 9, 1),
        contract_end_date=D(2026, 10, 30),
    )
    StaffMemberFactory(academy=academy, first_name="Fay", last_name="Fine", line_manager=manager)

    result = cycles_open(trust=trust, year=2026, actor=hr)

    assert reasons(result) == {
        "Eve Ect": ExclusionReason.ECT,
        "Pat Probation": ExclusionReason.PROBATION,
        "Sam Short": ExclusionReason.SHORT_CONTRACT,
    }
    assert {c.appraisee.last_name for c in result.created} == {"Manager", "Head", "Fine"}
    excluded = {p.name: p for p in result.excluded}
    assert excluded["Pat Probation"].academy == "Oak Primary"
    assert "28 February 2027" in excluded["Pat Probation"].detail


def test_staff_in_capability_are_left_out_next_year(
    classic: PolicyVersion, manager: StaffMember, team: list[StaffMember], hr
) -> None:
    """classic §6.12.4: appraisal is suspended while capability applies."""
    CycleFactory(
        appraisee=team[0],
        policy_version=classic,
        starts_on=D(2025, 9, 1),
        ends_on=D(2026, 8, 31),
        state=CycleState.SUSPENDED,
        suspended_from=CycleState.ACTIVE,
        suspension_reason="capability",
    )
    result = cycles_open(trust=manager.trust, year=2026, actor=hr)
    assert reasons(result) == {team[0].full_name: ExclusionReason.CAPABILITY}


def test_staff_without_a_policy_are_listed(
    trust: Trust, academy: Academy, manager: StaffMember, hr
) -> None:
    preset_version(trust, "staploe-associate")  # support staff only
    result = cycles_open(trust=trust, year=2026, actor=hr)
    assert set(reasons(result).values()) == {ExclusionReason.NO_POLICY}
    assert result.created_count == 0


def test_cycles_without_a_reviewer_are_reported(
    classic: PolicyVersion, academy: Academy, hr
) -> None:
    orphan = StaffMemberFactory(academy=academy, line_manager=None)
    result = cycles_open(trust=academy.trust, year=2026, actor=hr)
    assert [p.staff_id for p in result.without_reviewer] == [orphan.pk]


def test_a_second_run_opens_nothing_new(
    classic: PolicyVersion, head: StaffMember, team: list[StaffMember], hr
) -> None:
    first = cycles_open(trust=head.trust, year=2026, actor=hr)
    newcomer = StaffMemberFactory(academy=head.academy, line_manager=head)
    second = cycles_open(trust=head.trust, year=2026, actor=hr)

    assert first.created_count == 5
    assert [c.appraisee_id for c in second.created] == [newcomer.pk]
    assert len(second.already_open) == 5
    assert AppraisalCycle.objects.count() == 6


def test_fixed_term_cycle_ends_with_the_contract(
    classic: PolicyVersion, academy: Academy, manager: StaffMember, hr
) -> None:
    """classic §2.2: a fixed-term contract under a year is appraised for its length."""
    temp = StaffMemberFactory(
        academy=academy,
        line_manager=manager,
        contract_type="fixed_term",
        start_date=D(2026, 9, 1),
        contract_end_date=D(2027, 3, 31),
    )
    cycles_open(trust=academy.trust, year=2026, actor=hr)
    cycle = AppraisalCycle.objects.get(appraisee=temp)
    assert (cycle.starts_on, cycle.ends_on) == (D(2026, 9, 1), D(2027, 3, 31))


def test_staploe_soham_learning_support_follows_the_override(trust: Trust, hr) -> None:
    """staploe, Performance and Development Period: 1 January to 31 December, except
    learning support staff at Soham Village College, 1 June to 31 May (an academy and job
    role assignment of its own)."""
    soham = AcademyFactory(trust=trust, name="Soham Village College")
    lsa = JobRoleFactory(trust=trust, name="Learning support")
    preset_version(trust, "staploe-associate")
    soham_version = preset_version(
        trust, "staploe-associate", variant="learning-support", academy=soham, job_role=lsa
    )
    office = StaffMemberFactory(academy=soham, staff_group=StaffGroup.SUPPORT, last_name="Office")
    assistant = StaffMemberFactory(
        academy=soham, staff_group=StaffGroup.SUPPORT, job_role=lsa, last_name="Assistant"
    )

    cycles_open(trust=trust, year=2026, actor=hr)

    office_cycle = AppraisalCycle.objects.get(appraisee=office)
    assert (office_cycle.starts_on, office_cycle.ends_on) == (D(2027, 1, 1), D(2027, 12, 31))
    lsa_cycle = AppraisalCycle.objects.get(appraisee=assistant)
    assert (lsa_cycle.starts_on, lsa_cycle.ends_on) == (D(2027, 6, 1), D(2028, 5, 31))
    assert lsa_cycle.policy_version == soham_version


def test_pins_the_version_in_force_when_the_cycle_starts(
    trust: Trust, academy: Academy, hr
) -> None:
    """A January cycle (staploe) follows the version in force in January, even when the
    year is opened in the autumn."""
    first = preset_version(trust, "staploe-associate")
    second = policy_version_create(
        policy=first.policy,
        settings=first.settings,
        effective_from=D(2026, 12, 1),
        change_note="Reworded",
        actor=None,
    )
    member = StaffMemberFactory(academy=academy, staff_group=StaffGroup.SUPPORT)
    cycles_open(trust=trust, year=2026, actor=hr)
    assert AppraisalCycle.objects.get(appraisee=member).policy_version == second


def test_academy_opening_leaves_other_academies_alone(
    classic: PolicyVersion, head: StaffMember, other_academy: Academy
) -> None:
    elsewhere = StaffMemberFactory(academy=other_academy)
    result = cycles_open(trust=head.trust, academy=head.academy, year=2026, actor=head.user)
    assert result.created_count == 1
    assert not AppraisalCycle.objects.filter(appraisee=elsewhere).exists()


def test_who_may_open(classic: PolicyVersion, head: StaffMember, other_academy: Academy) -> None:
    with pytest.raises(CycleError, match="Only HR can open cycles for the whole trust"):
        cycles_open(trust=head.trust, year=2026, actor=head.user)
    with pytest.raises(CycleError):
        cycles_open(trust=head.trust, academy=other_academy, year=2026, actor=head.user)
    teacher = StaffMemberFactory(academy=head.academy)
    with pytest.raises(CycleError):
        cycles_open(trust=head.trust, academy=head.academy, year=2026, actor=teacher.user)
    assert not AppraisalCycle.objects.exists()


def test_query_count_does_not_grow_with_staff(
    classic: PolicyVersion, academy: Academy, manager: StaffMember, hr
) -> None:
    def queries_to_open(year: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            cycles_open(trust=academy.trust, year=year, actor=hr)
        return len(ctx.captured_queries)

    principal_for(hr)  # who is asking is read once per request, not per opening
    for i in range(5):
        StaffMemberFactory(academy=academy, line_manager=manager, last_name=f"A{i}")
    few = queries_to_open(2026)
    for i in range(40):
        StaffMemberFactory(academy=academy, line_manager=manager, last_name=f"B{i}")
    many = queries_to_open(2027)
    assert AppraisalCycle.objects.filter(starts_on=D(2027, 9, 1)).count() == 47
    assert many == few


# ----- In the background -----------------------------------------------------------------


def test_whole_trust_opening_is_queued_and_records_its_outcome(
    classic: PolicyVersion,
    head: StaffMember,
    team: list[StaffMember],
    hr,
    eager_tasks,
    django_capture_on_commit_callbacks,
) -> None:
    StaffMemberFactory(academy=head.academy, is_ect=True, first_name="Eve", last_name="Ect")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        opening = cycle_opening_request(trust=head.trust, year=2026, actor=hr)
    assert opening.status == OpeningStatus.QUEUED
    assert not AppraisalCycle.objects.exists()  # nothing happens until the task runs

    for callback in callbacks:
        callback()
    opening.refresh_from_db()
    assert opening.status == OpeningStatus.DONE
    assert (opening.created_count, opening.already_open_count, opening.excluded_count) == (
        5,
        0,
        1,
    )
    assert opening.excluded[0]["name"] == "Eve Ect"
    assert opening.excluded[0]["reason"] == "ect"


def test_the_task_twice_opens_once(classic: PolicyVersion, team: list[StaffMember], hr) -> None:
    opening = CycleOpening.objects.create(trust=team[0].trust, year=2026, requested_by=hr)
    tasks.open_cycles(opening.pk)
    tasks.open_cycles(opening.pk)
    opening.refresh_from_db()
    assert opening.status == OpeningStatus.DONE
    assert opening.created_count == 5
    assert AppraisalCycle.objects.count() == 5
    assert all(c.history.count() == 1 for c in AppraisalCycle.objects.all())


def test_academy_opening_runs_at_once(classic: PolicyVersion, head: StaffMember) -> None:
    opening = cycle_opening_request(
        trust=head.trust, academy=head.academy, year=2026, actor=head.user
    )
    assert opening.status == OpeningStatus.DONE
    assert opening.created_count == 1
