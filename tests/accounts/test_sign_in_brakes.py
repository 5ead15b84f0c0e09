"""Sign-in brakes: per account they bite hard, per network address they are generous, and
the network address is the one the deployment's trusted proxy reports, never a header any
client can write. (Lockout after repeated wrong passwords: test_lockout.py.)"""

from __future__ import annotations

import logging

import pytest
from allauth.core.internal.ratelimit import parse_rates
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse

from audit.models import SecurityEvent, SecurityEventKind
from audit.services import client_ip
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the TLS proxy, as gunicorn sees it
ATTACKER = "203.0.113.66"
COLLEAGUE = "198.51.100.7"
TOO_MANY = "You have tried too many times"
NOT_RIGHT = "The email address or password is not right"


def attempt(client: Client, email: str, password: str, **headers: str):  # type: ignore[no-untyped-def]
    return client.post(reverse("account_login"), {"login": email, "password": password}, **headers)


def via_proxy(client_address: str, *, spoofed: str = "") -> dict[str, str]:
    """What gunicorn receives from a proxy that appends the client's address."""
    forwarded = f"{spoofed}, {client_address}" if spoofed else client_address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


@pytest.fixture
def one_proxy(settings):  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXY_COUNT = 1


@pytest.fixture
def small_address_brake(settings):  # type: ignore[no-untyped-def]
    """The production per-address number is in the hundreds; ten keeps the test quick while
    exercising the same mechanism (the per-account part stays as configured)."""
    per_key = settings.ACCOUNT_RATE_LIMITS["login_failed"].split(",")[1]
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": f"10/m/ip,{per_key}",
    }


def test_configured_brakes_are_generous_per_address_and_tight_per_account():
    rates = {r.per: r for r in parse_rates(settings.ACCOUNT_RATE_LIMITS["login_failed"])}
    # A whole school behind one address: hundreds of failures a minute before it bites.
    assert rates["ip"].amount / rates["ip"].duration * 60 >= 200
    # Per account (wrong passwords for one address, wrong two-step codes for one account).
    assert rates["key"].amount <= 5
    assert rates["key"].duration >= 300
    login = parse_rates(settings.ACCOUNT_RATE_LIMITS["login"])
    assert all(r.amount / r.duration * 60 >= 200 for r in login if r.per == "ip")


def test_failures_for_invented_accounts_do_not_stop_a_colleague_signing_in():
    """The probe's attack: 31 wrong sign-ins with made-up addresses from one address used
    to lock every account out for a minute."""
    UserFactory(email="ada@example.org")
    attacker = Client()
    for n in range(40):
        response = attempt(attacker, f"invented{n}@example.org", "wrong-password")
        assert response.status_code == 200
        assert NOT_RIGHT in response.content.decode(), n
    # Same school, same address: the right password still works.
    colleague = Client()
    assert attempt(colleague, "ada@example.org", TEST_PASSWORD).status_code == 302
    assert "_auth_user_id" in colleague.session


def test_forwarded_for_is_ignored_unless_a_proxy_is_configured(small_address_brake, caplog):
    """A client inventing a new X-Forwarded-For each time is still braked by the address it
    really comes from, and the logs show that address."""
    attacker = Client()
    with caplog.at_level(logging.INFO, logger="appraisal.security"):
        for n in range(10):
            headers = {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": f"192.0.2.{n + 1}"}
            response = attempt(attacker, f"invented{n}@example.org", "wrong-password", **headers)
            assert NOT_RIGHT in response.content.decode()
    braked = attempt(
        attacker,
        "invented-again@example.org",
        "wrong-password",
        REMOTE_ADDR=ATTACKER,
        HTTP_X_FORWARDED_FOR="192.0.2.200",
    )
    assert TOO_MANY in braked.content.decode()
    lines = [r.getMessage() for r in caplog.records if "sign-in failed" in r.getMessage()]
    assert lines
    assert all(line.endswith(f"ip={ATTACKER}") for line in lines)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}


def test_behind_the_trusted_proxy_the_brake_binds_the_attackers_address_only(
    one_proxy, small_address_brake
):
    UserFactory(email="ada@example.org")
    attacker = Client()
    for n in range(10):
        response = attempt(
            attacker, f"invented{n}@example.org", "wrong-password", **via_proxy(ATTACKER)
        )
        assert NOT_RIGHT in response.content.decode()
    # Writing someone else's address to the left of the proxy's entry changes nothing.
    braked = attempt(
        attacker, "x@example.org", "wrong-password", **via_proxy(ATTACKER, spoofed=COLLEAGUE)
    )
    assert TOO_MANY in braked.content.decode()
    # Everyone else signs in through the same proxy as usual.
    colleague = Client()
    signed_in = attempt(colleague, "ada@example.org", TEST_PASSWORD, **via_proxy(COLLEAGUE))
    assert signed_in.status_code == 302
    assert "_auth_user_id" in colleague.session


