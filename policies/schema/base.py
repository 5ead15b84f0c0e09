"""Building blocks every section uses: bounded text, a day in every year, a choice with a
plain-English label, and the common model configuration (frozen, unknown keys refused)."""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import types
import typing
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

ShortText = Annotated[str, Field(max_length=300)]


LongText = Annotated[str, Field(max_length=2000)]


StageKey = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")]


MAX_LIST_ITEMS = 20


class FieldError(ValueError):
    """A cross-field rule broken, raised by a model validator: ``field`` names the setting
    the message belongs next to (the first one the rule names; a dotted path from the model
    that raised it), so an editor can show it by that field, not only at the top."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


class _Frozen(BaseModel):
    """Common configuration: immutable, unknown keys refused (a typo is an error, not a
    silently ignored setting)."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_means_unset(cls, data: Any) -> Any:
        # TOML has no null and an empty form box posts "": both mean "not set" for an
        # optional field.
        if not isinstance(data, Mapping):
            return data
        cleaned = dict(data)
        for name, info in cls.model_fields.items():
            if cleaned.get(name) == "" and _allows_none(info.annotation):
                cleaned[name] = None
        return cleaned


def _allows_none(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return type(None) in typing.get_args(annotation)
    return False


class MonthDay(_Frozen):
    """A date in every year, such as 31 October."""

    month: int = Field(ge=1, le=12, title="Month")
    day: int = Field(ge=1, le=31, title="Day")

    @model_validator(mode="after")
    def _day_exists(self) -> MonthDay:
        # 29 February is allowed (a leap year has it); 31 April never exists.
        if self.day > calendar.monthrange(2024, self.month)[1]:
            raise ValueError(f"{calendar.month_name[self.month]} has no day {self.day}")
        return self

    def __str__(self) -> str:
        return f"{self.day} {calendar.month_name[self.month]}"

    def in_year(self, year: int) -> dt.date:
        """This day in ``year`` (28 February when 29 February does not exist)."""
        day = min(self.day, calendar.monthrange(year, self.month)[1])
        return dt.date(year, self.month, day)

    def next_on_or_after(self, on: dt.date) -> dt.date:
        """The first occurrence of this day on or after ``on``."""
        candidate = self.in_year(on.year)
        return candidate if candidate >= on else self.in_year(on.year + 1)


def md(month: int, day: int) -> MonthDay:
    return MonthDay(month=month, day=day)


class Choice(enum.StrEnum):
    """An enum whose members carry a plain-English label for display."""

    label: str

    def __new__(cls, value: str, label: str = "") -> Choice:
        obj = str.__new__(cls, value)
        obj._value_ = value
        obj.label = label or value.replace("_", " ").capitalize()
        return obj
