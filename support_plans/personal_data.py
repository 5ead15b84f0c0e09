"""What support plans hold about one member of staff, for their copy of their data (a
selector registered with ``subject_access.extensions`` in ``apps.py``): concerns raised
about them, their support plans with meetings, written plans, comments and the plan's
events, and the letters of their plans (the stored PDFs)."""

from __future__ import annotations

from organisation.models import StaffMember
from subject_access.extensions import ArchiveFile, ArchivePart, logged, values

from .models import (
    Concern,
    PlanComment,
    PlanEvent,
    PlanLetter,
    SupportMeeting,
    SupportPlan,
    WrittenPlan,
)


def _who(user: object) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email  # type: ignore[attr-defined]


def personal_data_parts(staff: StaffMember) -> list[ArchivePart]:
    concerns = list(
        Concern.objects.filter(trust_id=staff.trust_id, staff_id=staff.pk)
        .select_related("raised_by")
        .order_by("created_at", "pk")
    )
    plans = list(
        SupportPlan.objects.filter(trust_id=staff.trust_id, staff_id=staff.pk)
        .select_related("manager")
        .order_by("opened_on", "pk")
    )
    ids = [p.pk for p in plans]
    meetings = list(SupportMeeting.objects.filter(plan_id__in=ids).order_by("scheduled_for", "pk"))
    written = list(WrittenPlan.objects.filter(plan_id__in=ids).order_by("plan_id", "pk"))
    comments = list(
        PlanComment.objects.filter(plan_id__in=ids).select_related("author").order_by("pk")
    )
    events = list(
        PlanEvent.objects.filter(plan_id__in=ids).select_related("actor").order_by("at", "pk")
    )
    letters = list(PlanLetter.objects.filter(plan_id__in=ids).order_by("created_at", "pk"))
    return [
        ArchivePart(
            "concerns",
            "Concerns",
            [
                {
                    **values(
                        c,
                        "id",
                        "about",
                        "about_detail",
                        "evidence",
                        "raised_with_them_on",
                        "headteacher_told_at",
                        "created_at",
                    ),
                    "raised_by": c.raised_by.full_name,
                }
                for c in concerns
            ],
            logged=logged(concerns),
        ),
        ArchivePart(
            "support_plans",
            "Support plans",
            [
                {
                    **values(
                        p,
                        "id",
                        "concern_id",
                        "stage",
                        "stage_started_on",
                        "status",
                        "bypass_reason",
                        "appraisal_effect",
                        "capability_stage",
                        "capability_started_on",
                        "capability_ended_on",
                        "paused_on",
                        "pause_reason",
                        "outcome",
                        "sustain_until",
                        "opened_on",
                        "closed_on",
                    ),
                    "manager": p.manager.full_name,
                    "meetings": [
                        values(
                            m,
                            "stage",
                            "capability_stage",
                            "kind",
                            "scheduled_for",
                            "notice_given_on",
                            "attendees",
                            "companion",
                            "papers_sent",
                            "papers_sent_on",
                            "notes",
                            "outcome",
                            "held_on",
                        )
                        for m in meetings
                        if m.plan_id == p.pk
                    ],
                    "written_plans": [
                        values(w, "stage", "answers", "updated_at")
                        for w in written
                        if w.plan_id == p.pk
                    ],
                    "comments": [
                        {**values(c, "text", "created_at"), "by": _who(c.author)}
                        for c in comments
                        if c.plan_id == p.pk
                    ],
                    "events": [
                        {
                            **values(e, "kind", "from_stage", "to_stage", "reason", "at"),
                            "by": _who(e.actor),
                        }
                        for e in events
                        if e.plan_id == p.pk
                    ],
                }
                for p in plans
            ],
            logged=logged(plans),
        ),
        ArchivePart(
            "support_letters",
            "Letters of support plans",
            [
                {
                    **values(
                        letter, "plan_id", "kind", "title", "contents", "signed_by", "written_on"
                    ),
                    "file_in_archive": f"files/support_letters/{letter.pk}.pdf",
                }
                for letter in letters
            ],
            files=[
                ArchiveFile(f"{letter.pk}.pdf", storage_name=letter.file.name) for letter in letters
            ],
            logged=logged(letters),
        ),
    ]
