"""What colleague feedback holds about one member of staff, for their copy of their data
(a selector registered with ``subject_access.extensions`` in ``apps.py``): each round of
feedback about them, its question and dates, how many colleagues answered, and the
answers themselves once the policy's threshold of answers is in (the reviewer reads them
only from then on, classic §5.5.5; fewer could point to who wrote them).

Never who was asked or who wrote which answer: those are the colleagues' personal data,
and no row says who wrote an answer anyway. Feedback the person gave about someone else
is about that person and is not here."""

from __future__ import annotations

from django.db.models import Count, Q

from organisation.models import StaffMember
from subject_access.extensions import ArchivePart, logged, values

from . import rules
from .models import FeedbackAnswer, FeedbackRound, RequestStatus


def personal_data_parts(staff: StaffMember) -> list[ArchivePart]:
    rounds = list(
        FeedbackRound.objects.filter(trust_id=staff.trust_id, cycle__appraisee_id=staff.pk)
        .select_related("cycle__policy_version")
        .annotate(
            answered=Count("requests", filter=Q(requests__status=RequestStatus.ANSWERED)),
            asked=Count("requests"),
        )
        .order_by("asked_on", "pk")
    )
    answers: dict[int, list[str]] = {}
    for round_id, text in (
        FeedbackAnswer.objects.filter(round__in=rounds)
        .order_by("round_id", "position", "pk")
        .values_list("round_id", "text")
    ):
        answers.setdefault(round_id, []).append(text)
    records = []
    for round_ in rounds:
        review = round_.cycle.policy_version.rules.review
        readable = rules.answers_readable(review, round_.answered)  # type: ignore[attr-defined]
        records.append(
            {
                **values(
                    round_,
                    "cycle_id",
                    "question",
                    "status",
                    "asked_on",
                    "agreed_on",
                    "opened_on",
                    "closes_on",
                    "closed_on",
                ),
                "colleagues_asked": round_.asked,  # type: ignore[attr-defined]
                "answers_received": round_.answered,  # type: ignore[attr-defined]
                "answers": answers.get(round_.pk, []) if readable else [],
                "answers_withheld": (
                    ""
                    if readable
                    else "Fewer answers than the policy's threshold came in, so they could "
                    "show who wrote them."
                ),
            }
        )
    return [
        ArchivePart(
            "colleague_feedback",
            "Feedback colleagues gave about you (without who wrote which)",
            records,
            logged=logged(rounds),
        )
    ]
