"""The production compose file lets gunicorn be reached through the TLS proxy only.

gunicorn speaks plain HTTP and believes the X-Forwarded-* headers it is sent: a port of the
web service published on the host's interfaces would let anyone skip TLS and choose the
client address and scheme the application sees. Only the proxy publishes ports (80 and
443); anything else published must be bound to the loopback address."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"
PROXY = "proxy"
PROXY_PORTS = {"80", "443"}
LOOPBACK = {"127.0.0.1", "::1"}


def _services(document: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
    if document is None:
        document = yaml.safe_load(COMPOSE.read_text())
    return document["services"]


def _published(entry: Any) -> tuple[str, str]:
    """(host address, container port) of one `ports:` entry; "" is every interface."""
    if isinstance(entry, dict):  # long syntax
        return str(entry.get("host_ip") or ""), str(entry["target"])
    spec = str(entry).split("/", 1)[0]  # drop "/tcp", "/udp"
    host_ip = ""
    if spec.startswith("["):  # "[::1]:8000:8000"
        host_ip, spec = spec[1:].split("]:", 1)
    parts = spec.rsplit(":", 2) if not host_ip else spec.split(":")
    if len(parts) == 3:
        host_ip = parts[0]
    # "8000" alone or "8000:8000" publish on every interface.
    return host_ip, parts[-1]


def _public_ports(services: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """(service, container port) published on more than the loopback address."""
    found = []
    for name, service in services.items():
        if service.get("network_mode") == "host":
            found.append((name, "every port (host networking)"))
        for entry in service.get("ports") or []:
            host_ip, container_port = _published(entry)
            if host_ip not in LOOPBACK:
                found.append((name, container_port))
    return found


@pytest.mark.parametrize(
    ("ports", "public"),
    [
        (["8000:8000"], True),  # the defect: every interface
        (["8000"], True),
        (["0.0.0.0:8000:8000"], True),
        ([{"target": 8000, "published": 8000}], True),
        (["127.0.0.1:8000:8000"], False),
        (["[::1]:8000:8000/tcp"], False),
        ([{"target": 8000, "published": 8000, "host_ip": "127.0.0.1"}], False),
    ],
)
def test_the_check_recognises_a_port_published_on_every_interface(ports, public):
    assert bool(_public_ports({"web": {"ports": ports}})) is public


def test_the_check_counts_host_networking_as_published():
    assert _public_ports({"web": {"network_mode": "host"}})


def test_only_the_proxy_publishes_ports_beyond_loopback():
    public = _public_ports(_services())
    assert [(s, p) for s, p in public if s != PROXY or p not in PROXY_PORTS] == []


def test_web_publishes_nothing_and_shares_a_network_with_the_proxy_only():
    services = _services()
    web, proxy = services["web"], services[PROXY]
    assert "ports" not in web
    assert "network_mode" not in web
    shared = set(web["networks"]) & set(proxy["networks"])
    assert shared, "the proxy must reach web over a network of their own"
    # Nothing else sits on the proxy's network: the proxy cannot reach the database or Redis,
    # and nothing but the proxy can reach gunicorn from there.
    others = {
        name
        for name, service in services.items()
        if name not in ("web", PROXY) and set(service.get("networks") or ["default"]) & shared
    }
    assert others == set()


def test_web_takes_the_visitors_address_from_the_one_proxy_in_front_of_it():
    # The proxy replaces X-Forwarded-For with the address it was connected from, so the
    # visitor's address is its last entry; without this, every visitor is the proxy.
    web = _services()["web"]
    assert str(web["environment"]["DJANGO_TRUSTED_PROXY_COUNT"]) == "1"
