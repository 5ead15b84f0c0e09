"""What pay progression holds about one member of staff, for their copy of their data (a
selector registered with ``subject_access.extensions`` in ``apps.py``): their pay history
and each pay recommendation once it has been shared with them or decided, with its
written pay statement (the stored PDF).

A recommendation still being drafted or awaiting the headteacher's approval is not yet
shown to the member of staff anywhere (classic §5.7.7) and is left out here too; HR
answering a request reviews whether one is open."""

from __future__ import annotations

from django.db.models import Q

from organisation.models import StaffMember
from subject_access.extensions import ArchiveFile, ArchivePart, logged, values

from .models import PayPlacement, PayRecommendation, PayStatementFile


def personal_data_parts(staff: StaffMember) -> list[ArchivePart]:
    placements = list(
        PayPlacement.objects.filter(trust_id=staff.trust_id, staff_id=staff.pk).order_by(
            "since", "pk"
        )
    )
    recommendations = list(
        PayRecommendation.objects.filter(trust_id=staff.trust_id, staff_id=staff.pk)
        .filter(Q(shared_at__isnull=False) | Q(decided_at__isnull=False))
        .select_related("recommender")
        .order_by("effective_from", "pk")
    )
    statements = list(
        PayStatementFile.objects.filter(recommendation__in=recommendations).order_by("pk")
    )
    return [
        ArchivePart(
            "pay_history",
            "Pay history",
            [values(p, "pay_range", "point", "since", "source") for p in placements],
            logged=logged(placements),
        ),
        ArchivePart(
            "pay_recommendations",
            "Pay recommendations",
            [
                {
                    **values(
                        r,
                        "id",
                        "stage",
                        "current_range",
                        "current_point",
                        "current_since",
                        "outcome",
                        "proposed_point",
                        "reason",
                        "evidence",
                        "honorarium",
                        "honorarium_note",
                        "shared_at",
                        "decided_at",
                        "decision_note",
                        "effective_from",
                        "statement_issued_at",
                    ),
                    "recommender": r.recommender.full_name if r.recommender else "",
                }
                for r in recommendations
            ],
            logged=logged(recommendations),
        ),
        ArchivePart(
            "pay_statements",
            "Pay statements (PDF)",
            [
                {
                    "recommendation_id": s.recommendation_id,
                    "file_in_archive": f"files/pay_statements/{s.recommendation_id}.pdf",
                }
                for s in statements
            ],
            files=[
                ArchiveFile(f"{s.recommendation_id}.pdf", storage_name=s.file.name)
                for s in statements
            ],
        ),
    ]
