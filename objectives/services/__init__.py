"""Every write in the objectives app.

Each service is keyword-only and atomic: it checks the actor's permission on the cycle
(``cycles.permissions.can``), locks the row it changes, checks the change against the
cycle's pinned policy, saves with ``update_fields`` and names the actor in history. A
refused change raises ``ObjectivesError`` with a sentence fit for the page; an edit made
from an out-of-date page raises ``StaleEditError`` and saves nothing.

The services live one module per concept (objectives, plans, priorities, shared
objectives, conversations, wellbeing, development plans, meetings); every public name is
re-exported here so ``from objectives.services import x`` keeps working.
"""

from __future__ import annotations

from .conversations import conversation_contribute, conversation_record
from .development_plans import (
    development_plan_agree,
    development_plan_reopen,
    development_plan_save,
)
from .errors import ObjectivesError, StaleEditError
from .meetings import meeting_record, meeting_schedule
from .objectives import (
    OBJECTIVE_FIELDS,
    SHARED_FIXED_FIELDS,
    objective_comment_add,
    objective_create,
    objective_delete,
    objective_update,
)
from .plans import (
    plan_agree,
    plan_breaches,
    plan_determine,
    plan_propose,
    plan_record_absence,
    plan_reopen,
    plan_request_review,
    plan_respond,
)
from .priorities import priority_create, priority_delete, priority_update
from .shared_objectives import shared_objective_assign, shared_objective_create
from .wellbeing import (
    live_consent,
    wellbeing_consent_give,
    wellbeing_consent_withdraw,
    wellbeing_note_add,
    wellbeing_note_delete,
)

__all__ = [
    "OBJECTIVE_FIELDS",
    "SHARED_FIXED_FIELDS",
    "ObjectivesError",
    "StaleEditError",
    "conversation_contribute",
    "conversation_record",
    "development_plan_agree",
    "development_plan_reopen",
    "development_plan_save",
    "live_consent",
    "meeting_record",
    "meeting_schedule",
    "objective_comment_add",
    "objective_create",
    "objective_delete",
    "objective_update",
    "plan_agree",
    "plan_breaches",
    "plan_determine",
    "plan_propose",
    "plan_record_absence",
    "plan_reopen",
    "plan_request_review",
    "plan_respond",
    "priority_create",
    "priority_delete",
    "priority_update",
    "shared_objective_assign",
    "shared_objective_create",
    "wellbeing_consent_give",
    "wellbeing_consent_withdraw",
    "wellbeing_note_add",
    "wellbeing_note_delete",
]
