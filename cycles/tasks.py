"""Background work for cycles. Thin: load by id, call the service."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="cycles.open_cycles")
def open_cycles(opening_id: int) -> None:
    """Open a queued year's cycles (idempotent: a second delivery finds it claimed)."""
    services.cycle_opening_run(opening_id=opening_id)
