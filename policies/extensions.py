"""Where other apps tell the policy engine about themselves (registered in their
``AppConfig.ready()``; policies never imports them).

A *pin source* is a kind of record that pins a policy version (an appraisal cycle today; a
support plan or pay review as those arrive). Once a record pins a version, a new version may
not start before it: the pinned record would silently change rules under its feet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Policy

# "The latest effective-from date among this policy's versions that my records pin", or None.
PinSource = Callable[["Policy"], "dt.date | None"]

_pin_sources: list[PinSource] = []


def register_pin_source(source: PinSource) -> None:
    """Add a kind of record that pins policy versions (idempotent)."""
    if source not in _pin_sources:
        _pin_sources.append(source)


def latest_pinned_effective_from(policy: Policy) -> dt.date | None:
    """The latest start date of any version of ``policy`` that some record pins."""
    dates = [d for source in _pin_sources if (d := source(policy)) is not None]
    return max(dates, default=None)
