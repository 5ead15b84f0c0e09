"""Posting a create form the way a browser does: with the one-time token the page carries."""

from __future__ import annotations

from typing import Any

from submissions.guard import FIELD_NAME, issue_token


def with_token(data: dict[str, Any] | None = None, *, prefix: str = "") -> dict[str, Any]:
    """``data`` plus a fresh one-time token, as a create form rendered for the user holds."""
    name = f"{prefix}-{FIELD_NAME}" if prefix else FIELD_NAME
    return {**(data or {}), name: issue_token()}
