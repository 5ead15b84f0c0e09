"""Validating a settings document, with errors as plain-English messages per flat field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .base import FieldError, MonthDay, _Frozen
from .document import PolicySettings


def validate_settings(
    data: Mapping[str, Any],
) -> tuple[PolicySettings | None, dict[str, list[str]]]:
    """Validate a nested settings dict. Returns (settings, {}) or (None, errors) where
    errors maps a dotted path ("pay.decision_due", or "" for the whole document) to
    plain-English messages."""
    try:
        return PolicySettings.model_validate(dict(data)), {}
    except ValidationError as exc:
        return None, errors_by_path(exc)


def errors_by_path(exc: ValidationError) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for err in exc.errors(include_url=False):
        raw_loc = list(err["loc"])
        # A cross-field rule names the setting it belongs to (``FieldError.field``).
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, FieldError):
            raw_loc += cause.field.split(".")
        loc = [str(part) for part in raw_loc]
        path = _leaf_path(loc)
        message = _plain_message(err["type"], err.get("ctx") or {}, str(err["msg"]))
        if err["type"] == "extra_forbidden":
            message = f"There is no setting called “{loc[-1]}”."
        # Say where inside the field the problem is (a list item, a month or a day).
        depth = len(path.split(".")) if path else 0
        inner = raw_loc[depth:]
        if err["type"] == "extra_forbidden":
            inner = inner[:-1]
        if inner:
            where = ", ".join(f"item {p + 1}" if isinstance(p, int) else str(p) for p in inner)
            message = f"{where}: {message}"
        errors.setdefault(path, []).append(message)
    return errors


_PLAIN_MESSAGES: dict[str, str] = {
    "less_than_equal": "Enter a number no more than {le}.",
    "greater_than_equal": "Enter a number of at least {ge}.",
    "int_parsing": "Enter a whole number.",
    "int_type": "Enter a whole number.",
    "bool_parsing": "Answer yes or no.",
    "string_too_long": "Use no more than {max_length} characters.",
    "too_long": "List no more than {max_length} items.",
    "too_short": "Choose at least {min_length}.",
    "enum": "Choose one of the options.",
    "missing": "This is required.",
    "string_pattern_mismatch": "Use lower-case letters, digits and _ only, starting with a letter.",
}


def _plain_message(error_type: str, ctx: Mapping[str, Any], fallback: str) -> str:
    template = _PLAIN_MESSAGES.get(error_type)
    if template is None:
        return fallback.removeprefix("Value error, ")
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return fallback


def _leaf_path(loc: list[str]) -> str:
    """Trim a pydantic location to the flat field it belongs to (a month/day or a list
    item belongs to its field)."""
    kept: list[str] = []
    node: Any = PolicySettings
    for part in loc:
        fields = getattr(node, "model_fields", None)
        if not fields or part not in fields:
            break
        kept.append(part)
        annotation = fields[part].annotation
        if (
            isinstance(annotation, type)
            and issubclass(annotation, _Frozen)
            and (annotation is not MonthDay)
        ):
            node = annotation
        else:
            break
    return ".".join(kept)
