"""How long the scheduled jobs take on this machine, for a large trust.

Builds, in a database of its own (created here and dropped afterwards), a trust of 100
academies and 10,000 staff with 7 years of appraisal cycles (70,000 cycles, each with its
history, an objectives plan and three objectives with their history: about 800,000 rows,
and 15 access-log rows per cycle, as people reading the records leave them), then times:

- one daily reminder sweep over every open cycle (and, separately, sending the digests
  it found due through a backend that discards them);
- one year's retention purge: the 10,000 cycles of the oldest year, each destroyed in its
  own transaction with its history and access-log rows, and recorded in the ledger (with
  the query plan of the access-log look-up each record's destruction makes, and of the
  HR staff list's last page);
- downloads of one completed review's statement PDF through the WSGI stack, signed in as
  the member of staff (min / median / p95 over 20).

Not a test: it prints timings. Usage (``make benchmark`` sets the environment)::

    python scripts/benchmark.py [--academies 100] [--staff 10000] [--years 7]
        [--access-rows 15] [--keep]

The database is ``DATABASE_URL``'s server with the name ``appraisal_bench`` (or
``BENCHMARK_DATABASE``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.scratch_database import (  # noqa: E402 (after the path is set)
    recreate_database,
    scratch_database_url,
)

BATCH = 5000


@contextmanager
def timed(label: str, results: dict[str, float]) -> Iterator[None]:
    started = time.perf_counter()
    yield
    results[label] = time.perf_counter() - started
    print(f"  {label}: {results[label]:.1f} s", flush=True)


def _history_rows(model: Any, objects: list[Any], when: dt.datetime, kind: str) -> list[Any]:
    """One simple-history row per object, as a save would have written."""
    history = model.history.model
    names = [f.attname for f in model._meta.concrete_fields]
    return [
        history(
            **{name: getattr(obj, name) for name in names},
            history_date=when,
            history_type=kind,
            history_change_reason=None,
        )
        for obj in objects
    ]


def build(
    *, academies: int, staff: int, years: int, first_year: int, access_rows: int
) -> dict[str, int]:
    """The trust, bulk-inserted in large batches. Returns row counts."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from accounts.models import User
    from audit.models import AccessAction, AccessLogEntry
    from calendars.models import Term
    from cycles.models import AppraisalCycle, CycleState
    from objectives.models import Objective, ObjectivePlan, PlanState
    from organisation.models import Academy, JobRole, Role, RoleAssignment, StaffMember, Trust
    from policies.models import Policy, PolicyVersion
    from policies.presets import load_preset

    counts: dict[str, int] = {}
    now = timezone.now()
    trust = Trust.objects.create(name="Benchmark Learning Trust", slug="benchmark")
    role = JobRole.objects.create(trust=trust, name="Class teacher")
    policy = Policy.objects.create(trust=trust, name="Classic", preset="classic-objectives")
    version = PolicyVersion.objects.create(
        policy=policy,
        number=1,
        effective_from=dt.date(first_year - 1, 9, 1),
        settings=load_preset("classic-objectives").rules.model_dump(mode="json"),
    )
    schools = Academy.objects.bulk_create(
        [Academy(trust=trust, name=f"Academy {i:03d}") for i in range(academies)]
    )
    terms = []
    for academy in schools:
        for year in range(first_year, first_year + years + 2):
            for name, (sm, sd), (em, ed), offset in (
                ("Autumn", (9, 3), (12, 18), 0),
                ("Spring", (1, 4), (3, 26), 1),
                ("Summer", (4, 12), (7, 21), 1),
            ):
                y = year + offset
                terms.append(
                    Term(
                        academy=academy,
                        name=f"{name} {y}",
                        starts_on=dt.date(y, sm, sd),
                        ends_on=dt.date(y, em, ed),
                    )
                )
    Term.objects.bulk_create(terms, batch_size=BATCH)
    counts["terms"] = len(terms)

    unusable = make_password(None)
    users = User.objects.bulk_create(
        [
            User(
                email=f"staff{i:05d}@bench.example.org",
                first_name=f"First{i}",
                last_name=f"Last{i}",
                trust=trust,
                password=unusable,
            )
            for i in range(staff)
        ],
        batch_size=BATCH,
    )
    per_school = staff // academies
    people = StaffMember.objects.bulk_create(
        [
            StaffMember(
                trust=trust,
                academy=schools[min(i // per_school, academies - 1)],
                user=user,
                staff_number=f"B{i:05d}",
                first_name=user.first_name,
                last_name=user.last_name,
                email=user.email,
                job_role=role,
                staff_group="teaching",
                has_qts=True,
                start_date=dt.date(first_year - 5, 9, 1),
            )
            for i, user in enumerate(users)
        ],
        batch_size=BATCH,
    )
    counts["staff"] = len(people)
    # In each academy: the first person is the headteacher, the next tenth are reviewers,
    # everyone else is reviewed by one of them.
    reviewers_per_school = max(1, per_school // 10)
    reviewer_of: dict[int, StaffMember] = {}
    assignments = []
    for s in range(academies):
        group = people[s * per_school : (s + 1) * per_school]
        if not group:
            continue
        head, reviewers = group[0], group[1 : 1 + reviewers_per_school] or [group[0]]
        assignments.append(
            RoleAssignment(
                trust=trust,
                academy=schools[s],
                user=head.user,
                role=Role.HEADTEACHER,
                starts_at=now - dt.timedelta(days=3650),
            )
        )
        for reviewer in reviewers:
            reviewer.line_manager = head
            reviewer_of[reviewer.pk] = head
        for n, person in enumerate(group[1 + len(reviewers) :]):
            reviewer = reviewers[n % len(reviewers)]
            person.line_manager = reviewer
            reviewer_of[person.pk] = reviewer
    StaffMember.objects.bulk_update(
        [p for p in people if p.line_manager_id], ["line_manager"], batch_size=BATCH
    )
    RoleAssignment.objects.bulk_create(assignments)

    counts.update(cycles=0, history=0, plans=0, objectives=0, access_log=0)
    current = first_year + years - 1
    for year in range(first_year, first_year + years):
        state = CycleState.ACTIVE if year == current else CycleState.CLOSED
        cycles = AppraisalCycle.objects.bulk_create(
            [
                AppraisalCycle(
                    trust=trust,
                    academy_id=p.academy_id,
                    appraisee=p,
                    reviewer=reviewer_of.get(p.pk),
                    policy_version=version,
                    starts_on=dt.date(year, 9, 1),
                    ends_on=dt.date(year + 1, 8, 31),
                    state=state,
                )
                for p in people
            ],
            batch_size=BATCH,
        )
        when = timezone.make_aware(dt.datetime(year, 9, 1, 9))
        history = _history_rows(AppraisalCycle, cycles, when, "+")
        history += _history_rows(AppraisalCycle, cycles, when + dt.timedelta(days=30), "~")
        AppraisalCycle.history.model.objects.bulk_create(history, batch_size=BATCH)
        plans = ObjectivePlan.objects.bulk_create(
            [
                ObjectivePlan(
                    trust=trust,
                    cycle=c,
                    state=PlanState.DRAFT if year == current else PlanState.AGREED,
                )
                for c in cycles
            ],
            batch_size=BATCH,
        )
        ObjectivePlan.history.model.objects.bulk_create(
            _history_rows(ObjectivePlan, plans, when, "+"), batch_size=BATCH
        )
        objectives = Objective.objects.bulk_create(
            [
                Objective(
                    trust=trust,
                    cycle=c,
                    title=f"Objective {n} for cycle {c.pk}",
                    success_criteria="Pupils' progress in the year group improves.",
                    position=n,
                )
                for c in cycles
                for n in range(3)
            ],
            batch_size=BATCH,
        )
        Objective.history.model.objects.bulk_create(
            _history_rows(Objective, objectives, when, "+"), batch_size=BATCH
        )
        counts["cycles"] += len(cycles)
        counts["history"] += len(history) + len(plans) + len(objectives)
        counts["plans"] += len(plans)
        counts["objectives"] += len(objectives)
        # Who read each record: its reviewer, its appraisee and leaders, through the year.
        for start in range(0, len(cycles), BATCH):
            entries = [
                AccessLogEntry(
                    trust=trust,
                    user_id=c.appraisee.user_id,
                    at=when + dt.timedelta(days=n * 20),
                    action=AccessAction.VIEW,
                    object_type="cycles.appraisalcycle",
                    object_id=str(c.pk),
                    label=f"Appraisal {year}",
                )
                for c in cycles[start : start + BATCH]
                for n in range(access_rows)
            ]
            AccessLogEntry.objects.bulk_create(entries, batch_size=BATCH)
            counts["access_log"] += len(entries)
        print(f"  cycles {year}-{year + 1}: {len(cycles)}", flush=True)
    return counts


def explain(label: str, rows: Any) -> None:
    """Print the plan (``EXPLAIN ANALYZE``) of one query."""
    from django.db import connection

    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}", params)
        plan = [line for (line,) in cursor.fetchall()]
    print(f"  {label} (EXPLAIN ANALYZE):")
    for line in plan:
        print(f"    {line}")


def explain_access_log_lookup() -> None:
    """The access-log delete the purge runs for each record tree, for one record still
    there: it should use the index on (object type, object id)."""
    from audit.models import AccessLogEntry
    from cycles.models import AppraisalCycle

    cycle_id = AppraisalCycle.objects.order_by("pk").values_list("pk", flat=True).first()
    rows = AccessLogEntry._base_manager.filter(
        object_type="cycles.appraisalcycle", object_id__in=[str(cycle_id)]
    ).order_by()
    explain("Access-log look-up per record tree", rows)


def explain_staff_list_last_page(per_page: int = 50) -> None:
    """The HR staff list's last page (the whole trust, in name order): it should walk the
    index in the list's order rather than sort every member of staff."""
    from organisation.models import StaffMember, Trust

    trust = Trust.objects.get(slug="benchmark")
    rows = (
        StaffMember.objects.filter(trust=trust)
        .current()
        .select_related("academy", "job_role", "line_manager")
        .order_by("last_name", "first_name", "pk")
    )
    last = max(0, (rows.count() - 1) // per_page * per_page)
    explain("HR staff list, last page", rows[last : last + per_page])


def statement_downloads(requests: int = 20) -> None:
    """Download one completed review's statement ``requests`` times, as its member of
    staff would, and print min / median / p95."""
    import statistics

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from cycles.models import AppraisalCycle, CycleState
    from reviews.models import AnnualReview, Framework

    cycle = (
        AppraisalCycle.objects.filter(state=CycleState.ACTIVE)
        .select_related("appraisee__user")
        .order_by("pk")
        .first()
    )
    assert cycle is not None and cycle.appraisee.user is not None
    AnnualReview.objects.create(
        trust_id=cycle.trust_id,
        cycle=cycle,
        framework=Framework.TEACHERS,
        evidence_summary="Lesson observations and pupil work.",
        overview="Targets largely achieved.",
        pay_reference="Recommended to progress to M4.",
        next_objectives="Raise attainment in Year 6 reading.",
        completed_at=timezone.now(),
    )
    client = Client()
    client.force_login(cycle.appraisee.user)
    url = reverse("reviews:statement", args=[cycle.pk])
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append(1000 * (time.perf_counter() - started))
        assert response.status_code == 200, response.status_code
    first, times = times[0], sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * len(times)) - 1)]
    print(
        f"    {requests} downloads: first {first:.0f} ms; "
        f"min {times[0]:.0f} / median {statistics.median(times):.0f} / p95 {p95:.0f} ms",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--academies", type=int, default=100)
    parser.add_argument("--staff", type=int, default=10_000)
    parser.add_argument("--years", type=int, default=7)
    parser.add_argument("--access-rows", type=int, default=15, help="Access-log rows per cycle.")
    parser.add_argument("--keep", action="store_true", help="Keep the database afterwards.")
    args = parser.parse_args()

    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/appraisal")
    url = scratch_database_url(
        base, os.environ.get("BENCHMARK_DATABASE", "appraisal_bench"), purpose="benchmark"
    )
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appraisal_site.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    # Stored statements go to a scratch folder, removed afterwards.
    media = tempfile.mkdtemp(prefix="benchmark-media-")
    os.environ["MEDIA_ROOT"] = media

    recreate_database(url)
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        from calendars.working_days import academic_year_of
        from reminders import services as reminders
        from retention import services as retention
        from retention.rules import add_years

        results: dict[str, float] = {}
        today = timezone.localdate()
        current = academic_year_of(today)
        first_year = current - args.years + 1
        print(f"Database {urlsplit(url).path.lstrip('/')}: migrating", flush=True)
        with timed("migrate", results):
            call_command("migrate", verbosity=0)
        print(
            f"Building {args.academies} academies, {args.staff} staff, {args.years} years "
            f"of cycles ({first_year}-{current + 1})",
            flush=True,
        )
        with timed("build", results):
            counts = build(
                academies=args.academies,
                staff=args.staff,
                years=args.years,
                first_year=first_year,
                access_rows=args.access_rows,
            )
        with timed("analyse", results):
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        # The first Monday of November: objectives were due by the end of October.
        sweep_day = dt.date(current, 11, 1)
        while sweep_day.weekday() != 0:
            sweep_day += dt.timedelta(days=1)
        print(f"Reminder sweep for {sweep_day}", flush=True)
        with timed("reminder sweep", results):
            sweep = reminders.reminders_sweep(on=sweep_day)
        print(
            f"    {sweep.cycles} open cycles, {sweep.deadlines} deadlines not done, "
            f"{len(sweep.planned)} reminders for {sweep.recipients} people",
            flush=True,
        )
        with timed("sending the digests", results):
            outcomes = reminders.reminders_send_pending(on=sweep_day)
        sent = [o for o in outcomes if o.status == "sent"]
        print(f"    {len(sent)} digests, {sum(o.items for o in sent)} items", flush=True)
        with timed("second sweep, same day (no-op)", results):
            reminders.reminders_sweep(on=sweep_day)

        oldest_end = dt.date(first_year + 1, 8, 31)
        as_of = add_years(oldest_end, 7) + dt.timedelta(days=1)
        print(f"Retention purge as of {as_of} (the {first_year}-{first_year + 1} cycles)")
        with timed("purge dry run", results):
            dry = retention.purge_expired_records(as_of=as_of, dry_run=True)
        with timed("purge", results):
            run = retention.purge_expired_records(as_of=as_of)
        print(
            f"    {run.purged} records destroyed, "
            f"{sum(sum(o.rows.values()) for o in run.outcomes)} rows; "
            f"dry run listed {dry.count('would_purge')}",
            flush=True,
        )
        with timed("second purge (no-op)", results):
            again = retention.purge_expired_records(as_of=as_of)
        assert again.purged == 0
        explain_access_log_lookup()
        explain_staff_list_last_page()
        print("Statement downloads", flush=True)
        statement_downloads()

        print("\nSummary")
        print(f"  data: {counts}")
        for label, seconds in results.items():
            print(f"  {label:<32} {seconds:8.1f} s")
        if run.purged:
            per_tree = 1000 * results["purge"] / run.purged
            print(f"  {'purge per record tree':<32} {per_tree:8.1f} ms")
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(media, ignore_errors=True)
        if not args.keep:
            recreate_database(url, drop_only=True)


if __name__ == "__main__":
    main()
