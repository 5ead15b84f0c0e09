"""Noting who read a personal record, and who was refused one, for every app's pages.

The access log and the security log live in ``audit``, a layer above organisation; the
fetch-for-user helpers of every app (organisation's own, calendars, policies, cycles and
the apps above) answer through here, and audit registers the recorder in its
``AppConfig.ready()``. Without a recorder (audit not installed) nothing is noted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.http import Http404

if TYPE_CHECKING:
    from django.db.models import Model
    from django.http import HttpRequest


class AccessRecorder(Protocol):
    def record_access(
        self, *, request: HttpRequest, obj: Model, action: str, label: str = ""
    ) -> object: ...

    def record_denied_if_exists(
        self, *, request: HttpRequest, model: type[Model], pk: object
    ) -> object: ...


_recorder: AccessRecorder | None = None


def register_access_recorder(recorder: AccessRecorder) -> None:
    global _recorder
    _recorder = recorder


def record_access(*, request: HttpRequest, obj: Model, action: str, label: str = "") -> None:
    """Note that the signed-in user viewed, downloaded or exported ``obj`` (after the
    access check passed; the label names the record, never its content)."""
    if _recorder is not None:
        _recorder.record_access(request=request, obj=obj, action=action, label=label)


def refused(request: HttpRequest | None, model: type[Model], pk: object, message: str) -> Http404:
    """The 404 to raise for a record this person may not see, after noting the refusal in
    the security log when the record does exist (a mistyped id is not an event). Every
    fetch-for-user helper answers through this, so every page logs refusals the same way;
    ``request`` is None only outside a request (a task, a command), with nothing to log."""
    if request is not None and _recorder is not None:
        _recorder.record_denied_if_exists(request=request, model=model, pk=pk)
    return Http404(message)
