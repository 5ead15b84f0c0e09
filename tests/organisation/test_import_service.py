"""The staff import service: all or nothing, create or update, bulk queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from organisation.models import JobRole, LineManagementPath, StaffMember
from organisation.services import staff_import_csv
from tests.factories import StaffMemberFactory, TrustFactory, UserFactory

from .test_imports import person, to_csv

pytestmark = pytest.mark.django_db


def small_file() -> bytes:
    return to_csv(
        [
            person("H1", **{"Job title": "Headteacher", "Staff group": "leadership"}),
            person("D1", manager="H1", **{"Job title": "Deputy headteacher"}),
            person("C1", manager="D1"),
            person(
                "S1",
                manager="C1",
                QTS="no",
                **{
                    "Job title": "Teaching assistant",
                    "Staff group": "support",
                    "Pay range": "SCP",
                    "Pay point": "5",
                    "Contract type": "fixed term",
                    "Contract end date": "31/08/2026",
                },
            ),
        ]
    )


def test_a_good_file_creates_staff_accounts_roles_and_line_management(
    trust, academy, admin
) -> None:  # type: ignore[no-untyped-def]
    result = staff_import_csv(trust=trust, data=small_file(), actor=admin)

    assert result.imported
    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert result.accounts_created == 4
    assert result.job_roles_created == 3  # "Class teacher" is already a job role of the trust
    staff = {s.staff_number: s for s in StaffMember.objects.filter(trust=trust, academy=academy)}
    assert set(staff) == {"H1", "D1", "C1", "S1"}
    ta = staff["S1"]
    assert ta.job_role.name == "Teaching assistant"
    assert ta.staff_group == "support"
    assert ta.has_qts is False
    assert ta.contract_type == "fixed_term"
    assert ta.contract_end_date == dt.date(2026, 8, 31)
    assert ta.line_manager == staff["C1"]
    assert ta.user is not None and not is_password_usable(ta.user.password)
    assert ta.user.email == "s1@example.org" and ta.user.trust == trust
    # Closure table: S1 is below C1 (1), D1 (2) and H1 (3).
    above = dict(
        LineManagementPath.objects.filter(report=ta).values_list("manager__staff_number", "depth")
    )
    assert above == {"S1": 0, "C1": 1, "D1": 2, "H1": 3}
    # History names the person who imported.
    record = ta.history.get()
    assert record.history_type == "+"
    assert record.history_user == admin
    assert record.line_manager_id == staff["C1"].pk
    assert ta.user.history.get().history_user == admin


def test_one_bad_row_writes_nothing(trust, academy, admin) -> None:  # type: ignore[no-untyped-def]
    rows = [person(f"T{i}") for i in range(1, 50)]
    rows[30]["Start date"] = "yesterday"
    before = (StaffMember.objects.count(), User.objects.count(), JobRole.objects.count())

    result = staff_import_csv(trust=trust, data=to_csv(rows), actor=admin)

    assert not result.imported
    assert [p.number for p in result.problems] == [32]
    assert (StaffMember.objects.count(), User.objects.count(), JobRole.objects.count()) == before


def test_a_file_error_writes_nothing(trust, academy, admin) -> None:  # type: ignore[no-untyped-def]
    result = staff_import_csv(trust=trust, data=b"PK\x03\x04\x00\x00", actor=admin)
    assert result.file_error and not result.imported
    assert not StaffMember.objects.filter(trust=trust, academy=academy).exists()


def test_reimport_updates_instead_of_duplicating(trust, academy, other_academy, admin) -> None:  # type: ignore[no-untyped-def]
    staff_import_csv(trust=trust, data=small_file(), actor=admin)
    count = StaffMember.objects.count()
    users = User.objects.count()

    again = staff_import_csv(trust=trust, data=small_file(), actor=admin)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert StaffMember.objects.count() == count
    assert User.objects.count() == users
    assert StaffMember.objects.get(staff_number="C1").history.count() == 1

    changed = to_csv(
        [
            person("c1", manager="H1", Academy="Ash Secondary", **{"Last name": "Renamed"}),
            person("N1", manager="C1"),
        ]
    )
    result = staff_import_csv(trust=trust, data=changed, actor=admin)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    moved = StaffMember.objects.get(staff_number="C1")
    assert moved.academy == other_academy
    assert moved.last_name == "Renamed"
    assert moved.user.last_name == "Renamed"
    assert moved.line_manager.staff_number == "H1"
    assert moved.history.first().history_type == "~"
    # S1 still reports to C1; C1 now sits directly under H1.
    s1 = StaffMember.objects.get(staff_number="S1")
    above = dict(
        LineManagementPath.objects.filter(report=s1).values_list("manager__staff_number", "depth")
    )
    assert above == {"S1": 0, "C1": 1, "H1": 2}


def test_existing_staff_without_an_account_get_one_and_a_free_account_is_linked(
    trust, academy, admin
) -> None:  # type: ignore[no-untyped-def]
    StaffMemberFactory(academy=academy, staff_number="E1", email="e1@example.org", user=None)
    # A governor account the trust made for the same person and nobody has used yet.
    governor_account = UserFactory(trust=trust, email="e2@example.org", password=None)
    governor_account.set_unusable_password()
    governor_account.save()
    data = to_csv([person("E1"), person("E2")])
    result = staff_import_csv(trust=trust, data=data, actor=admin)
    assert result.imported, result.problems
    assert StaffMember.objects.get(staff_number="E1").user.email == "e1@example.org"
    assert StaffMember.objects.get(staff_number="E2").user == governor_account
    assert result.accounts_created == 1


def test_an_account_someone_has_used_is_never_adopted(trust, academy, admin) -> None:  # type: ignore[no-untyped-def]
    """issue 8, defect 2: a governor who put a new colleague's address on their own account
    does not get the colleague's staff record through the import."""
    UserFactory(trust=trust, email="new.deputy@example.org")  # has a password: used
    result = staff_import_csv(
        trust=trust, data=to_csv([person("D1", Email="new.deputy@example.org")]), actor=admin
    )
    assert not result.imported
    assert "has been used" in result.problems[0].problems[0]
    assert not StaffMember.objects.filter(staff_number="D1").exists()


