"""Opening a page never changes the database.

Every page of the URL sweep (``test_url_sweep.ROUTES``, which lists every route) is opened
with GET by every persona of the trust, and PostgreSQL's own per-transaction counters
(``pg_stat_xact_user_tables``: rows inserted, updated and deleted) are read before and after
each request. Any change in an application table fails the test, naming the page, the
persona and the table. Only the tables that record reading itself may change: the access log
and security events (who read what, refusals), the session stores, and django-axes' sign-in
records.

A new route is covered as soon as it is added to the sweep, which it must be.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import UserSession
from audit.models import AccessLogEntry, SecurityEvent
from tests.personas import World

from .test_url_sweep import ROUTES, TRUST_A_PERSONAS, Side, build_side

pytestmark = pytest.mark.django_db

# Tables whose job is to record reads: the access log, security events, sessions and sign-in
# attempts. Everything else staying still is the point of the test.
READ_RECORDS = {
    AccessLogEntry._meta.db_table,
    SecurityEvent._meta.db_table,
    UserSession._meta.db_table,  # the session store itself (sessions are saved on use)
    "django_session",
}
READ_RECORD_PREFIXES = ("axes_",)


def writes_so_far() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted per table in the current transaction."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {
            name: (ins, upd, dels)
            for name, ins, upd, dels in cursor.fetchall()
            if name not in READ_RECORDS and not name.startswith(READ_RECORD_PREFIXES)
        }


def changed(before: dict[str, tuple[int, int, int]], after: dict[str, tuple[int, int, int]]):  # type: ignore[no-untyped-def]
    return {
        table: (
            n[0] - before.get(table, (0, 0, 0))[0],
            n[1] - before.get(table, (0, 0, 0))[1],
            n[2] - before.get(table, (0, 0, 0))[2],
        )
        for table, n in after.items()
        if n != before.get(table, (0, 0, 0))
    }


@pytest.fixture
def own_side(world: World) -> Side:
    build_side(world, trust_b=True)
    return build_side(world, trust_b=False)


def test_the_counters_see_a_write(world: World) -> None:
    """The counters this test relies on move when a row is written in the transaction."""
    before = writes_so_far()
    world.trust.save()
    assert world.trust._meta.db_table in changed(before, writes_so_far())


@pytest.mark.parametrize("persona", TRUST_A_PERSONAS)
def test_no_page_writes_when_opened(world: World, own_side: Side, persona: str) -> None:
    client = Client()
    client.force_login(world.user(persona))
    # Two visits: the first may be the one that "starts" something, the second must not
    # differ either.
    found: list[str] = []
    for _visit in range(2):
        for name in ROUTES:
            url = reverse(name, kwargs=ROUTES[name](own_side))
            before = writes_so_far()
            response = client.get(url)
            if response.streaming:
                b"".join(response)  # type: ignore[attr-defined]
            diff = changed(before, writes_so_far())
            if diff:
                found.append(f"GET {name} as {persona} wrote (ins, upd, del): {diff}")
    assert not found, "\n".join(found)
