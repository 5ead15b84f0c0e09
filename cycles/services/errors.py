"""The one error every refused change to a cycle raises."""

from __future__ import annotations


class CycleError(Exception):
    """A refused change to a cycle, with a message fit to show on the page."""
