"""gunicorn settings; every value can be overridden from the environment.

The listening address is for the TLS proxy only: inside a container ``0.0.0.0:8000`` is
reachable solely over the container's own networks (docker-compose.yml publishes no port
for it); anywhere else bind it to 127.0.0.1 with ``GUNICORN_BIND``.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from typing import Any

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))

# Load Django once in the master and fork the workers from it: a worker then starts in
# milliseconds instead of importing the whole project again (which matters when workers are
# recycled under load), and the loaded code is shared between workers copy-on-write.
# Safe for this project: nothing opens a database, Redis or SMTP connection while the
# application loads (each is opened on first use, inside a worker), and `when_ready` closes
# any database connection before the first fork all the same. The trade-off: `kill -HUP`
# re-forks the same loaded code, so a new release needs a restart (a new container).
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"

# Recycle workers now and then: PDF rendering can leave memory behind. Under an even load
# every worker reaches `max_requests` at about the same moment; with no jitter, or a small
# one (100 on 1000), they all restart within a few seconds of each other and the site
# stalls for seconds while none is serving. Half of `max_requests` spreads the restarts
# over minutes, so at most one worker is starting at a time.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2))

accesslog = "-"
# Where the TLS proxy connects from: gunicorn trusts X-Forwarded-Proto from these only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def _warm_up() -> None:
    """Import the URLconf (so every view, form and template tag module) before forking, so
    it is loaded once and frozen with the rest instead of on each worker's first request."""
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - the import is the point
    # A worker must never inherit the master's database socket.
    connections.close_all()


# The garbage collector's full collections walk every object the process holds: after
# Django and the project are loaded that is a few hundred thousand long-lived objects that
# will never be garbage, and a full collection over them took ~100 ms of a request every
# dozen or so requests. `gc.freeze()` moves everything alive at that moment into a
# permanent generation the collector no longer scans (and, before a fork, no longer
# writes to, which keeps those pages shared between workers).


def when_ready(server: Any) -> None:
    # In the master, once the preloaded application is in memory, before the first fork.
    if preload_app:
        _warm_up()
    gc.freeze()


def pre_fork(server: Any, worker: Any) -> None:
    # Again before each (re)fork, for whatever the master allocated since.
    gc.freeze()


def post_worker_init(worker: Any) -> None:
    # In the worker, after it has loaded the application (the only load when not preloaded).
    if not preload_app:
        _warm_up()
    gc.freeze()
