"""The demo trust's probationer: a member of staff who joined this September, on
probation under their policy (where it has one), started by their line manager, with
the first review meeting recorded once it has fallen due. Made through the services a
line manager uses; running the demo again leaves an existing probation as it is."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from organisation.models import StaffMember

from . import rules, services
from .models import Probation

# Who may be the probationer, in order: a teacher the demo's line manager manages, then a
# teaching assistant (for a policy that covers associate staff only).
CANDIDATES = ("a_t4", "a_ta2")


def seed_probation(*, staff: dict[str, StaffMember], academic_year: int) -> Probation | None:
    today = timezone.localdate()
    joined = min(dt.date(academic_year, 9, 1), today)
    for key in CANDIDATES:
        member = staff.get(key)
        if member is None or member.line_manager is None or member.line_manager.user is None:
            continue
        existing = Probation.objects.filter(staff=member).first()
        if existing is not None:
            return existing
        try:
            version = services.policy_with_probation(member, joined)
        except services.ProbationError:
            continue
        if member.start_date != joined:
            member.start_date = joined
            member.save(update_fields=["start_date"])
        actor = member.line_manager.user
        probation = services.probation_start(actor=actor, staff=member, starts_on=joined)
        first_due = rules.review_due_dates(
            version.rules.scope, probation.starts_on, probation.ends_on
        )[0]
        if first_due <= today:
            services.probation_review_record(
                actor=actor,
                probation=probation,
                held_on=first_due,
                successes="Settled well into the team; clear routines in lessons.",
                development_areas="Using assessment to plan the next steps for each group.",
                training="Assessment for learning course; observe a colleague in the phase.",
            )
        return probation
    return None
