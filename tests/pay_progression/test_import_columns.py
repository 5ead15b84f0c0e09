"""The staff CSV's optional "on this point since" column (pure, no database)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from tests.organisation.test_imports import HEADER, check, person, problems_by_row, to_csv

WITH_SINCE = [*HEADER, "On this point since"]


def test_the_date_on_the_point_is_read() -> None:
    result = check(to_csv([person("T1", **{"On this point since": "01/09/2023"})], WITH_SINCE))
    assert result.ok
    assert result.rows[0].values["pay_point_since"] == dt.date(2023, 9, 1)


def test_an_empty_cell_records_no_date_and_a_file_without_the_column_leaves_it_alone() -> None:
    result = check(to_csv([person("T1")], WITH_SINCE))
    assert result.rows[0].values["pay_point_since"] is None
    assert "pay_point_since" not in check(to_csv([person("T1")])).rows[0].values


@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
def test_a_bad_or_future_date_is_a_problem_on_its_row() -> None:
    rows = [
        person("T1", **{"On this point since": "not a date"}),
        person("T2", **{"On this point since": "01/09/2027"}),
    ]
    found = problems_by_row(check(to_csv(rows, WITH_SINCE)))
    assert "is not a date" in found[2]
    assert "in the future" in found[3]


@pytest.mark.django_db
@time_machine.travel(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC), tick=False)
def test_the_import_writes_the_date_to_the_staff_record() -> None:
    from organisation.models import Role, StaffMember
    from organisation.services import role_grant, staff_import_csv
    from tests.factories import AcademyFactory, StaffMemberFactory, TrustFactory

    trust = TrustFactory(slug="since")
    AcademyFactory(trust=trust, name="Oak Primary")
    central = AcademyFactory(trust=trust, name="Central team", is_central_team=True)
    admin = StaffMemberFactory(academy=central, staff_number="ADM1")
    role_grant(user=admin.user, role=Role.TRUST_ADMIN, trust=trust)
    data = to_csv([person("T1", **{"On this point since": "01/09/2024"})], WITH_SINCE)
    assert staff_import_csv(trust=trust, data=data, actor=admin.user).imported
    member = StaffMember.objects.get(trust=trust, staff_number="T1")
    assert (member.pay_point, member.pay_point_since) == ("M3", dt.date(2024, 9, 1))
