"""Evidence."""

from __future__ import annotations

import logging
import uuid
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from appraisal_site.text import strip_unsafe
from cycles.models import AppraisalCycle
from retention.models import PendingFileDeletion
from retention.purge.files import delete_pending_files

from .. import selectors
from ..models import (
    AnnualReview,
    Evidence,
    EvidenceKind,
)
from ..permissions import ReviewAction, can_change_evidence
from ..uploads import UploadRefused, check_upload
from ._common import ReviewError, _principal, _require, _require_open, _with_actor

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)


def _check_objective(cycle: AppraisalCycle, objective_id: int | None) -> int | None:
    if objective_id is None:
        return None
    if objective_id not in {o.pk for o in selectors.objectives_for_cycle(cycle)}:
        raise ReviewError("Choose one of this appraisal year's objectives.")
    return objective_id


def _require_evidence_access(actor: User, cycle: AppraisalCycle) -> None:
    _require(actor, ReviewAction.ADD_EVIDENCE, cycle)


@transaction.atomic
def evidence_add_note(
    *,
    actor: User,
    cycle: AppraisalCycle,
    title: str,
    note: str,
    objective_id: int | None = None,
) -> Evidence:
    _require_evidence_access(actor, cycle)
    _require_open(cycle)
    if not note.strip():
        raise ReviewError("Enter the note.")
    evidence = Evidence(
        trust_id=cycle.trust_id,
        cycle=cycle,
        kind=EvidenceKind.NOTE,
        title=title.strip() or "Note",
        note=note,
        added_by=actor,
    )
    evidence.objective_id = _check_objective(cycle, objective_id)
    _with_actor(evidence, actor)
    evidence.save()
    return evidence


def evidence_add_file(
    *,
    actor: User,
    cycle: AppraisalCycle,
    title: str,
    stream: IO[bytes],
    original_name: str,
    size: int,
    objective_id: int | None = None,
) -> Evidence:
    """Store an uploaded file as evidence after checking what it really is.

    The type is found from the content (``reviews.uploads``); the stored name is random
    and the file is never reachable by URL, only through the access-checked download."""
    _require_evidence_access(actor, cycle)
    _require_open(cycle)
    try:
        checked = check_upload(stream, size=size, max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES)
    except UploadRefused as exc:
        raise ReviewError(str(exc)) from None
    objective_id = _check_objective(cycle, objective_id)
    # The browser's file name is shown on pages and PDFs: without control, bidirectional and
    # zero-width characters, "résumé\u202egpj.exe.pdf" cannot pass for something it is not.
    original_name = strip_unsafe(original_name).strip()
    evidence = Evidence(
        trust_id=cycle.trust_id,
        cycle=cycle,
        kind=EvidenceKind.FILE,
        title=title.strip() or original_name[:200] or "Evidence",
        original_name=original_name[:255],
        content_type=checked.content_type,
        extension=checked.extension,
        size_bytes=checked.size,
        added_by=actor,
    )
    evidence.objective_id = objective_id
    _with_actor(evidence, actor)
    evidence.file.save(f"{cycle.trust_id}/{uuid.uuid4().hex}", File(stream), save=False)
    try:
        with transaction.atomic():
            evidence.save()
    except Exception:
        # Nothing saved means no file left behind either.
        evidence.file.delete(save=False)
        raise
    return evidence


# ----- Changing and withdrawing ------------------------------------------------------

CHANGE_REFUSED = "Only the person who added this evidence, or the reviewer, can change it."


def evidence_change_refusal(evidence: Evidence) -> str | None:
    """Why nobody may change or withdraw this evidence now: the year is closed or
    suspended, the review that considered it is completed, or it was withdrawn."""
    cycle = evidence.cycle
    try:
        _require_open(cycle)
    except ReviewError as exc:
        return str(exc)
    if evidence.withdrawn_at is not None:
        return "This evidence has been withdrawn."
    completed = (
        AnnualReview.objects.filter(cycle_id=cycle.pk, completed_at__isnull=False)
        .values_list("completed_at", flat=True)
        .first()
    )
    if completed is not None:
        return (
            f"The annual review was completed on {timezone.localtime(completed):%-d %B %Y}: "
            "the evidence it considered can no longer be changed or withdrawn."
        )
    return None


