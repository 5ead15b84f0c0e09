"""The retention purge deletes the access-log rows naming each destroyed record: an index
on (object type, object id) keeps that from reading the whole log for every tree."""

from __future__ import annotations

import pytest
from django.db import connection

from audit.models import AccessLogEntry
from retention.purge.generic_refs import _generic_querysets
from retention.purge.tree import RecordTree

pytestmark = pytest.mark.django_db


def test_the_access_log_is_indexed_by_the_record_it_names() -> None:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, AccessLogEntry._meta.db_table
        )
    indexed = [c["columns"] for c in constraints.values() if c["index"]]
    assert ["object_type", "object_id"] in indexed


def test_the_purge_finds_a_records_access_rows_through_the_index() -> None:
    """The query the purge deletes by is one the index answers (the planner is told not
    to read the table whole, as it would for a handful of rows)."""
    tree = RecordTree(root_id=1)
    tree.generic.append(("access", "cycles.appraisalcycle", ["1", "2"]))
    (queryset,) = _generic_querysets(tree)
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "audit_access_object" in plan
