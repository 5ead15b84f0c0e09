"""Writes of the reports app: the headteacher's termly report to the governing body.

Moves are a plain table: a draft may be saved again and issued; an issued report is final
(its history keeps every saved text). Each write re-checks the actor's access and locks the
row."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from organisation.principal import principal_for

from .models import HeadteacherReport, TermlyReportState
from .permissions import TermlyAccess, termly_access, termly_writer_academies

MOVES: dict[str, set[str]] = {
    TermlyReportState.DRAFT: {TermlyReportState.DRAFT, TermlyReportState.ISSUED},
    TermlyReportState.ISSUED: set(),
}


class TermlyReportError(Exception):
    """A refused write: the message says why, in the reader's words."""


def _history(obj: HeadteacherReport, actor: User, reason: str) -> None:
    obj._history_user = actor  # type: ignore[attr-defined]
    obj._change_reason = reason  # type: ignore[attr-defined]


def _lock(report: HeadteacherReport, actor: User, to: str) -> HeadteacherReport:
    locked = HeadteacherReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    if termly_access(principal_for(actor), locked) != TermlyAccess.WRITE:
        raise TermlyReportError("Only the academy's headteacher writes this report.")
    if to not in MOVES[locked.state]:
        raise TermlyReportError("This report has been issued to the governors: it is final.")
    return locked


@transaction.atomic
def termly_report_write(
    *, actor: User, academy_id: int, year: int, term: str, commentary: str
) -> HeadteacherReport:
    """Save the headteacher's draft for the term: the first save makes it, a later one
    changes it (one report per academy and term, so sending the form twice saves once)."""
    principal = principal_for(actor)
    if academy_id not in termly_writer_academies(principal):
        raise TermlyReportError("Only the academy's headteacher writes this report.")
    report, made = HeadteacherReport.objects.get_or_create(
        academy_id=academy_id,
        year=year,
        term=term,
        defaults={"trust_id": principal.tenant_id, "written_by": actor},
    )
    locked = _lock(report, actor, TermlyReportState.DRAFT)
    locked.commentary = commentary
    _history(locked, actor, "Written" if made else "Changed")
    locked.save(update_fields=["commentary", "updated_at"])
    return locked


@transaction.atomic
def termly_report_issue(*, actor: User, report: HeadteacherReport) -> HeadteacherReport:
    """Issue the report to the academy's governors; it is final from then on."""
    locked = _lock(report, actor, TermlyReportState.ISSUED)
    if not locked.commentary.strip():
        raise TermlyReportError("Write your commentary before issuing the report.")
    locked.state = TermlyReportState.ISSUED
    locked.issued_at = timezone.now()
    locked.issued_by = actor
    _history(locked, actor, "Issued to the governors")
    locked.save(update_fields=["state", "issued_at", "issued_by", "updated_at"])
    return locked