def _lock_evidence(actor: User, evidence: Evidence) -> Evidence:
    """Check the actor, lock the row, then check the evidence may still change."""
    if not can_change_evidence(_principal(actor), evidence):
        raise ReviewError(CHANGE_REFUSED)
    locked = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("cycle")
        .get(pk=evidence.pk, cycle_id=evidence.cycle_id)
    )
    refusal = evidence_change_refusal(locked)
    if refusal is not None:
        raise ReviewError(refusal)
    return locked


def _remove_file_after_commit(name: str) -> None:
    """The file leaves storage once the change is committed. Queued in the same
    transaction (the retention clean-up retries any file the first attempt leaves), so a
    rolled-back change keeps its file and a committed one never leaves it behind."""
    if not name:
        return
    PendingFileDeletion.objects.get_or_create(storage_name=name)
    transaction.on_commit(lambda: delete_pending_files(names=[name]), robust=True)


def evidence_change(
    *,
    actor: User,
    evidence: Evidence,
    title: str,
    note: str = "",
    stream: IO[bytes] | None = None,
    original_name: str = "",
    size: int = 0,
) -> Evidence:
    """Correct a piece of evidence before the review is completed: its title, a note's
    text, or a file replaced by another (checked as an upload is). The earlier version
    stays in the history; a replaced file leaves storage."""
    checked = None
    if stream is not None:
        if evidence.kind != EvidenceKind.FILE:
            raise ReviewError("A note has no file to replace.", field="file")
        try:
            checked = check_upload(stream, size=size, max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES)
        except UploadRefused as exc:
            raise ReviewError(str(exc), field="file") from None
    new_name = ""
    if checked is not None and stream is not None:
        # Written before the transaction; removed again if it does not commit.
        new_name = evidence.file.storage.save(
            f"evidence/{evidence.trust_id}/{uuid.uuid4().hex}", File(stream)
        )
    try:
        with transaction.atomic():
            locked = _lock_evidence(actor, evidence)
            fields = ["title", "changed_at"]
            if locked.kind == EvidenceKind.NOTE:
                if not note.strip():
                    raise ReviewError("Enter the note.", field="note")
                locked.note = note
                fields.append("note")
            old_name = ""
            if checked is not None:
                name = strip_unsafe(original_name).strip()
                old_name = locked.file.name
                locked.file.name = new_name
                locked.original_name = name[:255]
                locked.content_type = checked.content_type
                locked.extension = checked.extension
                locked.size_bytes = checked.size
                fields += ["file", "original_name", "content_type", "extension", "size_bytes"]
            locked.title = (
                title.strip() or (locked.original_name[:200] if checked else locked.title)
            )[:200]
            locked.changed_at = timezone.now()
            _with_actor(locked, actor)
            locked.save(update_fields=fields)
            _remove_file_after_commit(old_name)
    except Exception:
        if new_name:
            evidence.file.storage.delete(new_name)
        raise
    return locked


@transaction.atomic
def evidence_withdraw(*, actor: User, evidence: Evidence, reason: str = "") -> Evidence:
    """Withdraw a piece of evidence before the review is completed. The row stays, marked
    withdrawn with who, when and why, so the history says what was there; its file leaves
    storage and it is no longer listed, downloaded or shown on the statement."""
    locked = _lock_evidence(actor, evidence)
    old_name = locked.file.name if locked.kind == EvidenceKind.FILE else ""
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = actor
    locked.withdrawal_reason = reason.strip()[:300]
    fields = ["withdrawn_at", "withdrawn_by", "withdrawal_reason"]
    if old_name:
        locked.file.name = ""
        fields.append("file")
    _with_actor(locked, actor)
    locked.save(update_fields=fields)
    _remove_file_after_commit(old_name)
    return locked
