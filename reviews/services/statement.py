"""The statement."""

from __future__ import annotations

import hashlib
import logging
import uuid
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from cycles.models import AppraisalCycle

from .. import statements
from ..models import (
    AnnualReview,
    StatementFile,
)

if TYPE_CHECKING:
    pass

logger = logging.getLogger(__name__)


def statement_issue(*, review_id: int) -> int:
    """Lay out and store every distinct copy of a completed review's statement (the
    member of staff's and the one for everyone else, one file when they are the same).
    Returns how many were laid out; a copy already stored as it is is left alone."""
    review = (
        AnnualReview.objects.select_related("cycle__policy_version", "cycle__appraisee")
        .filter(pk=review_id, completed_at__isnull=False)
        .first()
    )
    if review is None:
        return 0
    laid_out, seen = 0, set()
    for for_appraisee in (False, True):
        context = statements.statement_context(review.cycle, review, for_appraisee=for_appraisee)
        if statements.audience(context) in seen:
            continue
        seen.add(statements.audience(context))
        _pdf, fresh = _stored_statement(review, context)
        laid_out += fresh
    return laid_out


def statement_for_reader(
    *, cycle: AppraisalCycle, review: AnnualReview, for_appraisee: bool
) -> bytes:
    """The statement PDF for one reader (the caller has checked they may read it). A
    completed review's copy comes from storage when the stored one shows exactly what
    this reader's would, else it is laid out now and stored; a draft is always laid out
    now and never kept."""
    context = statements.statement_context(cycle, review, for_appraisee=for_appraisee)
    if not review.is_completed:
        return statements.pdf_from(statements.html_from(context))
    pdf, _fresh = _stored_statement(review, context)
    return pdf


def _stored_statement(review: AnnualReview, context: dict[str, Any]) -> tuple[bytes, bool]:
    """(the PDF of this copy, whether it was laid out now)."""
    audience, fingerprint = statements.audience(context), statements.fingerprint(context)
    stored = StatementFile.objects.filter(review=review, audience=audience).first()
    if stored is not None and stored.fingerprint == fingerprint:
        try:
            with stored.file.open("rb") as handle:
                pdf = handle.read()
        except OSError:
            logger.warning("stored statement unreadable statement_file_id=%s", stored.pk)
        else:
            if hashlib.sha256(pdf).hexdigest() == stored.file_sha256:
                return pdf, False
            logger.warning("stored statement altered statement_file_id=%s", stored.pk)
    pdf = statements.pdf_from(statements.html_from(context))
    _keep_statement(review, audience, fingerprint, pdf)
    return pdf, True


def _keep_statement(review: AnnualReview, audience: str, fingerprint: str, pdf: bytes) -> None:
    """Store a newly laid-out copy in place of the one before (whose file goes after the
    commit). A failure to store is logged, never shown: the reader has their PDF."""
    digest = hashlib.sha256(pdf).hexdigest()
    name = default_storage.save(
        f"statements/{review.trust_id}/{uuid.uuid4().hex}.pdf", ContentFile(pdf)
    )
    try:
        with transaction.atomic():
            row, created = StatementFile.objects.select_for_update(of=("self",)).get_or_create(
                review=review,
                audience=audience,
                defaults={
                    "trust_id": review.trust_id,
                    "fingerprint": fingerprint,
                    "file": name,
                    "file_sha256": digest,
                    "rendered_at": timezone.now(),
                },
            )
            if not created:
                old = row.file.name
                row.fingerprint, row.file.name, row.file_sha256 = fingerprint, name, digest
                row.rendered_at = timezone.now()
                row.save(update_fields=["fingerprint", "file", "file_sha256", "rendered_at"])
                if old and old != name:
                    transaction.on_commit(lambda: default_storage.delete(old), robust=True)
    except Exception:
        logger.exception("statement not stored review_id=%s", review.pk)
        default_storage.delete(name)
