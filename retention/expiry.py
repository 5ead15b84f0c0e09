"""Files that expire on a date of their own, queued for the nightly file clean-up.

Some stored files are not records kept for a policy's years but copies with a short life
(a downloadable archive of someone's personal data, kept for days). The app that owns
them registers an ``ExpiringFiles`` from its ``AppConfig.ready()``; before removing the
pending files, the clean-up asks each to take down what has expired: mark its rows and
queue their files as ``PendingFileDeletion`` rows in the same transaction. Repeating it
does nothing.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from cycles.extensions import Registry


@runtime_checkable
class ExpiringFiles(Protocol):
    def expire_files(self) -> int: ...


expiring_files: Registry[ExpiringFiles] = Registry(
    "source of expiring files", ExpiringFiles, methods={"expire_files": 0}
)
