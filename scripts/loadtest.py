"""How the web server holds up under a steady stream of staff opening *My appraisal*.

Sets everything up by itself, in a database of its own: creates it, migrates it, loads the
demo trust (``seed_demo``), starts gunicorn from ``gunicorn.conf.py`` on a free port of
127.0.0.1, signs in three demo staff (a line manager, a teacher and a teaching assistant:
none needs a second step), then sends ``GET /cycles/mine/`` at a fixed rate, round-robin
between them, for a fixed time. It reports the latency of one request at a time, then the
p50 / p95 / p99 / max and the errors under load, stops gunicorn and drops the database.

The requests are **open-loop**: each one is sent at its scheduled time whether or not the
earlier ones have been answered, and its latency is counted from that scheduled time. A
server that falls behind therefore shows it in the figures, as real visitors would feel it
(a closed loop, which waits for each answer before sending the next, hides the queue).

Each request carries ``X-Forwarded-Proto: https``, as the TLS proxy in front of gunicorn sets
it, so the production settings (secure cookies, HTTPS redirect) apply unchanged.

Bounded on purpose: it only ever talks to 127.0.0.1, and the rate and duration are capped.
Not a test: it prints figures, and exits non-zero if any request failed.
Usage (``make loadtest`` sets the environment)::

    python scripts/loadtest.py [--rate 50] [--duration 60] [--workers N] [--keep]
                               [--config gunicorn.conf.py]

The database is ``DATABASE_URL``'s PostgreSQL server with the name ``appraisal_loadtest``
(or ``LOADTEST_DATABASE``).
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.scratch_database import (  # noqa: E402 (after the path is set)
    database_exists,
    recreate_database,
    scratch_database_url,
)

HOST = "127.0.0.1"
PATH = "/cycles/mine/"
# Demo staff without a privileged role, so password sign-in is the whole sign-in.
PERSONA_KEYS = ("a_hod1", "a_t1", "a_ta1")
MAX_RATE = 200
MAX_DURATION = 600
REQUEST_TIMEOUT = 30.0
UNLOADED_REQUESTS = 30


@dataclass
class Session:
    label: str
    cookies: dict[str, str] = field(default_factory=dict)

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def take_cookies(self, response: http.client.HTTPResponse) -> None:
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                # The cookies are Secure (production settings): a cookie jar would not send
                # them over the plain HTTP between the proxy and gunicorn, so keep them here.
                self.cookies[name] = morsel.value


@dataclass
class Outcome:
    latency: float
    error: str | None


def refuse_other_hosts(host: str) -> None:
    if host != HOST:
        raise SystemExit(f"The load test only runs against {HOST}, not {host!r}.")


def loadtest_database_url(base: str, name: str) -> str:
    url = scratch_database_url(base, name, purpose="load test")
    host = urlsplit(url).hostname
    if host not in (HOST, "localhost"):
        raise SystemExit(f"The load test's database must be on {HOST}, not {host!r}.")
    return url


def server_environment(database_url: str, bind: str, workers: int | None) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_DEBUG="0",
        DJANGO_SETTINGS_MODULE="appraisal_site.settings",
        # Pages only; the stylesheets are not requested, so no collected manifest is needed.
        DJANGO_STATIC_MANIFEST="0",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        GUNICORN_BIND=bind,
        # This script stands where the TLS proxy stands: trusted for X-Forwarded-Proto.
        FORWARDED_ALLOW_IPS=HOST,
    )
    env.setdefault("DJANGO_SECRET_KEY", "loadtest-only-not-secret")
    if workers is not None:
        env["GUNICORN_WORKERS"] = str(workers)
    return env


def prepare_database(url: str, *, reuse: bool) -> dict[str, tuple[str, str, str]]:
    """Create, migrate and seed the database; return each persona's (label, email, password).

    Runs in this process with the server's settings, except that background tasks run
    in-process (no REDIS_URL) so the demo is complete before the server starts."""
    if not (reuse and database_exists(url)):
        recreate_database(url)
    os.environ.update(server_environment(url, bind=f"{HOST}:0", workers=None))
    os.environ["REDIS_URL"] = ""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from appraisal_site.demo import seed_demo

    print("Migrating and loading the demo trust…", flush=True)
    call_command("migrate", "--noinput", verbosity=0)
    today = timezone.localdate()
    year = today.year if today.month >= 9 else today.year - 1
    result = seed_demo(preset="classic-objectives", academic_year=year)
    connections.close_all()
    by_key = {p.key: (p.label, p.email, p.password) for p in result.personas}
    return {key: by_key[key] for key in PERSONA_KEYS}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def request(
    port: int,
    method: str,
    path: str,
    session: Session | None = None,
    body: dict[str, str] | None = None,
) -> tuple[int, bytes, http.client.HTTPResponse]:
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    origin = f"https://{HOST}:{port}"
    headers = {"Host": f"{HOST}:{port}", "X-Forwarded-Proto": "https"}
    if session is not None and session.cookies:
        headers["Cookie"] = session.cookie_header()
    payload = None
    if body is not None:
        payload = urllib.parse.urlencode(body).encode()
        headers.update(
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": origin,
                "Referer": origin + path,
            }
        )
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    if session is not None:
        session.take_cookies(response)
    return response.status, content, response


def wait_until_serving(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped while starting:\n{tail(log)}")
        try:
            status, _, _ = request(port, "GET", "/accounts/login/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"gunicorn did not answer within 90 s:\n{tail(log)}")


def sign_in(port: int, label: str, email: str, password: str) -> Session:
    session = Session(label=label)
    status, content, _ = request(port, "GET", "/accounts/login/", session)
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    if status != 200 or match is None:
        raise SystemExit(f"The sign-in page did not load for {label} ({status}).")
    status, _, response = request(
        port,
        "POST",
        "/accounts/login/",
        session,
        {"login": email, "password": password, "csrfmiddlewaretoken": match.group(1).decode()},
    )
    if status != 302 or "sessionid" not in session.cookies:
        where = response.getheader("Location")
        raise SystemExit(f"{label} could not sign in ({status}, to {where}).")
    status, _, _ = request(port, "GET", PATH, session)
    if status != 200:
        raise SystemExit(f"{label} signed in but {PATH} answered {status}.")
    return session


def fetch(port: int, session: Session, scheduled: float) -> Outcome:
    """One page view; latency counted from when it was due to be sent."""
    try:
        status, _, response = request(port, "GET", PATH, session)
        error = None if status == 200 else f"HTTP {status} {response.getheader('Location') or ''}"
    except (OSError, http.client.HTTPException) as exc:
        error = type(exc).__name__
    return Outcome(latency=time.perf_counter() - scheduled, error=error)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (no interpolation): a value that was actually observed."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def run_open_loop(port: int, sessions: list[Session], rate: int, duration: int) -> list[Outcome]:
    total = rate * duration
    futures: list[Future[Outcome]] = []
    # Eight seconds' worth of requests in flight at once. If a server falls so far behind
    # that every thread is waiting, a request waits for a thread, and since its latency is
    # counted from its scheduled time, that wait is in the figures too.
    pool = ThreadPoolExecutor(max_workers=min(total, rate * 8), thread_name_prefix="load")
    try:
        started = time.perf_counter()
        for i in range(total):
            scheduled = started + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(fetch, port, sessions[i % len(sessions)], scheduled))
        return [future.result() for future in futures]
    finally:
        # On Ctrl-C, do not send what is still scheduled.
        pool.shutdown(wait=True, cancel_futures=True)


def report(outcomes: list[Outcome], elapsed: float, rate: int, duration: int) -> int:
    errors = [o.error for o in outcomes if o.error]
    latencies = [o.latency for o in outcomes]
    print(
        f"under load: {len(outcomes)} requests at {rate}/s for {duration} s, "
        f"all answered in {elapsed:.1f} s ({len(outcomes) / elapsed:.1f}/s)"
    )
    print(
        f"  p50 {ms(percentile(latencies, 0.50))}, p95 {ms(percentile(latencies, 0.95))}, "
        f"p99 {ms(percentile(latencies, 0.99))}, max {ms(max(latencies))}"
    )
    print(f"  errors: {len(errors)}")
    for kind in sorted(set(errors)):
        print(f"    {errors.count(kind)}: {kind}")
    return 1 if errors else 0


def server_cpu_seconds(master: int) -> float | None:
    """CPU time used so far by gunicorn: the master, its live workers and the workers it has
    already reaped (recycled ones). Read from /proc, so Linux only; None elsewhere."""
    ticks = os.sysconf("SC_CLK_TCK")

    def fields(pid: int) -> list[str] | None:
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            return None
        return stat.rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, …

    own = fields(master)
    if own is None:
        return None
    # utime, stime, then cutime, cstime (the reaped children's).
    total = sum(int(value) for value in own[11:15])
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            child = fields(int(entry.name))
            if child is not None and child[1] == str(master):
                total += int(child[11]) + int(child[12])
    return total / ticks


def tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGTERM)  # gunicorn's graceful shutdown
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=HOST, help=f"Only {HOST} is accepted.")
    parser.add_argument("--rate", type=int, default=50, help="Requests a second (default 50).")
    parser.add_argument("--duration", type=int, default=60, help="Seconds (default 60).")
    parser.add_argument("--workers", type=int, default=None, help="GUNICORN_WORKERS for the run.")
    parser.add_argument(
        "--config",
        type=Path,
        default=ROOT / "gunicorn.conf.py",
        help="gunicorn configuration file (default: the project's gunicorn.conf.py).",
    )
    parser.add_argument(
        "--keep", action="store_true", help="Keep the database afterwards (and reuse it)."
    )
    args = parser.parse_args()
    refuse_other_hosts(args.host)
    if not 1 <= args.rate <= MAX_RATE:
        parser.error(f"--rate must be between 1 and {MAX_RATE}.")
    if not 1 <= args.duration <= MAX_DURATION:
        parser.error(f"--duration must be between 1 and {MAX_DURATION}.")

    redis_url = os.environ.get("REDIS_URL", "")
    base = os.environ.get("DATABASE_URL", f"postgres://postgres@{HOST}:5432/appraisal")
    url = loadtest_database_url(base, os.environ.get("LOADTEST_DATABASE", "appraisal_loadtest"))
    server: subprocess.Popen[bytes] | None = None
    with tempfile.TemporaryDirectory(prefix="loadtest-") as scratch:
        log = Path(scratch) / "gunicorn.log"
        try:
            personas = prepare_database(url, reuse=args.keep)
            port = free_port()
            env = server_environment(url, bind=f"{HOST}:{port}", workers=args.workers)
            env["REDIS_URL"] = redis_url
            print(f"Starting gunicorn on {HOST}:{port}…", flush=True)
            with log.open("wb") as out:
                server = subprocess.Popen(  # noqa: S603 - our own interpreter and config
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "appraisal_site.wsgi:application",
                        "--config",
                        str(args.config.resolve()),
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            wait_until_serving(port, server, log)
            sessions = [sign_in(port, *personas[key]) for key in PERSONA_KEYS]
            print(f"Signed in: {', '.join(s.label for s in sessions)}.")

            unloaded = []
            for i in range(UNLOADED_REQUESTS):
                outcome = fetch(port, sessions[i % len(sessions)], time.perf_counter())
                if outcome.error:
                    raise SystemExit(f"{PATH} failed before the load started: {outcome.error}")
                unloaded.append(outcome.latency)
            print(
                f"one at a time: median {ms(statistics.median(unloaded))}, "
                f"p95 {ms(percentile(unloaded, 0.95))} ({UNLOADED_REQUESTS} requests)",
                flush=True,
            )

            load_before = os.getloadavg()[0]
            cpu_before = resource.getrusage(resource.RUSAGE_SELF)
            server_before = server_cpu_seconds(server.pid)
            started = time.perf_counter()
            outcomes = run_open_loop(port, sessions, args.rate, args.duration)
            status = report(outcomes, time.perf_counter() - started, args.rate, args.duration)
            server_after = server_cpu_seconds(server.pid)
            cpu_after = resource.getrusage(resource.RUSAGE_SELF)
            client_cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (
                cpu_after.ru_stime - cpu_before.ru_stime
            )
            # Latency depends on what else the machine is doing; the server's CPU time per
            # request much less so, which makes it the figure to compare two settings by.
            if server_before is not None and server_after is not None:
                used = server_after - server_before
                print(f"  gunicorn used {used:.1f} s of CPU: {ms(used / len(outcomes))} a request")
            # The client shares the machine with the server: say how much of it it took, and
            # how busy the machine already was.
            print(
                f"machine: {os.cpu_count()} cores, load average {load_before:.1f} at the start; "
                f"this client used {client_cpu:.1f} s of CPU"
            )
            if server.poll() is not None:
                print(f"gunicorn stopped during the run:\n{tail(log)}")
                status = 1
        finally:
            if server is not None:
                stop(server)
            if not args.keep:
                recreate_database(url, drop_only=True)
    sys.exit(status)


if __name__ == "__main__":
    main()
