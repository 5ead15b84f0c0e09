"""What reviews hold about one member of staff, for their copy of their data (a selector
registered with ``subject_access.extensions`` in ``apps.py``): observations of them, the
evidence on their cycles with its files, their annual reviews with each assessment, and
each completed review's statement as the member of staff's own copy (the stored PDF, laid
out once if it is not stored yet)."""

from __future__ import annotations

from cycles.models import AppraisalCycle
from organisation.models import StaffMember
from subject_access.extensions import ArchiveFile, ArchivePart, logged, values

from . import services, statements
from .models import AnnualReview, Evidence, Observation


def _who(user: object) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email  # type: ignore[attr-defined]


def personal_data_parts(staff: StaffMember) -> list[ArchivePart]:
    cycles = AppraisalCycle.objects.filter(trust_id=staff.trust_id, appraisee_id=staff.pk)
    ids = list(cycles.values_list("pk", flat=True))
    observations = list(
        Observation.objects.filter(cycle_id__in=ids)
        .select_related("observer")
        .order_by("observed_at", "pk")
    )
    evidence = list(
        Evidence.objects.filter(cycle_id__in=ids).select_related("added_by").order_by("pk")
    )
    reviews = list(
        AnnualReview.objects.filter(cycle_id__in=ids)
        .select_related("cycle__policy_version", "cycle__appraisee", "completed_by")
        .prefetch_related("objective_assessments", "standard_assessments__standard")
        .order_by("cycle__starts_on", "pk")
    )
    statement_files = [
        ArchiveFile(
            statements.statement_filename(review.cycle),
            content=services.statement_for_reader(
                cycle=review.cycle, review=review, for_appraisee=True
            ),
        )
        for review in reviews
        if review.is_completed
    ]
    return [
        ArchivePart(
            "observations",
            "Observations",
            [
                {
                    **values(
                        o,
                        "cycle_id",
                        "observed_at",
                        "duration_minutes",
                        "kind",
                        "focus",
                        "advance_notice_given",
                        "concerns_arose",
                        "usable_for_appraisal",
                        "not_usable_reason",
                        "feedback_due_at",
                        "verbal_feedback_at",
                        "written_feedback_at",
                        "feedback_notes",
                    ),
                    "observer": o.observer.full_name,
                }
                for o in observations
            ],
            logged=logged(observations),
        ),
        ArchivePart(
            "evidence",
            "Evidence",
            [
                {
                    **values(
                        e,
                        "cycle_id",
                        "objective_id",
                        "kind",
                        "title",
                        "note",
                        "original_name",
                        "content_type",
                        "size_bytes",
                        "added_at",
                    ),
                    "added_by": _who(e.added_by),
                    "file_in_archive": f"files/evidence/{e.pk}-{e.original_name}" if e.file else "",
                }
                for e in evidence
            ],
            files=[
                ArchiveFile(f"{e.pk}-{e.original_name}", storage_name=e.file.name)
                for e in evidence
                if e.file
            ],
            logged=logged(evidence),
        ),
        ArchivePart(
            "annual_reviews",
            "Annual reviews",
            [
                {
                    **values(
                        r,
                        "cycle_id",
                        "framework",
                        "evidence_summary",
                        "overview",
                        "development_needs",
                        "training",
                        "pay_reference",
                        "next_objectives",
                        "monitoring_plan",
                        "appraisee_comments",
                        "completed_at",
                        "acknowledged_at",
                        "headteacher_adjusted_at",
                        "headteacher_adjustment",
                    ),
                    "completed_by": _who(r.completed_by),
                    "objectives": [
                        values(a, "objective_title", "outcome", "comment")
                        for a in r.objective_assessments.all()
                    ],
                    "standards": [
                        {
                            "standard": (
                                f"{a.standard.code} {a.standard.title}"
                                if a.standard
                                else a.accountability
                            ),
                            **values(a, "outcome", "comment"),
                        }
                        for a in r.standard_assessments.all()
                    ],
                }
                for r in reviews
            ],
            logged=logged(reviews),
        ),
        ArchivePart(
            "statements",
            "Statements (PDF)",
            [{"file_in_archive": f"files/statements/{f.name}"} for f in statement_files],
            files=statement_files,
        ),
    ]
