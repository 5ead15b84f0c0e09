"""Shared fixtures. Personas for the access matrix live in tests/personas.py."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Argon2 is deliberately slow; tests sign in hundreds of accounts. Production hashing
    is checked by tests/security (settings.PASSWORD_HASHERS[0] is Argon2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _plain_static_files(settings):  # type: ignore[no-untyped-def]
    """Pages render {% static %}; the hashed-name manifest exists only after collectstatic,
    which tests do not run (the live server serves static files from the finders)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _mfa_not_enforced(settings):  # type: ignore[no-untyped-def]
    """Most tests sign HR or headteacher personas in with ``force_login`` and have no
    authenticator app; tests of sign-in itself ask for ``mfa_enforced`` (the production
    setting) instead."""
    settings.MFA_REQUIRED_FOR_PRIVILEGED_ROLES = False


@pytest.fixture
def mfa_enforced(settings):  # type: ignore[no-untyped-def]
    settings.MFA_REQUIRED_FOR_PRIVILEGED_ROLES = True


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    """Two trusts with every persona (see tests/personas.py)."""
    from tests.personas import build_world

    return build_world()


@pytest.fixture(scope="module")
def _module_world(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    """One world for a whole module, written inside a transaction that is rolled back when
    the module is done; each test runs in a savepoint inside it (pytest-django's ``db``)."""
    from django.db import transaction

    from tests.personas import build_world

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def shared_world(_module_world, db):  # type: ignore[no-untyped-def]
    """The module's world for one test: its rows are rolled back after the test, and the test
    gets its own copy of the objects, so a change one test makes is not seen by the next.

    A module of many small tests on the personas (the access matrices) asks for it as its
    ``world`` (see tests/security/test_cycle_access_matrix.py) instead of building a world per
    test; a module with transactional tests cannot (they empty the database)."""
    import copy

    return copy.deepcopy(_module_world)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):  # type: ignore[no-untyped-def]
    """pytest-playwright launches the machine's Chromium, headless, with no downloads."""
    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "chromium_sandbox": False,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def browser_page(page, live_server, transactional_db):  # type: ignore[no-untyped-def]
    """A Playwright page whose ``go(page, path)`` addresses go to the live test server.

    Browser tests run on a flushed database, which loses the reference data that data
    migrations load (the Teachers' and Headteachers' Standards): load it again first."""
    from importlib import import_module

    from django.apps import apps
    from django.core.management.sql import emit_post_migrate_signal

    # The content types and permissions too (each handler adds only what is missing): a
    # restore after another transactional test may have left them out.
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    import_module("reviews.migrations.0002_standards").load(apps, None)
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    return page


def _restores_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("serialized_rollback"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """After pytest-django's order (database tests, then transactional ones): the
    transactional tests that restore the migrated data (``serialized_rollback``) run before
    the ones that do not. Emptying the database after one of the latter re-creates the content
    types under new ids, which the next restore would then collide with; with one process per
    core each process keeps this order for the tests it is given."""
    from pytest_django.plugin import validate_django_db

    def transactional(item: pytest.Item) -> bool:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", [])
        return bool(
            (marker and validate_django_db(marker)[0])
            or "transactional_db" in fixtures
            or "live_server" in fixtures
        )

    def order(item: pytest.Item) -> int:
        if not transactional(item):
            return 0
        return 0 if _restores_the_database(item) else 1

    items.sort(key=order)
