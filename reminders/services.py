"""Deadline reminders: the daily sweep, the digest sender, and calendar-feed addresses.

How "exactly once" is kept, as far as email allows:

1. ``reminders_sweep`` reads every open cycle of current staff in batches, asks
   ``cycles.deadlines.all_deadlines`` what is due (about the cycle or any record of an app
   that belongs to it; a suspended cycle only from the sources it does not stop), finds
   who holds each deadline's recipient role through the registered resolvers, and inserts
   a ``ReminderDispatch`` row for each reminder due today with ``ON CONFLICT DO NOTHING``
   on the unique key (subject, deadline, recipient, stage, occurrence, due date). Running
   it twice, or a task delivered twice, inserts nothing new.
2. ``reminder_digest_send`` handles one person: it claims that person's digest for the day
   with a conditional update (pending, or "sending" for longer than ``CLAIM_TIMEOUT``, to
   "sending" with a fresh claim token), attaches every waiting row to it, sends ONE email,
   then marks digest and rows "sent". A second sender finds the digest claimed or sent and
   does nothing. A digest already sent today keeps new rows waiting for tomorrow's.
3. If the email backend raises, the claim is released and the next run retries. If the
   worker dies after claiming and before sending, the digest stays "sending" and is
   claimed again once ``CLAIM_TIMEOUT`` has passed: nothing was sent, so nothing is sent
   twice.

The one window left: a worker that dies after the mail server accepted the email and
before the "sent" mark is committed (a few milliseconds). After ``CLAIM_TIMEOUT`` that
digest is claimed again and the same reminders are sent a second time. Sending can never be
made atomic with a database commit, so the design keeps this window as short as possible
and chooses a rare duplicate over a lost reminder.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from calendars.selectors import calendars_for
from calendars.working_days import OutsideCalendarRange
from cycles.deadlines import Deadline, all_deadlines, recipients_by_subject
from cycles.models import AppraisalCycle
from policies.models import PolicyVersion

from .models import (
    CalendarFeed,
    DispatchStatus,
    RecipientRole,
    ReminderDigest,
    ReminderDispatch,
    ReminderStage,
    new_feed_token,
)
from .rules import ReminderDue, reminder_due
from .selectors import (
    active_user_ids,
    cycles_for_sweep,
    pending_recipient_ids,
)

logger = logging.getLogger(__name__)

# How long a digest may stay "sending" before another run takes it over. It must be far
# longer than one send can take (EMAIL_TIMEOUT bounds a hung mail server), or a slow but
# healthy sender would be duplicated.
CLAIM_TIMEOUT = dt.timedelta(minutes=30)
# Cycles read per batch: a fixed number of queries per batch, memory bounded.
SWEEP_BATCH_SIZE = 500
# Working days looked back from the earliest due date (and forward from the latest), so
# "N working days before" never falls off the calendar loaded for a batch.
_CALENDAR_MARGIN = dt.timedelta(days=120)


class ReminderError(Exception):
    """A refused reminders action, with a message fit to show on the page."""


# ----- The sweep ---------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedReminder:
    trust_id: int
    subject_kind: str
    subject_id: int
    cycle_id: int | None
    deadline_kind: str
    label: str
    recipient_role: str
    recipient_id: int
    due_on: dt.date
    stage: ReminderStage
    occurrence: int


@dataclass
class SweepResult:
    on: dt.date
    dry_run: bool
    cycles: int = 0
    deadlines: int = 0
    planned: list[PlannedReminder] = field(default_factory=list)

    @property
    def recipients(self) -> int:
        return len({p.recipient_id for p in self.planned})


def _batches(on: dt.date, size: int) -> Iterable[list[AppraisalCycle]]:
    """Keyset pagination by primary key: each batch is one query, whatever the offset."""
    last_pk = 0
    while True:
        batch = list(cycles_for_sweep(on).filter(pk__gt=last_pk).order_by("pk")[:size])
        if not batch:
            return
        last_pk = batch[-1].pk
        yield batch


def _plan_batch(
    batch: Sequence[AppraisalCycle], on: dt.date
) -> tuple[list[Deadline], list[PlannedReminder]]:
    by_id = {c.pk: c for c in batch}
    # A deadline is reminded through its cycle: the cycle's pinned policy sets when, its
    # academy's calendar counts the working days, unless the deadline's subject pins a
    # policy version and academy of its own (a support plan).
    deadlines = [d for d in all_deadlines(batch) if not d.done and d.cycle_id in by_id]
    if not deadlines:
        return [], []
    due_dates = [d.due_on for d in deadlines]
    calendars = calendars_for(
        {c.academy_id for c in batch} | {d.academy_id for d in deadlines if d.academy_id},
        min(min(due_dates), on) - _CALENDAR_MARGIN,
        max(max(due_dates), on) + _CALENDAR_MARGIN,
    )
    # A subject pinning its own policy version (a support plan) is timed by that version;
    # those not already loaded with a cycle are read in one query.
    versions = {c.policy_version_id: c.policy_version for c in batch}
    own = {d.policy_version_id for d in deadlines if d.policy_version_id} - versions.keys()
    if own:
        versions.update((v.pk, v) for v in PolicyVersion.objects.filter(pk__in=own))
    found_due: list[tuple[Deadline, AppraisalCycle, ReminderDue]] = []
    for deadline in deadlines:
        cycle = by_id[deadline.cycle_id]  # type: ignore[index]  # filtered above
        version = versions.get(deadline.policy_version_id or cycle.policy_version_id)
        if version is None:
            continue  # the version was deleted since the deadline was read
        try:
            due = reminder_due(
                due_on=deadline.due_on,
                today=on,
                calendar=calendars[deadline.academy_id or cycle.academy_id],
                settings=version.rules.reminders,
            )
        except OutsideCalendarRange:
            logger.warning(
                "reminder skipped: due date outside the calendar cycle_id=%s kind=%s",
                cycle.pk,
                deadline.kind,
            )
            continue
        if due is not None:
            found_due.append((deadline, cycle, due))
    # Who holds each role, asked only about what is due today (a fraction of the batch).
    holders = recipients_by_subject([d for d, _, _ in found_due], by_id, on=on)
    planned: list[PlannedReminder] = []
    for deadline, cycle, due in found_due:
        for user_id in holders.get((deadline.subject, deadline.recipient), ()):
            planned.append(
                PlannedReminder(
                    trust_id=cycle.trust_id,
                    subject_kind=deadline.subject.kind,
                    subject_id=deadline.subject.pk,
                    cycle_id=cycle.pk,
                    deadline_kind=deadline.kind,
                    label=deadline.label[:200],
                    recipient_role=deadline.recipient,
                    recipient_id=user_id,
                    due_on=deadline.due_on,
                    stage=due.stage,
                    occurrence=due.occurrence,
                )
            )
    # Accounts switched off (people who left, suspended accounts) get nothing.
    active = active_user_ids(p.recipient_id for p in planned)
    return deadlines, [p for p in planned if p.recipient_id in active]


def reminders_sweep(
    *, on: dt.date | None = None, batch_size: int = SWEEP_BATCH_SIZE, dry_run: bool = False
) -> SweepResult:
    """Find every reminder due on ``on`` (default today) and record it once.

    Idempotent: the rows are inserted with ``ignore_conflicts`` on the dispatch key, so a
    second run the same day adds nothing. ``dry_run`` plans without writing.
    """
    on = on or timezone.localdate()
    result = SweepResult(on=on, dry_run=dry_run)
    for batch in _batches(on, batch_size):
        deadlines, planned = _plan_batch(batch, on)
        result.cycles += len(batch)
        result.deadlines += len(deadlines)
        result.planned.extend(planned)
        if dry_run or not planned:
            continue
        ReminderDispatch.objects.bulk_create(
            [
                ReminderDispatch(
                    trust_id=p.trust_id,
                    subject_kind=p.subject_kind,
                    subject_id=p.subject_id,
                    cycle_id=p.cycle_id,
                    deadline_kind=p.deadline_kind,
                    label=p.label,
                    recipient_role=p.recipient_role,
                    recipient_id=p.recipient_id,
                    due_on=p.due_on,
                    stage=p.stage,
                    occurrence=p.occurrence,
                    remind_on=on,
                )
                for p in planned
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
    logger.info(
        "reminder sweep on=%s dry_run=%s cycles=%s deadlines=%s reminders=%s",
        on,
        dry_run,
        result.cycles,
        result.deadlines,
        len(result.planned),
    )
    return result


# ----- Sending digests ---------------------------------------------------------------


@dataclass(frozen=True)
class DigestOutcome:
    recipient_id: int
    status: str  # "sent", "nothing_due", "already_sent", "busy"
    items: int = 0


def _claim_digest(
    *, recipient_id: int, on: dt.date, now: dt.datetime
) -> tuple[ReminderDigest | None, str]:
    """Claim the person's digest for ``on`` and attach every reminder waiting for them.

    Returns (digest, "") when claimed, or (None, why not)."""
    stale_before = now - CLAIM_TIMEOUT
    digest, _ = ReminderDigest.objects.get_or_create(recipient_id=recipient_id, digest_on=on)
    token = uuid.uuid4()
    with transaction.atomic():
        claimed = (
            ReminderDigest.objects.filter(pk=digest.pk)
            .filter(
                Q(status=DispatchStatus.PENDING)
                | Q(status=DispatchStatus.SENDING, claimed_at__lt=stale_before)
            )
            .update(
                status=DispatchStatus.SENDING,
                claim_token=token,
                claimed_at=now,
                attempts=F("attempts") + 1,
            )
        )
        if not claimed:
            current = ReminderDigest.objects.values_list("status", flat=True).get(pk=digest.pk)
            return None, "already_sent" if current == DispatchStatus.SENT else "busy"
        # Waiting rows, rows of this digest left by a sender that died, and rows of an
        # earlier day's digest whose sender died (its outcome unknown: it stays "sending").
        ReminderDispatch.objects.filter(recipient_id=recipient_id).filter(
            Q(status=DispatchStatus.PENDING, remind_on__lte=on)
            | Q(status=DispatchStatus.SENDING, digest_id=digest.pk)
            | Q(status=DispatchStatus.SENDING, claimed_at__lt=stale_before)
        ).update(status=DispatchStatus.SENDING, digest_id=digest.pk, claimed_at=now)
    digest.claim_token = token
    digest.claimed_at = now
    return digest, ""


def _still_due(
    rows: Sequence[ReminderDispatch], on: dt.date
) -> tuple[list[ReminderDispatch], list[ReminderDispatch]]:
    """Split claimed rows into those still worth sending and those not: the cycle was
    closed (or suspended, for deadlines a suspension stops) since the sweep, the item is
    done, its date moved, or the person no longer holds the role."""
    cycle_ids = {r.cycle_id for r in rows if r.cycle_id is not None}
    cycles = list(cycles_for_sweep(on).filter(pk__in=cycle_ids))
    by_id = {c.pk: c for c in cycles}
    claimed = {(r.subject_kind, r.subject_id, r.deadline_kind, r.due_on) for r in rows}
    pending = [
        d
        for d in all_deadlines(cycles)
        if not d.done
        and d.cycle_id in by_id
        and (d.subject.kind, d.subject.pk, d.kind, d.due_on) in claimed
    ]
    holders = recipients_by_subject(pending, by_id, on=on)
    live_keys: set[tuple[str, int, str, str, int, dt.date]] = set()
    for deadline in pending:
        subject = deadline.subject
        for user_id in holders.get((subject, deadline.recipient), ()):
            live_keys.add(
                (
                    subject.kind,
                    subject.pk,
                    deadline.kind,
                    deadline.recipient,
                    user_id,
                    deadline.due_on,
                )
            )
    live: list[ReminderDispatch] = []
    dead: list[ReminderDispatch] = []
    for row in rows:
        key = (
            row.subject_kind,
            row.subject_id,
            row.deadline_kind,
            row.recipient_role,
            row.recipient_id,
            row.due_on,
        )
        (live if key in live_keys else dead).append(row)
    return live, dead


def _release(digest: ReminderDigest) -> None:
    """Give back a claim when nothing was sent, so the next run tries again."""
    with transaction.atomic():
        ReminderDispatch.objects.filter(
            digest_id=digest.pk, status=DispatchStatus.SENDING, claimed_at=digest.claimed_at
        ).update(status=DispatchStatus.PENDING, digest=None, claimed_at=None)
        ReminderDigest.objects.filter(pk=digest.pk, claim_token=digest.claim_token).update(
            status=DispatchStatus.PENDING, claim_token=None, claimed_at=None
        )


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _cycle_url(cycle_id: int | None) -> str:
    """The cycle's page, or the person's own deadlines when it belongs to no cycle."""
    if cycle_id is None:
        return _site_url(reverse("reminders:mine"))
    return _site_url(reverse("cycles:detail", args=[cycle_id]))


def _whose(row: ReminderDispatch) -> str:
    if row.recipient_role == RecipientRole.APPRAISEE:
        return "Your own appraisal"
    return row.cycle.appraisee.full_name if row.cycle is not None else ""


@dataclass(frozen=True)
class DigestItem:
    label: str
    whose: str
    due_on: dt.date
    stage: str
    url: str


def digest_message(
    *, user: User, rows: Sequence[ReminderDispatch], on: dt.date
) -> EmailMultiAlternatives:
    """The digest email for ``rows`` (cycles and appraisees loaded)."""
    items = [
        DigestItem(
            label=row.label,
            whose=_whose(row),
            due_on=row.due_on,
            stage=row.stage,
            url=_cycle_url(row.cycle_id),
        )
        for row in sorted(rows, key=lambda r: (r.due_on, r.label))
    ]
    groups = [
        (ReminderStage(stage).label, [i for i in items if i.stage == stage])
        for stage in (ReminderStage.OVERDUE, ReminderStage.ON_DAY, ReminderStage.BEFORE)
    ]
    context = {
        "user": user,
        "on": on,
        "groups": [(title, group) for title, group in groups if group],
        "count": len(items),
        "deadlines_url": _site_url(reverse("reminders:mine")),
    }
    subject = render_to_string("reminders/email/digest_subject.txt", context).strip()
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=render_to_string("reminders/email/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
    )
    message.attach_alternative(
        render_to_string("reminders/email/digest.html", context), "text/html"
    )
    return message


def deliver(message: EmailMultiAlternatives) -> None:
    """Hand one email to the configured backend (a seam for tests that simulate a crash)."""
    message.send(fail_silently=False)


def reminder_digest_send(
    *,
    recipient_id: int,
    on: dt.date | None = None,
    now: dt.datetime | None = None,
    connection: BaseEmailBackend | None = None,
) -> DigestOutcome:
    """Send one person's digest for ``on`` (at most one a day). Safe to call any number of
    times, from any number of workers."""
    on = on or timezone.localdate()
    now = now or timezone.now()
    digest, why_not = _claim_digest(recipient_id=recipient_id, on=on, now=now)
    if digest is None:
        return DigestOutcome(recipient_id, why_not)
    rows = list(
        ReminderDispatch.objects.filter(
            digest_id=digest.pk, status=DispatchStatus.SENDING
        ).select_related("cycle__appraisee")
    )
    live, dead = _still_due(rows, on)
    if dead:
        ReminderDispatch.objects.filter(
            pk__in=[r.pk for r in dead], status=DispatchStatus.SENDING
        ).update(status=DispatchStatus.CANCELLED, digest=None)
    user = User.objects.filter(pk=recipient_id, is_active=True).first()
    if not live or user is None or not user.email:
        if user is None and live:
            ReminderDispatch.objects.filter(pk__in=[r.pk for r in live]).update(
                status=DispatchStatus.CANCELLED, digest=None
            )
        _release(digest)
        return DigestOutcome(recipient_id, "nothing_due")
    message = digest_message(user=user, rows=live, on=on)
    if connection is not None:
        message.connection = connection
    try:
        deliver(message)
    except Exception:
        # The backend refused: nothing went out, so let the next run try again.
        _release(digest)
        raise
    # The crash window is from here to the commit below (see the module docstring).
    with transaction.atomic():
        ReminderDispatch.objects.filter(
            digest_id=digest.pk, status=DispatchStatus.SENDING, pk__in=[r.pk for r in live]
        ).update(status=DispatchStatus.SENT, sent_at=now)
        ReminderDigest.objects.filter(pk=digest.pk, claim_token=digest.claim_token).update(
            status=DispatchStatus.SENT, sent_at=now, item_count=len(live)
        )
    return DigestOutcome(recipient_id, "sent", len(live))


def reminders_send_pending(
    *, on: dt.date | None = None, now: dt.datetime | None = None
) -> list[DigestOutcome]:
    """Send every waiting digest in this process, over one mail connection (the in-process
    scheduler and the management command; Celery sends one task per person instead)."""
    on = on or timezone.localdate()
    now = now or timezone.now()
    outcomes: list[DigestOutcome] = []
    recipients = pending_recipient_ids(on=on, stale_before=now - CLAIM_TIMEOUT)
    if not recipients:
        return outcomes
    with get_connection() as connection:
        for recipient_id in recipients:
            try:
                outcomes.append(
                    reminder_digest_send(
                        recipient_id=recipient_id, on=on, now=now, connection=connection
                    )
                )
            except Exception:
                # One unreachable address must not hold up everybody else's reminders.
                logger.exception("reminder digest failed recipient_id=%s", recipient_id)
                outcomes.append(DigestOutcome(recipient_id, "failed"))
    return outcomes


# ----- Calendar feed -----------------------------------------------------------------


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the person a new secret feed address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.select_for_update(of=("self",)).get_or_create(user=user)
    if not created:
        feed.token = new_feed_token()
        feed.reset_at = timezone.now()
        feed.save(update_fields=["token", "reset_at"])
    return feed