def test_an_address_of_another_trust_answers_like_a_new_one(trust, academy, admin) -> None:  # type: ignore[no-untyped-def]
    """issue 8, defect 9: the import never tells one trust that an address has an account in
    another. Both people are added; the other trust's account is left alone."""
    elsewhere = UserFactory(trust=TrustFactory(), email="taken@example.org")
    result = staff_import_csv(
        trust=trust,
        data=to_csv([person("X1", Email="taken@example.org"), person("X2", Email="new@x.org")]),
        actor=admin,
    )
    assert result.imported, result.problems
    assert result.created == 2
    taken = StaffMember.objects.get(staff_number="X1")
    assert taken.user is None
    elsewhere.refresh_from_db()
    assert elsewhere.trust_id != trust.pk
    assert StaffMember.objects.get(staff_number="X2").user is not None


def test_loop_through_existing_staff_is_refused(trust, team, admin) -> None:  # type: ignore[no-untyped-def]
    # In the trust T1 > T2 > T3. The file makes T1 report to a new person who reports to T3.
    data = to_csv(
        [person("N1", manager="T3"), person("T1", manager="N1", Email=team["head"].email)]
    )
    result = staff_import_csv(trust=trust, data=data, actor=admin)
    assert not result.imported
    assert {p.number for p in result.problems} == {2, 3}
    assert not StaffMember.objects.filter(staff_number="N1").exists()


def test_email_of_existing_staff_in_another_row_is_refused(trust, team, admin) -> None:  # type: ignore[no-untyped-def]
    result = staff_import_csv(
        trust=trust, data=to_csv([person("N1", Email=team["teacher"].email)]), actor=admin
    )
    assert "already belongs to" in result.problems[0].problems[0]


def test_another_trust_is_untouched(trust, academy, admin, other_trust_admin) -> None:  # type: ignore[no-untyped-def]
    # Trust B has a staff number T1 too: numbers are per trust.
    result = staff_import_csv(trust=trust, data=to_csv([person("T1")]), actor=admin)
    assert result.imported and result.created == 1
    assert StaffMember.objects.filter(staff_number="T1").count() == 2


def big_file(count: int) -> bytes:
    rows = []
    for i in range(count):
        manager = "" if i == 0 else f"P{(i - 1) // 5:05d}"
        rows.append(
            person(
                f"P{i:05d}",
                manager=manager,
                Academy="Oak Primary" if i % 2 else "Ash Secondary",
                **{"Job title": f"Role {i % 7}"},
            )
        )
    return to_csv(rows)


def test_import_of_2000_rows_uses_a_fixed_number_of_queries(
    trust, academy, other_academy, admin
) -> None:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as created:
        result = staff_import_csv(trust=trust, data=big_file(2000), actor=admin)
    assert result.imported and result.created == 2000
    assert len(created.captured_queries) <= 40, len(created.captured_queries)
    assert LineManagementPath.objects.filter(trust=trust, depth=0).count() == 2001

    with CaptureQueriesContext(connection) as unchanged:
        result = staff_import_csv(trust=trust, data=big_file(2000), actor=admin)
    assert result.unchanged == 2000
    assert len(unchanged.captured_queries) <= 10, len(unchanged.captured_queries)
