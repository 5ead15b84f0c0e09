"""What objectives hold about one member of staff, for their copy of their data (a
selector registered with ``subject_access.extensions`` in ``apps.py``).

Only records of cycles they are the appraisee of: their objectives and plans, the
comments on them, conversations, their wellbeing notes (all of theirs, whoever wrote
them: the notes are about them), development plans and meetings. A note they wrote as
someone else's reviewer is about that person and is not here."""

from __future__ import annotations

from cycles.models import AppraisalCycle
from organisation.models import StaffMember
from subject_access.extensions import ArchivePart, logged, values

from .models import (
    Conversation,
    DevelopmentPlan,
    Meeting,
    Objective,
    ObjectiveComment,
    ObjectivePlan,
    WellbeingConsent,
    WellbeingNote,
)


def _who(user: object) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email  # type: ignore[attr-defined]


def personal_data_parts(staff: StaffMember) -> list[ArchivePart]:
    cycles = AppraisalCycle.objects.filter(trust_id=staff.trust_id, appraisee_id=staff.pk)
    ids = list(cycles.values_list("pk", flat=True))
    plans = list(
        ObjectivePlan.objects.filter(cycle_id__in=ids).select_related("proposed_by", "agreed_by")
    )
    objectives = list(Objective.objects.filter(cycle_id__in=ids).order_by("cycle_id", "position"))
    comments = list(
        ObjectiveComment.objects.filter(objective__cycle_id__in=ids).order_by("created_at", "pk")
    )
    conversations = list(Conversation.objects.filter(cycle_id__in=ids).order_by("cycle_id", "pk"))
    consents = list(WellbeingConsent.objects.filter(cycle_id__in=ids).order_by("given_at", "pk"))
    notes = list(
        WellbeingNote.objects.filter(trust_id=staff.trust_id, cycle_id__in=ids).select_related(
            "written_by"
        )
    )
    pdps = list(DevelopmentPlan.objects.filter(cycle_id__in=ids).order_by("cycle_id"))
    meetings = list(Meeting.objects.filter(cycle_id__in=ids).order_by("scheduled_for", "pk"))
    return [
        ArchivePart(
            "objective_plans",
            "Objective plans",
            [
                {
                    **values(
                        p,
                        "cycle_id",
                        "state",
                        "proposed_at",
                        "appraisee_response",
                        "appraisee_responded_at",
                        "appraisee_comment",
                        "agreed_at",
                        "headteacher_determined",
                        "determination_note",
                        "absence_note",
                        "review_requested_at",
                        "review_request_reason",
                    ),
                    "proposed_by": _who(p.proposed_by),
                    "agreed_by": _who(p.agreed_by),
                }
                for p in plans
            ],
            logged=logged(plans),
        ),
        ArchivePart(
            "objectives",
            "Objectives",
            [
                values(
                    o,
                    "id",
                    "cycle_id",
                    "kind",
                    "title",
                    "specific",
                    "measurable",
                    "achievable",
                    "relevant",
                    "time_bound",
                    "success_criteria",
                    "actions",
                    "support",
                    "alignment",
                    "status",
                    "individual_parts",
                    "created_at",
                    "updated_at",
                )
                for o in objectives
            ],
            logged=logged(objectives),
        ),
        ArchivePart(
            "objective_comments",
            "Comments on objectives",
            [values(c, "objective_id", "author_name", "text", "created_at") for c in comments],
        ),
        ArchivePart(
            "conversations",
            "Conversations",
            [
                values(
                    c,
                    "cycle_id",
                    "key",
                    "held_on",
                    "growth_areas",
                    "cpd_activities",
                    "agreed_notes",
                    "notes_consent",
                    "updated_at",
                )
                for c in conversations
            ],
            logged=logged(conversations),
        ),
        ArchivePart(
            "wellbeing",
            "Wellbeing consent and notes",
            [
                *(
                    {"record": "consent", **values(c, "cycle_id", "given_at", "withdrawn_at")}
                    for c in consents
                ),
                *(
                    {
                        "record": "note",
                        **values(n, "cycle_id", "written_at", "text"),
                        "written_by": _who(n.written_by),
                    }
                    for n in notes
                ),
            ],
        ),
        ArchivePart(
            "development_plans",
            "Personal development plans",
            [
                values(
                    d,
                    "cycle_id",
                    "inquiry",
                    "development_needs",
                    "role_fit",
                    "state",
                    "agreed_at",
                    "updated_at",
                )
                for d in pdps
            ],
            logged=logged(pdps),
        ),
        ArchivePart(
            "meetings",
            "Meetings",
            [
                values(
                    m,
                    "cycle_id",
                    "kind",
                    "scheduled_for",
                    "notice_given_on",
                    "planned_minutes",
                    "held_on",
                    "notes",
                    "agreed_actions",
                    "record_completed_on",
                )
                for m in meetings
            ],
            logged=logged(meetings),
        ),
    ]
