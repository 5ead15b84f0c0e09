"""A cycle's history as its page shows it."""

from __future__ import annotations

from typing import Any

from ..models import AppraisalCycle


def history_of(cycle: AppraisalCycle) -> list[Any]:
    """The cycle's history, newest first, with who made each change."""
    return list(cycle.history.select_related("history_user").order_by("-history_date"))
