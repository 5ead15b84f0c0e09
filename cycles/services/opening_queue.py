"""Opening in the background: a request recorded, then carried out once by a task."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils import timezone

from organisation.models import Academy, Trust

from .. import order
from ..models import CycleOpening, OpeningStatus
from ._common import _require_may_open, logger
from .errors import CycleError
from .opening import cycles_open

if TYPE_CHECKING:
    from accounts.models import User


def cycle_opening_request(
    *,
    trust: Trust,
    year: int,
    actor: User,
    academy: Academy | None = None,
    confirmed_early: bool = False,
) -> CycleOpening:
    """Record a request to open ``year``'s cycles. One academy opens at once; the whole
    trust is queued (its page shows progress, then the outcome). A year that starts more
    than a term ahead opens only when the person opening confirmed it, which is recorded."""
    _require_may_open(actor, trust, academy)
    starts = order.opening_is_early(today=timezone.localdate(), year=year)
    if starts is not None and not confirmed_early:
        raise CycleError(
            f"This year starts on {order.long_date(starts)}: confirm you want to open its "
            "cycles now."
        )
    opening = CycleOpening.objects.create(
        trust=trust,
        academy=academy,
        year=year,
        requested_by=actor,
        confirmed_early=starts is not None,
    )
    if academy is None:
        from ..tasks import open_cycles

        open_cycles.delay_on_commit(opening.pk)  # type: ignore[attr-defined]
    else:
        cycle_opening_run(opening_id=opening.pk)
        opening.refresh_from_db()
    return opening


# A run that has said "running" for this long was lost with its worker: try it again.
STALE_OPENING_AFTER = dt.timedelta(hours=1)


def cycle_opening_run(*, opening_id: int) -> CycleOpening | None:
    """Carry out a queued opening. Claims the row first, so a task delivered twice opens
    once; returns None when there was nothing to do."""
    now = timezone.now()
    claimed = (
        CycleOpening.objects.filter(pk=opening_id)
        .filter(
            Q(status=OpeningStatus.QUEUED)
            | Q(status=OpeningStatus.RUNNING, started_at__lt=now - STALE_OPENING_AFTER)
        )
        .update(status=OpeningStatus.RUNNING, started_at=now)
    )
    if not claimed:
        return None
    opening = CycleOpening.objects.select_related("trust", "academy", "requested_by").get(
        pk=opening_id
    )
    try:
        result = cycles_open(
            trust=opening.trust,
            academy=opening.academy,
            year=opening.year,
            actor=opening.requested_by,
        )
    except CycleError as exc:
        opening.status, opening.error = OpeningStatus.FAILED, str(exc)[:300]
    except Exception:
        logger.exception("Opening cycles failed (opening %s)", opening_id)
        opening.status = OpeningStatus.FAILED
        opening.error = "Something went wrong and no cycles were opened. Try again later."
    else:
        opening.status = OpeningStatus.DONE
        opening.created_count = result.created_count
        opening.already_open_count = len(result.already_open)
        opening.excluded_count = len(result.excluded)
        opening.excluded = [vars(person) for person in result.excluded]
        opening.without_reviewer = [vars(person) for person in result.without_reviewer]
    opening.finished_at = timezone.now()
    opening.save(
        update_fields=[
            "status",
            "error",
            "created_count",
            "already_open_count",
            "excluded_count",
            "excluded",
            "without_reviewer",
            "finished_at",
        ]
    )
    return opening
