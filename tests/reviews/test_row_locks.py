"""Row locks take only the row being changed.

``select_for_update()`` over a ``select_related`` join locks every joined row on PostgreSQL:
locking one cycle would also lock its policy version, academy and appraisee, rows that every
other cycle of the trust shares, so one person's write would make the whole trust's wait.
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection, connections
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organisation.models import Academy, StaffMember
from policies.models import PolicyVersion
from reviews import services
from reviews.models import AnnualReview, ModerationItem, Observation
from reviews.services import observations

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter"
)


def _observation(s, **kw):  # type: ignore[no-untyped-def]
    return services.ObservationInput(
        observer=s.reviewer,
        # Yesterday, or the cycle's last day if it has ended: observations fall in the year.
        observed_at=min(
            timezone.now() - dt.timedelta(days=1),
            timezone.make_aware(dt.datetime.combine(s.cycle.ends_on, dt.time(10))),
        ),
        duration_minutes=30,
        kind="formal",
        **kw,
    )


def _locked(other, model: type[Model], pk: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether a second connection finds ``model``'s row ``pk`` locked (NOWAIT refuses)."""
    table = connection.ops.quote_name(model._meta.db_table)
    with other.cursor() as cursor:
        cursor.execute("SAVEPOINT probe")
        try:
            # The table name is the model's own, quoted; only the id is a parameter.
            sql = f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT"  # noqa: S608
            cursor.execute(sql, [pk])
        except OperationalError:
            cursor.execute("ROLLBACK TO SAVEPOINT probe")
            return True
        cursor.execute("RELEASE SAVEPOINT probe")
        return False


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_recording_an_observation_leaves_the_shared_rows_of_the_trust_free(s) -> None:  # type: ignore[no-untyped-def]
    """While one observation is being recorded (the cycle locked), another transaction can
    still lock the policy version, academy and appraisee the cycle points to."""
    cycle = s.cycle
    other = connections.create_connection("default")
    seen: dict[str, bool] = {}
    original = observations._require_open

    def probe(locked_cycle):  # type: ignore[no-untyped-def]
        # Runs inside observation_record, just after the service has locked the cycle.
        other.set_autocommit(False)
        try:
            seen["cycle"] = _locked(other, type(cycle), cycle.pk)
            seen["policy version"] = _locked(other, PolicyVersion, cycle.policy_version_id)
            seen["academy"] = _locked(other, Academy, cycle.academy_id)
            seen["appraisee"] = _locked(other, StaffMember, cycle.appraisee_id)
        finally:
            other.rollback()
            other.set_autocommit(True)
        return original(locked_cycle)

    try:
        with mock.patch.object(observations, "_require_open", probe):
            services.observation_record(actor=s.reviewer.user, cycle=cycle, data=_observation(s))
    finally:
        other.close()
    # The probe itself works: the cycle is locked, and nothing else is.
    assert seen == {"cycle": True, "policy version": False, "academy": False, "appraisee": False}
    assert Observation.objects.filter(cycle=cycle).count() == 1


_FOR_UPDATE = re.compile(r"FOR UPDATE(?: OF (?P<of>[^;]+?))?(?: NOWAIT| SKIP LOCKED)?$")


def _locking_statements(captured: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "FOR UPDATE" in q["sql"]]


@postgres_only
def test_every_lock_in_the_reviews_services_names_only_its_own_table(s) -> None:  # type: ignore[no-untyped-def]
    """Each service's locking statement is ``FOR UPDATE OF`` the table it changes."""
    with CaptureQueriesContext(connection) as captured:
        observation = services.observation_record(
            actor=s.reviewer.user, cycle=s.cycle, data=_observation(s)
        )
        services.observation_record_feedback(
            actor=s.reviewer.user,
            observation=observation,
            verbal_feedback_at=timezone.now(),
            written_feedback_at=None,
            feedback_notes="",
        )
        review = services.review_start(actor=s.reviewer.user, cycle=s.cycle)
        services.review_save(
            actor=s.reviewer.user,
            review=review,
            expected_version=review.version,
            data=services.ReviewInput(overview="Going well."),
            objectives={},
            standards={},
            complete=False,
            accountabilities=[],
        )
    statements = _locking_statements(captured)
    tables = {
        "cycle": '"cycles_appraisalcycle"',
        "observation": f'"{Observation._meta.db_table}"',
        "review": f'"{AnnualReview._meta.db_table}"',
    }
    assert statements, "the services took no lock at all"
    for sql in statements:
        match = _FOR_UPDATE.search(sql)
        assert match is not None and match["of"], f"lock without OF: {sql}"
        assert match["of"] in tables.values(), f"lock over another table: {sql}"
    locked = {match["of"] for sql in statements if (match := _FOR_UPDATE.search(sql))}
    assert locked == set(tables.values())


@postgres_only
def test_recording_a_moderation_outcome_locks_only_the_item(s) -> None:  # type: ignore[no-untyped-def]
    from reviews.models import ModerationSample

    sample = ModerationSample.objects.create(
        trust=s.trust,
        academy=s.academy,
        year=2025,
        kind="statements",
        requested_size=1,
        population_size=1,
        seed=1,
    )
    item = ModerationItem.objects.create(sample=sample, cycle=s.cycle, position=1)
    with CaptureQueriesContext(connection) as captured:
        services.moderation_record(
            actor=s.headteacher.user, item=item, outcome="consistent", note=""
        )
    [sql] = _locking_statements(captured)
    match = _FOR_UPDATE.search(sql)
    assert match is not None and match["of"] == f'"{ModerationItem._meta.db_table}"', sql


PROJECT = Path(__file__).resolve().parents[2]
SKIP_DIRS = {".venv", "node_modules", "tests", "migrations", "build", "static"}


def test_no_row_lock_in_the_project_goes_without_of() -> None:
    """Every ``select_for_update`` call in the product says ``of=("self",)`` (or names the
    tables it means): the behaviour tests above cover the reviews services; this keeps any
    new lock from reintroducing the join lock elsewhere."""
    missing = []
    for path in PROJECT.rglob("*.py"):
        if SKIP_DIRS & set(path.relative_to(PROJECT).parts):
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "select_for_update"
                and not any(k.arg == "of" for k in node.keywords)
            ):
                missing.append(f"{path.relative_to(PROJECT)}:{node.lineno}")
    assert not missing, f"select_for_update without of=: {missing}"
