"""The seam between the steps of destroying a tree.

Callers go through the module (``checkpoints.checkpoint(...)``) so that a test patching
``retention.purge.checkpoints.checkpoint`` reaches every step."""

from __future__ import annotations


def checkpoint(step: str, record_id: int) -> None:
    """Called between the steps of destroying a tree. Does nothing: the seam lets tests
    inject a crash at each step and prove the next run repairs it."""