def test_behind_the_trusted_proxy_logs_and_lockouts_name_the_client(one_proxy, caplog):
    user = UserFactory(email="ada@example.org")
    client = Client()
    with caplog.at_level(logging.INFO, logger="appraisal.security"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, "ada@example.org", "wrong", **via_proxy(COLLEAGUE, spoofed="1.2.3.4"))
    failed = [r.getMessage() for r in caplog.records if "sign-in failed" in r.getMessage()]
    assert failed
    assert all(line.endswith(f"ip={COLLEAGUE}") for line in failed)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {COLLEAGUE}
    event = SecurityEvent.objects.get(kind=SecurityEventKind.LOCKED_OUT)
    assert (event.user, event.ip) == (user, COLLEAGUE)


def test_lockout_follows_the_account_from_any_address(one_proxy):
    UserFactory(email="ada@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(Client(), "ada@example.org", "wrong-password", **via_proxy(ATTACKER))
    # The right password from another address is refused while the lock lasts...
    locked = attempt(Client(), "ada@example.org", TEST_PASSWORD, **via_proxy(COLLEAGUE))
    assert locked.status_code == 429
    assert "Your account is locked for now" in locked.content.decode()
    # ...and nobody else at the attacker's address is locked out.
    UserFactory(email="bob@example.org")
    bob = attempt(Client(), "bob@example.org", TEST_PASSWORD, **via_proxy(ATTACKER))
    assert bob.status_code == 302


def _request(remote_addr: str, **headers: str):  # type: ignore[no-untyped-def]
    return RequestFactory().get("/", headers=headers, REMOTE_ADDR=remote_addr)


@pytest.mark.parametrize(
    ("count", "header", "remote", "headers", "expected"),
    [
        # Nothing configured: every forwarding header is ignored.
        (0, "", PROXY, {"X-Forwarded-For": ATTACKER, "X-Real-IP": ATTACKER}, PROXY),
        # One proxy: the right-most entry, whatever the client wrote before it.
        (1, "", PROXY, {"X-Forwarded-For": f"1.2.3.4, {ATTACKER}"}, ATTACKER),
        # Two proxies: the second from the right.
        (2, "", PROXY, {"X-Forwarded-For": f"1.2.3.4, {ATTACKER}, 10.0.0.9"}, ATTACKER),
        # A request that did not come through the proxy: its own address.
        (1, "", ATTACKER, {}, ATTACKER),
        (2, "", PROXY, {"X-Forwarded-For": ATTACKER}, PROXY),
        # Ports and IPv6 as some proxies write them.
        (1, "", PROXY, {"X-Forwarded-For": f"{ATTACKER}:51234"}, ATTACKER),
        (1, "", PROXY, {"X-Forwarded-For": "[2001:db8::1]:443"}, "2001:db8::1"),
        (1, "", PROXY, {"X-Forwarded-For": "2001:db8::1"}, "2001:db8::1"),
        # Rubbish in the header: the proxy's address, never the rubbish.
        (1, "", PROXY, {"X-Forwarded-For": "not-an-address"}, PROXY),
        # A header of the proxy's own, which it always overwrites.
        (0, "X-Real-IP", PROXY, {"X-Real-IP": ATTACKER, "X-Forwarded-For": COLLEAGUE}, ATTACKER),
        (1, "X-Real-IP", PROXY, {"X-Forwarded-For": COLLEAGUE}, PROXY),
    ],
)
def test_client_address(settings, count, header, remote, headers, expected):  # type: ignore[no-untyped-def]
    settings.TRUSTED_PROXY_COUNT = count
    settings.TRUSTED_CLIENT_IP_HEADER = header
    assert client_ip(_request(remote, **headers)) == expected


def test_client_address_without_any_is_none():
    assert client_ip(_request("")) is None
    assert client_ip(None) is None


def test_allauth_and_axes_use_the_same_address(settings):
    from allauth.account.adapter import get_adapter
    from axes.helpers import get_client_ip_address

    settings.TRUSTED_PROXY_COUNT = 1
    request = _request(PROXY, **{"X-Forwarded-For": f"1.2.3.4, {ATTACKER}"})
    assert get_adapter().get_client_ip(request) == ATTACKER
    assert get_client_ip_address(request) == ATTACKER
