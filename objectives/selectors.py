"""Reads for the objectives section of a cycle page."""

from __future__ import annotations

from typing import Any

from cycles.models import AppraisalCycle
from organisation.principal import Principal


def cycle_section_context(cycle: AppraisalCycle, principal: Principal) -> dict[str, Any]:
    """Extra context for ``objectives/_cycle_section.html`` (a fixed number of queries)."""
    return {}
