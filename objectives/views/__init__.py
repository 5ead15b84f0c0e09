"""Pages for objectives, the plan's agreement, shared objectives, conversations, wellbeing
notes, the personal development plan, meetings and improvement priorities.

Every page about a cycle fetches the cycle with ``get_cycle_for_user`` (404 for anyone who
may not see it, with the refusal logged) and a record under it with the matching
``permissions.get_<kind>_for_user`` (404, logged alike, for an id from elsewhere); 403 only
where the person may see the record but not do this to it. Writes go through
``objectives.services``.

The pages live one module per concept; every view is re-exported here for ``urls.py``.
"""

from __future__ import annotations

from ._common import cycle_url
from .conversations import conversation
from .development_plans import development_plan
from .meetings import meeting_add, meeting_edit
from .objectives import objective_add, objective_comment, objective_delete, objective_edit
from .plans import PLAN_ACTIONS, plan, plan_action
from .priorities import priorities, priority_add, priority_delete, priority_edit
from .section import cycle
from .shared_objectives import shared_add, shared_detail, shared_list
from .wellbeing import wellbeing, wellbeing_note_delete

__all__ = [
    "PLAN_ACTIONS",
    "conversation",
    "cycle",
    "cycle_url",
    "development_plan",
    "meeting_add",
    "meeting_edit",
    "objective_add",
    "objective_comment",
    "objective_delete",
    "objective_edit",
    "plan",
    "plan_action",
    "priorities",
    "priority_add",
    "priority_delete",
    "priority_edit",
    "shared_add",
    "shared_detail",
    "shared_list",
    "wellbeing",
    "wellbeing_note_delete",
]
