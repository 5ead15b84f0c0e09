"""Organisation services: line management, staff records and accounts, roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import is_password_usable

from accounts.models import User
from organisation.models import LineManagementPath, Role, StaffGroup, StaffMember
from organisation.services import (
    OrganisationError,
    academy_create,
    academy_update,
    rebuild_line_management,
    role_grant_to_staff,
    staff_create,
    staff_set_line_manager,
    staff_update,
)
from tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


def paths(trust) -> set[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    return {
        (p.manager.staff_number, p.report.staff_number, p.depth)
        for p in LineManagementPath.objects.filter(trust=trust).select_related("manager", "report")
    }


def test_a_line_management_loop_is_refused(team) -> None:  # type: ignore[no-untyped-def]
    head, teacher = team["head"], team["teacher"]
    with pytest.raises(OrganisationError, match="would make a loop"):
        staff_set_line_manager(staff=head, manager=teacher)
    with pytest.raises(OrganisationError, match="would make a loop"):
        staff_set_line_manager(staff=head, manager=head)
    head.refresh_from_db()
    assert head.line_manager_id is None


def test_closure_table_is_right_after_moving_a_subtree(trust, team, sibling) -> None:  # type: ignore[no-untyped-def]
    # Before: T1 > T2 > T3 and T1 > T4. Move T2 (with T3 below) under T4.
    staff_set_line_manager(staff=team["deputy"], manager=team["colleague"])
    expected = {
        ("T1", "T1", 0),
        ("T2", "T2", 0),
        ("T3", "T3", 0),
        ("T4", "T4", 0),
        ("A1", "A1", 0),
        ("T1", "T4", 1),
        ("T4", "T2", 1),
        ("T1", "T2", 2),
        ("T2", "T3", 1),
        ("T4", "T3", 2),
        ("T1", "T3", 3),
    }
    assert paths(trust) == expected
    # The incremental update agrees with a rebuild from scratch.
    rebuild_line_management(trust=trust)
    assert paths(trust) == expected


def test_a_line_manager_must_be_in_the_same_trust(team, other_trust_admin) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OrganisationError, match="same trust"):
        staff_set_line_manager(staff=team["teacher"], manager=other_trust_admin.staff_member)


def test_staff_create_makes_an_account_without_a_usable_password(trust, academy, admin) -> None:  # type: ignore[no-untyped-def]
    staff = staff_create(
        trust=trust,
        job_title="Learning support assistant",
        actor=admin,
        academy=academy,
        staff_number="N1",
        first_name="Nia",
        last_name="Jones",
        email="Nia.Jones@Example.org",
        staff_group=StaffGroup.SUPPORT,
        start_date=dt.date(2024, 9, 1),
    )
    assert staff.email == "nia.jones@example.org"
    assert staff.job_role.name == "Learning support assistant"
    assert staff.user is not None
    assert staff.user.trust_id == trust.pk
    assert not is_password_usable(staff.user.password)
    assert LineManagementPath.objects.filter(manager=staff, report=staff, depth=0).exists()
    assert staff.history.first().history_user == admin


def test_staff_create_refuses_a_duplicate_staff_number_or_email(trust, academy, team) -> None:  # type: ignore[no-untyped-def]
    common = {
        "academy": academy,
        "first_name": "A",
        "last_name": "B",
        "staff_group": StaffGroup.TEACHING,
        "start_date": dt.date(2024, 9, 1),
    }
    with pytest.raises(OrganisationError, match="Staff number t1 already belongs"):
        staff_create(trust=trust, job_title="X", staff_number="t1", email="n@e.org", **common)
    with pytest.raises(OrganisationError, match="already belongs"):
        staff_create(
            trust=trust,
            job_title="X",
            staff_number="N9",
            email=team["teacher"].email.upper(),
            **common,
        )
    assert not StaffMember.objects.filter(staff_number="N9").exists()


def test_staff_update_keeps_the_account_in_step(team, admin) -> None:  # type: ignore[no-untyped-def]
    teacher = team["teacher"]
    staff_update(
        staff=teacher,
        job_title="Head of year",
        actor=admin,
        email="new.address@example.org",
        last_name="Married-Name",
    )
    teacher.refresh_from_db()
    teacher.user.refresh_from_db()
    assert teacher.job_role.name == "Head of year"
    assert teacher.user.email == "new.address@example.org"
    assert teacher.user.last_name == "Married-Name"


def test_granting_a_role_to_staff_without_an_account_makes_one(trust, academy, admin) -> None:  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(academy=academy, user=None, email="deputy@example.org")
    assignment = role_grant_to_staff(
        staff=staff,
        role=Role.APPRAISAL_DELEGATE,
        academy=academy,
        granted_by=admin,
        reason="Deputy in charge of appraisal",
    )
    staff.refresh_from_db()
    assert staff.user is not None
    assert assignment.user == staff.user
    assert User.objects.get(email="deputy@example.org").trust == trust


def test_an_account_of_another_trust_is_never_taken_over(trust, academy, other_trust_admin) -> None:  # type: ignore[no-untyped-def]
    staff = StaffMemberFactory(academy=academy, user=None, email=other_trust_admin.email)
    with pytest.raises(OrganisationError, match="No sign-in account can be set up"):
        role_grant_to_staff(staff=staff, role=Role.HEADTEACHER, academy=academy)


def test_academies_are_unique_by_name_and_one_central_team(trust, academy, central) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(OrganisationError, match="already has an academy called"):
        academy_create(trust=trust, name="OAK primary")
    with pytest.raises(OrganisationError, match="already has a central team"):
        academy_update(academy=academy, name=academy.name, is_central_team=True)
    elm = academy_create(trust=trust, name="  Elm   Infants ", urn="123")
    assert elm.name == "Elm Infants"
