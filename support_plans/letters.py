"""A support plan's letters as tagged, accessible PDFs (WeasyPrint, PDF/UA-1): the
invitation to a formal or capability meeting and the outcome of a meeting.

A letter holds what the pinned policy says it includes, in the policy's own words as
headings (``support.capability_letter_contents``: leger §11; ``outcome_letter_contents``),
each answered by its writer, and states what the policy itself gives the member of staff
(the notice, the right to be accompanied or represented, the papers sent first). It is laid
out once, when it is written, and the PDF is kept on the plan
(``services.letter_write``).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from reviews.statements import pdf_from

from . import rules
from .models import CAPABILITY, LetterKind, SupportMeeting, SupportPlan


def letter_title(kind: str, meeting: SupportMeeting) -> str:
    name = meeting.get_kind_display().lower()
    if kind == LetterKind.INVITATION:
        return f"Invitation to a {name} on {meeting.scheduled_for:%-d %B %Y}"
    return f"Outcome of the {name} of {meeting.scheduled_for:%-d %B %Y}"


def letter_context(
    *,
    plan: SupportPlan,
    meeting: SupportMeeting,
    kind: str,
    contents: list[dict[str, str]],
    details: str,
    signed_by: str,
    written_on: Any,
) -> dict[str, Any]:
    support = plan.policy_version.rules.support
    step = meeting.capability_stage if meeting.stage == CAPABILITY else ""
    return {
        "plan": plan,
        "meeting": meeting,
        "title": letter_title(kind, meeting),
        "is_invitation": kind == LetterKind.INVITATION,
        "stage_name": (
            f"{rules.CAPABILITY_NAME}: {rules.capability_stage_name(support, step)}"
            if meeting.stage == CAPABILITY
            else rules.stage_name(support, meeting.stage)
        ),
        "facts": rules.letter_facts(support, kind, meeting.kind, meeting.stage, step),
        "contents": contents,
        "details": details,
        "signed_by": signed_by,
        "written_on": written_on,
    }


def letter_pdf(context: dict[str, Any]) -> bytes:
    return pdf_from(render_to_string("support_plans/letter.html", context))


def letter_filename(plan: SupportPlan, kind: str, pk: int) -> str:
    name = f"{plan.staff.last_name}-{plan.staff.first_name}".lower()
    safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-") or "staff"
    return f"letter-{kind}-{safe}-{pk}.pdf"
