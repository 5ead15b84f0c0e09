"""The HR staff list is in name order over the whole trust: an index in that order lets a
page of a large trust's list read its own rows instead of sorting every member of staff."""

from __future__ import annotations

import pytest
from django.db import connection

from organisation.models import StaffMember
from organisation.principal import principal_for
from organisation.selectors import staff_list

pytestmark = pytest.mark.django_db


def test_staff_are_indexed_in_the_lists_order() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, StaffMember._meta.db_table)
    indexed = [c["columns"] for c in constraints.values() if c["index"]]
    assert ["trust_id", "last_name", "first_name", "id"] in indexed


def test_a_page_of_the_hr_staff_list_is_read_through_the_index(world) -> None:  # type: ignore[no-untyped-def]
    """The planner is told not to read the table whole or sort (as it would for a handful
    of rows, whatever else the test database holds); the page's query can then walk the
    index in order: without an index in the list's order it would still have to sort."""
    page = staff_list(principal_for(world.user("hr")))[:50]
    sql, params = page.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "staff_list_order" in plan, plan
    assert "Sort" not in plan, plan
