"""Evidence."""

from __future__ import annotations

import logging
import uuid
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.db import transaction

from appraisal_site.text import strip_unsafe
from cycles.models import AppraisalCycle

from .. import selectors
from ..models import (
    Evidence,
    EvidenceKind,
)
from ..permissions import ReviewAction
from ..uploads import UploadRefused, check_upload
from ._common import ReviewError, _require, _require_open, _with_actor

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
