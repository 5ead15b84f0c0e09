"""The errors every objectives service raises: a refused change and a stale edit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..rules import RuleBreach

if TYPE_CHECKING:
    pass


class ObjectivesError(Exception):
    """A refused change, with a message fit to show on the page and, when the policy's
    rules refused it, each rule broken."""

    def __init__(
        self, message: str, breaches: Sequence[RuleBreach] = (), *, field: str = ""
    ) -> None:
        super().__init__(message)
        self.breaches = list(breaches)
        self.field = field  # the form field the message belongs next to, if any

    @property
    def messages(self) -> list[str]:
        return [str(self), *(str(b) for b in self.breaches)]


class StaleEditError(ObjectivesError):
    """Someone else saved a change after this page was opened."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this since you opened the page, so your changes have not "
            "been saved. Open it again to see their changes, then make yours."
        )
