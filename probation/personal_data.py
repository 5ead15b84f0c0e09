"""What probation holds about one member of staff, for their copy of their data (a
selector registered with ``subject_access.extensions`` in ``apps.py``): their probations
with the review meetings and what happened to each."""

from __future__ import annotations

from organisation.models import StaffMember
from subject_access.extensions import ArchivePart, logged, values

from .models import Probation, ProbationEvent, ProbationReview


def _who(user: object) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email  # type: ignore[attr-defined]


def personal_data_parts(staff: StaffMember) -> list[ArchivePart]:
    probations = list(
        Probation.objects.filter(trust_id=staff.trust_id, staff_id=staff.pk).order_by(
            "starts_on", "pk"
        )
    )
    ids = [p.pk for p in probations]
    reviews = list(ProbationReview.objects.filter(probation_id__in=ids).order_by("held_on", "pk"))
    events = list(
        ProbationEvent.objects.filter(probation_id__in=ids)
        .select_related("actor")
        .order_by("at", "pk")
    )
    return [
        ArchivePart(
            "probation",
            "Probation",
            [
                {
                    **values(
                        p,
                        "starts_on",
                        "ends_on",
                        "original_ends_on",
                        "status",
                        "extended_on",
                        "extension_reason",
                        "hr_told_at",
                        "decided_on",
                        "outcome_note",
                    ),
                    "review_meetings": [
                        values(r, "held_on", "successes", "development_areas", "training")
                        for r in reviews
                        if r.probation_id == p.pk
                    ],
                    "events": [
                        {
                            **values(e, "kind", "from_status", "to_status", "reason", "at"),
                            "by": _who(e.actor),
                        }
                        for e in events
                        if e.probation_id == p.pk
                    ],
                }
                for p in probations
            ],
            logged=logged(probations),
        )
    ]
