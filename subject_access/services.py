"""Writes: asking for a copy of personal data, building its archive, recording that HR
gave it, and removing archives whose link has expired."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from organisation.models import StaffMember
from organisation.principal import principal_for
from retention.models import PendingFileDeletion

from . import permissions, rules, selectors
from .extensions import ArchivePart, personal_data_sources
from .models import AccessRequest, RequestStatus

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

# A build that has said "being built" for this long was lost with its worker.
STALE_BUILD_AFTER = dt.timedelta(hours=1)


class AccessRequestError(Exception):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _queue(row: AccessRequest) -> None:
    from .tasks import build_archive

    build_archive.delay_on_commit(row.pk)  # type: ignore[attr-defined]


@transaction.atomic
def access_request_own(*, actor: User) -> AccessRequest:
    """The signed-in member of staff asks for a copy of everything held about them. One
    waiting or being built at a time: asking again returns that one."""
    principal = principal_for(actor)
    if not permissions.may_ask_for_own(principal) or principal.staff is None:
        raise AccessRequestError("Only a member of staff can ask for a copy of their data.")
    staff = StaffMember.objects.select_for_update(of=("self",)).get(pk=principal.staff.pk)
    waiting = (
        AccessRequest.objects.filter(trust_id=staff.trust_id, staff=staff, on_behalf=False)
        .filter(status__in=[RequestStatus.QUEUED, RequestStatus.BUILDING])
        .first()
    )
    if waiting is not None:
        return waiting
    today = timezone.localdate()
    row = AccessRequest.objects.create(
        trust_id=staff.trust_id,
        staff=staff,
        requested_by=actor,
        received_on=today,
        due_on=rules.one_month_after(today),
        parts_total=selectors.parts_count(list(personal_data_sources)),
    )
    _queue(row)
    return row


@transaction.atomic
def access_request_on_behalf(
    *, actor: User, staff: StaffMember, asked_by: str, received_on: dt.date
) -> AccessRequest:
    """HR records a request made to the trust by (or for) a current or former member of
    staff, and the day it was received, and has the archive built. The one-month deadline
    runs from the day received."""
    principal = principal_for(actor)
    if not permissions.may_ask_on_behalf(principal) or staff.trust_id != principal.trust_id:
        raise AccessRequestError("Only HR of the trust can ask on someone's behalf.")
    today = timezone.localdate()
    if received_on > today:
        raise AccessRequestError("The day received cannot be in the future.", "received_on")
    if received_on < today - dt.timedelta(days=366):
        raise AccessRequestError("Enter a day received within the last year.", "received_on")
    if not asked_by.strip():
        raise AccessRequestError("Say who made the request, and how.", "asked_by")
    row = AccessRequest.objects.create(
        trust_id=staff.trust_id,
        staff=staff,
        requested_by=actor,
        on_behalf=True,
        asked_by=asked_by.strip(),
        received_on=received_on,
        due_on=rules.one_month_after(received_on),
        parts_total=selectors.parts_count(list(personal_data_sources)),
    )
    _queue(row)
    return row


@transaction.atomic
def access_request_record_response(
    *, actor: User, row: AccessRequest, responded_on: dt.date
) -> AccessRequest:
    """HR records the day the copy was given to the person: the deadline is met."""
    principal = principal_for(actor)
    locked = AccessRequest.objects.select_for_update(of=("self",)).get(pk=row.pk)
    if not permissions.can(principal, permissions.RequestAction.RECORD_RESPONSE, locked):
        raise AccessRequestError("This request has been answered already.")
    if responded_on > timezone.localdate() or responded_on < locked.received_on:
        raise AccessRequestError(
            "Enter a day between the day it was received and today.", "responded_on"
        )
    locked.responded_on = responded_on
    locked.save(update_fields=["responded_on"])
    return locked


# Building


def _gather(row: AccessRequest) -> list[ArchivePart]:
    """Every part, counting progress on the row after each source."""
    staff = StaffMember.objects.get(pk=row.staff_id)
    steps: list[Callable[[StaffMember], Sequence[ArchivePart]]] = [
        selectors.staff_record_parts,
        selectors.cycle_parts,
    ]
    steps += [source.parts_for for source in personal_data_sources]
    total = len(steps) + 1
    parts: list[ArchivePart] = []
    for done, step in enumerate(steps, start=1):
        parts += step(staff)
        AccessRequest.objects.filter(pk=row.pk).update(parts_done=done, parts_total=total)
    keys = [key for part in parts for key in part.logged]
    parts.append(selectors.access_log_part(staff, keys))
    return parts


def _readme(row: AccessRequest, parts: list[ArchivePart]) -> str:
    lines = [
        f"A copy of the personal data held about {row.staff.full_name}",
        f"Made on {timezone.localtime():%d %B %Y at %H:%M}.",
        "",
        "data/ holds one JSON file per kind of record; files/ holds the documents",
        "(evidence you or others added, statements, letters) as they are kept.",
        "Colleague feedback is given without who wrote which answer, and nothing",
        "here is another person's data beyond their name where they acted on your records.",
        "",
    ]
    for part in parts:
        count = f"{len(part.records)} record{'s' if len(part.records) != 1 else ''}"
        extra = (
            f", {len(part.files)} file{'s' if len(part.files) != 1 else ''}" if part.files else ""
        )
        lines.append(f"data/{part.key}.json: {part.title} ({count}{extra})")
    return "\n".join(lines) + "\n"


def _write(archive: zipfile.ZipFile, row: AccessRequest, parts: list[ArchivePart]) -> None:
    archive.writestr("README.txt", _readme(row, parts))
    for part in parts:
        body = json.dumps(
            {"title": part.title, "records": part.records},
            cls=DjangoJSONEncoder,
            indent=2,
            ensure_ascii=False,
        )
        archive.writestr(f"data/{part.key}.json", body)
        used: set[str] = set()
        for item in part.files:
            name = item.name.replace("/", "_").replace("\\", "_") or "file"
            stem, dot, ext = name.rpartition(".")
            counter = 1
            while name in used:
                counter += 1
                name = f"{stem}-{counter}.{ext}" if dot else f"{ext}-{counter}"
            used.add(name)
            path = f"files/{part.key}/{name}"
            if item.content is not None:
                archive.writestr(path, item.content)
                continue
            try:
                with (
                    default_storage.open(item.storage_name, "rb") as handle,
                    archive.open(path, "w") as out,
                ):
                    for chunk in iter(lambda: handle.read(1 << 16), b""):
                        out.write(chunk)
            except OSError:
                logger.warning("archive file missing access_request_id=%s", row.pk)
                archive.writestr(f"{path}.missing.txt", "This file could not be read.\n")


def access_request_build(*, request_id: int) -> AccessRequest | None:
    """Build the archive of a queued request. Claims the row first, so a task delivered
    twice builds once; returns None when there was nothing to do."""
    now = timezone.now()
    claimed = (
        AccessRequest.objects.filter(pk=request_id)
        .filter(
            Q(status=RequestStatus.QUEUED)
            | Q(status=RequestStatus.BUILDING, started_at__lt=now - STALE_BUILD_AFTER)
        )
        .update(status=RequestStatus.BUILDING, started_at=now, parts_done=0)
    )
    if not claimed:
        return None
    row = AccessRequest.objects.select_related("staff").get(pk=request_id)
    try:
        parts = _gather(row)
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                _write(archive, row, parts)
            size = spool.tell()
            spool.seek(0)
            digest = hashlib.sha256()
            for chunk in iter(lambda: spool.read(1 << 16), b""):
                digest.update(chunk)
            spool.seek(0)
            name = default_storage.save(
                f"subject_access/{row.trust_id}/{uuid.uuid4().hex}.zip", File(spool)
            )
    except Exception:
        logger.exception("building a copy of personal data failed access_request_id=%s", row.pk)
        row.status = RequestStatus.FAILED
        row.error = "Something went wrong and the copy was not made. Ask again later."
        row.save(update_fields=["status", "error"])
        return row
    ready = timezone.now()
    row.status, row.file.name, row.file_sha256 = RequestStatus.READY, name, digest.hexdigest()
    row.size_bytes, row.ready_at = size, ready
    row.expires_at = ready + dt.timedelta(days=settings.SUBJECT_ACCESS_LINK_DAYS)
    row.refresh_from_db(fields=["parts_total"])
    row.parts_done = row.parts_total
    row.save(
        update_fields=[
            "status",
            "file",
            "file_sha256",
            "size_bytes",
            "ready_at",
            "expires_at",
            "parts_done",
            "parts_total",
        ]
    )
    return row


def archives_expire(*, now: dt.datetime | None = None) -> int:
    """Take down every archive whose link has expired: the row says so and its file is
    queued for the file clean-up (``retention``'s pending deletions), in one transaction
    per row. Safe to repeat. Returns how many expired."""
    now = now or timezone.now()
    expired = 0
    due = AccessRequest.objects.filter(status=RequestStatus.READY, expires_at__lte=now)
    for pk in due.values_list("pk", flat=True):
        with transaction.atomic():
            row = (
                AccessRequest.objects.select_for_update(of=("self",))
                .filter(pk=pk, status=RequestStatus.READY)
                .first()
            )
            if row is None:
                continue
            if row.file.name:
                PendingFileDeletion.objects.get_or_create(storage_name=row.file.name)
            row.status, row.file.name = RequestStatus.EXPIRED, ""
            row.save(update_fields=["status", "file"])
            expired += 1
    return expired


class _ExpiringArchives:
    """The archives as ``retention.expiry`` sees them."""

    def expire_files(self) -> int:
        return archives_expire()


EXPIRING_ARCHIVES = _ExpiringArchives()
