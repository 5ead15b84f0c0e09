"""A real Celery worker (a thread, from ``celery.contrib.pytest``) against real Redis, for
the integration tests marked ``celery_integration``.

The test app takes every ``CELERY_*`` setting of the project (so the transport settings
under test are the real ones), then points at its own Redis database and turns eager
execution off. Import the fixtures into a conftest to use them.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from celery import Celery
from celery.contrib.pytest import (  # noqa: F401 - fixtures re-exported for conftests
    celery_app,
    celery_class_tasks,
    celery_enable_logging,
    celery_parameters,
    celery_worker,
    celery_worker_pool,
    use_celery_app_trap,
)
from django.conf import settings

# Imported here, before any test app exists: a shared task registers itself with every app
# through a finalizer, and the test-app fixture forgets finalizers added during a test.
import reminders.tasks  # noqa: F401
import retention.tasks  # noqa: F401

# A Redis database of their own: the broker is emptied before and after each test. Each
# parallel test process (pytest-xdist's gw0, gw1, ...) takes the next one.
_WORKER = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
TEST_REDIS_URL = os.environ.get("CELERY_TEST_BROKER_URL", f"redis://127.0.0.1:6379/{8 + _WORKER}")


@pytest.fixture(scope="session")
def celery_config() -> dict[str, Any]:
    config = {
        name.removeprefix("CELERY_").lower(): getattr(settings, name)
        for name in dir(settings)
        if name.startswith("CELERY_")
    }
    config.update(
        broker_url=TEST_REDIS_URL,
        result_backend=TEST_REDIS_URL,
        task_always_eager=False,
        # The worker's start-up ping waits for a result; our own tasks still store none.
        task_ignore_result=False,
    )
    return config


@pytest.fixture(scope="session")
def celery_includes() -> tuple[str, ...]:
    return ("reminders.tasks", "retention.tasks")


@pytest.fixture(scope="session")
def celery_worker_parameters() -> dict[str, Any]:
    return {"shutdown_timeout": 20.0}


@pytest.fixture
def clean_broker() -> Iterator[None]:
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    yield
    client.flushdb()


@pytest.fixture
def live_celery(
    clean_broker: None,
    celery_app: Celery,  # noqa: F811 - the fixture imported above, by name
    celery_worker: object,  # noqa: F811
) -> Iterator[Celery]:
    """The test app, made the current and default app in every thread, so tasks queued by
    other tasks (``.delay()`` on a shared task) go through it too."""
    assert celery_app.conf.task_always_eager is False
    celery_app.set_default()
    celery_app.set_current()
    yield celery_app


def queue_drained() -> bool:
    """Nothing waiting in the broker and nothing delivered but unacknowledged (with late
    acknowledgement a running task stays in Redis's "unacked" hash until it finishes)."""
    client = redis.Redis.from_url(TEST_REDIS_URL)
    return client.llen("celery") == 0 and client.hlen("unacked") == 0


@pytest.fixture
def tasks_run() -> Iterator[list[tuple[str, str]]]:
    """(task name, thread name) of every task the worker starts during the test."""
    import threading

    from celery.signals import task_prerun

    seen: list[tuple[str, str]] = []

    def record(sender: Any = None, **kwargs: Any) -> None:
        seen.append((getattr(sender, "name", str(sender)), threading.current_thread().name))

    task_prerun.connect(record, weak=False)
    yield seen
    task_prerun.disconnect(record)


def beat_fires(app: Celery, entry_name: str) -> None:
    """What the beat process does when ``entry_name`` of the static schedule falls due:
    publish its task to the broker."""
    import datetime as dt

    from celery.beat import Scheduler

    scheduler = Scheduler(app=app, lazy=False)
    entry = scheduler.schedule[entry_name]
    # Last run a day ago: due now.
    entry.last_run_at = app.now() - dt.timedelta(days=1)
    assert entry.is_due().is_due
    scheduler.apply_entry(entry, producer=scheduler.producer)


def wait_for(condition: Callable[[], bool], *, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what or condition}")
