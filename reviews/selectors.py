"""Reads for observations, evidence, the annual review and moderation."""

from __future__ import annotations

from typing import Any

from cycles.models import AppraisalCycle
from organisation.principal import Principal


def cycle_section_context(cycle: AppraisalCycle, principal: Principal) -> dict[str, Any]:
    """What ``reviews/_cycle_section.html`` needs beyond the cycle page's own context."""
    return {"reviews_section": None}
