"""Reminders of probation review meetings and the end of probation for probationers with
no appraisal cycle (their policy leaves them out of appraisal, so the appraisal
reminders, which go cycle by cycle, never reach them).

``probation_reminders_sweep(on)`` finds what is due on ``on`` by the pinned policy's
reminder settings on the academy's working calendar, inserts one ``ProbationReminder``
per (probation, what, due date, stage, occurrence, person) with ``ON CONFLICT DO
NOTHING``, then sends each waiting row once: claimed by a conditional update, emailed,
marked sent. A crash between the email and the mark leaves the row claimed as sent, so
the one reminder is lost rather than sent twice. A fixed number of queries for the
sweep, plus one send per reminder.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from calendars.selectors import calendars_for
from calendars.working_days import OutsideCalendarRange
from cycles.models import AppraisalCycle, CycleState
from organisation.models import Role, RoleAssignment
from reminders.rules import reminder_due

from .deadlines import RECIPIENTS, due_items
from .models import RUNNING, Probation, ProbationReminder, ReminderStatus

logger = logging.getLogger(__name__)

_MARGIN = dt.timedelta(days=120)


def _probations_without_cycle() -> list[Probation]:
    live_cycle = AppraisalCycle.objects.filter(appraisee_id=OuterRef("staff_id")).exclude(
        state=CycleState.CLOSED
    )
    return list(
        Probation.objects.filter(status__in=RUNNING)
        .filter(~Exists(live_cycle))
        .select_related("policy_version", "staff__line_manager")
        .annotate(reviews_held=Count("reviews"))
        .order_by("pk")
    )


def probation_reminders_sweep(*, on: dt.date | None = None) -> int:
    """Record and send the reminders due on ``on`` (default today); returns how many were
    sent. Running it twice the same day sends nothing more."""
    on = on or timezone.localdate()
    probations = _probations_without_cycle()
    if probations:
        _record(probations, on)
    return _send_pending(on)


def _record(probations: list[Probation], on: dt.date) -> None:
    calendars = calendars_for({p.academy_id for p in probations}, on - _MARGIN, on + _MARGIN)
    hr: dict[int, list[int]] = {}
    for trust_id, user_id in (
        RoleAssignment.objects.active()
        .filter(role=Role.HR, trust_id__in={p.trust_id for p in probations})
        .values_list("trust_id", "user_id")
    ):
        hr.setdefault(trust_id, []).append(user_id)
    rows: list[ProbationReminder] = []
    for probation in probations:
        manager = probation.staff.line_manager
        manager_ids = (
            [manager.user_id]
            if manager is not None
            and manager.user_id is not None
            and (manager.left_on is None or manager.left_on > on)
            else []
        )
        for item in due_items(probation, probation.reviews_held):  # type: ignore[attr-defined]
            try:
                due = reminder_due(
                    due_on=item.due_on,
                    today=on,
                    calendar=calendars[probation.academy_id],
                    settings=probation.policy_version.rules.reminders,
                )
            except (OutsideCalendarRange, KeyError):
                continue
            if due is None:
                continue
            people: set[int] = set()
            for role in RECIPIENTS[item.kind]:
                people.update(manager_ids if role != "hr" else hr.get(probation.trust_id, []))
            people.discard(probation.staff.user_id or 0)  # never about their own probation
            rows.extend(
                ProbationReminder(
                    trust_id=probation.trust_id,
                    probation=probation,
                    kind=item.kind,
                    label=item.label[:200],
                    due_on=item.due_on,
                    stage=due.stage,
                    occurrence=due.occurrence,
                    recipient_id=user_id,
                    remind_on=on,
                )
                for user_id in sorted(people)
            )
    ProbationReminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)


def _send_pending(on: dt.date) -> int:
    sent = 0
    active = set(User.objects.filter(is_active=True).values_list("pk", flat=True).order_by())
    for row in ProbationReminder.objects.filter(
        status=ReminderStatus.PENDING, remind_on__lte=on
    ).select_related("recipient"):
        if row.recipient_id not in active or not row.recipient.email:
            continue
        claimed = ProbationReminder.objects.filter(pk=row.pk, status=ReminderStatus.PENDING).update(
            status=ReminderStatus.SENT, sent_at=timezone.now()
        )
        if not claimed:
            continue
        link = settings.SITE_URL.rstrip("/") + reverse("probation:detail", args=[row.probation_id])
        send_mail(
            subject=f"Reminder: {row.label}",
            message=f"{row.label}, due {row.due_on:%d %B %Y}. Sign in to see it: {link}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[row.recipient.email],
        )
        sent += 1
    logger.info("probation reminders on=%s sent=%s", on, sent)
    return sent
