"""The visitor's network address, as this deployment can trust it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _parse_ip(value: str | None) -> str | None:
    """A bare address from a header or REMOTE_ADDR value, without any port; None if not one."""
    value = (value or "").strip()
    if not value:
        return None
    if value.startswith("["):  # "[2001:db8::1]:443"
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:  # "203.0.113.9:51234" (a port some proxies add)
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest | None) -> str | None:
    """The visitor's network address, as this deployment can trust it.

    Used for every purpose an address serves: the access and security logs
    (``audit.services``), allauth's per-address sign-in brake
    (``accounts.adapters.AccountAdapter.get_client_ip``) and axes
    (``AXES_CLIENT_IP_CALLABLE``), so all three always agree.

    Neither gunicorn nor Django rewrites REMOTE_ADDR from ``X-Forwarded-For`` (gunicorn's
    ``forwarded_allow_ips`` only decides whom it believes about the scheme). Behind the TLS
    proxy REMOTE_ADDR is therefore the proxy's address, shared by every visitor. Any client
    can send ``X-Forwarded-For``, so a header is believed only when the deployment says its
    proxy sets it:

    - ``TRUSTED_CLIENT_IP_HEADER`` (e.g. ``X-Real-IP``): a header the proxy always sets,
      overwriting whatever the client sent;
    - ``TRUSTED_PROXY_COUNT`` = N: the N-th address from the right of ``X-Forwarded-For``
      (each trusted proxy appends the address it received the request from; anything to the
      left of that was written by the client and may be invented).

    With neither set (the default) the headers are ignored and REMOTE_ADDR is used. A request
    without the expected header (one that did not come through the proxy) falls back to
    REMOTE_ADDR too.
    """
    if request is None:
        return None
    header = getattr(settings, "TRUSTED_CLIENT_IP_HEADER", "") or ""
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0) or 0)
    forwarded: str | None = None
    if header:
        forwarded = request.headers.get(header)
    elif proxies > 0:
        hops = [hop for hop in request.headers.get("X-Forwarded-For", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            forwarded = hops[-proxies]
    if forwarded is not None:
        address = _parse_ip(forwarded)
        if address is not None:
            return address
    return _parse_ip(request.META.get("REMOTE_ADDR"))
