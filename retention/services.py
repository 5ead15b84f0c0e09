"""Legal holds (set and lifted by HR) and the entry points of the retention purge.

The purge itself (finding, destroying and recording expired record trees) lives in
``retention.purge``; these are the calls views, commands and tasks make.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import models, transaction
from django.utils import timezone

from organisation.models import StaffMember
from organisation.principal import Principal

from . import purge
from .models import LegalHold
from .permissions import can_manage_retention
from .registry import retention_registry

if TYPE_CHECKING:
    from accounts.models import User


class RetentionError(Exception):
    """A refused retention action, with a message fit to show on the page."""


def _check_hr(principal: Principal, trust_id: int) -> None:
    if not can_manage_retention(principal) or principal.trust_id != trust_id:
        raise RetentionError("Only HR of the trust can set or lift a legal hold.")


@transaction.atomic
def legal_hold_set(
    *,
    principal: Principal,
    actor: User,
    reason: str,
    record: models.Model | None = None,
    staff_member: StaffMember | None = None,
) -> LegalHold:
    """Keep one record (an appraisal cycle, or a record of any registered retention
    root), or everything about one member of staff, past its retention period.

    Takes the record's row lock first, the same lock the purge takes before destroying a
    tree: a hold set while the purge runs is either in place before the purge looks, or
    set on a record already gone (refused)."""
    if (record is None) == (staff_member is None):
        raise RetentionError("Choose one record or one member of staff to hold.")
    reason = reason.strip()
    if not reason:
        raise RetentionError("Say why the record must be kept.")
    root = None
    if record is not None:
        root = retention_registry.root_for_model(type(record))
        if root is None:
            raise RetentionError("Records of this kind are not destroyed, so cannot be held.")
        facts = root.facts([record.pk], lock=True).get(record.pk)
        if facts is None:
            raise RetentionError("That record no longer exists.")
        trust_id = facts.trust_id
    else:
        trust_id = staff_member.trust_id  # type: ignore[union-attr]
    _check_hr(principal, trust_id)
    hold = LegalHold(
        trust_id=trust_id,
        root_kind=root.key if root is not None else "",
        root_id=record.pk if record is not None else None,
        staff_member=staff_member,
        reason=reason,
        set_by=actor,
    )
    hold._history_user = actor  # type: ignore[attr-defined]
    hold.save()
    return hold


@transaction.atomic
def legal_hold_lift(
    *, principal: Principal, actor: User, hold: LegalHold, reason: str
) -> LegalHold:
    """End a hold. The record is then destroyed by the next purge if it has expired."""
    hold = LegalHold.objects.select_for_update(of=("self",)).get(pk=hold.pk)
    _check_hr(principal, hold.trust_id)
    reason = reason.strip()
    if not reason:
        raise RetentionError("Say why the hold can end.")
    if hold.lifted_at is not None:
        raise RetentionError("This hold has already been lifted.")
    hold.lifted_at = timezone.now()
    hold.lifted_by = actor
    hold.lift_reason = reason
    hold._history_user = actor  # type: ignore[attr-defined]
    hold.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    return hold


def purge_expired_records(
    *, as_of: dt.date | None = None, dry_run: bool = False, max_seconds: float | None = None
) -> purge.PurgeRun:
    return purge.purge_expired(as_of=as_of, dry_run=dry_run, max_seconds=max_seconds)


def delete_pending_files() -> int:
    # Files with a short life of their own (``retention.expiry``) join the queue first.
    from .expiry import expiring_files

    for source in expiring_files:
        source.expire_files()
    return purge.delete_pending_files()
