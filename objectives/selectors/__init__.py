"""Reads for the objectives section of the cycle page and the objectives app's pages.

Everything under a cycle is read through the cycle (the caller got it with
``cycles.permissions.get_cycle_for_user``) and filtered by it, and by its trust, so an id
from another cycle or trust is simply not found. Wellbeing notes are read in exactly one
place, ``wellbeing_notes_for``; no other selector touches them.
"""

from __future__ import annotations

from .cycle_section import ConversationRow, CycleSection, InquiryRow, cycle_section_context  # noqa: F401
from .facts import (  # noqa: F401
    _objective_facts,
    counted,
    development_plan_facts,
    is_support_staff,
    needs_role_fit,
    plan_facts,
    role_fit_label,
    staff_category,
)
from .paragraphs import policy_paragraphs  # noqa: F401
from .records import (  # noqa: F401
    conversation_for,
    conversation_rule,
    development_plan_for,
    objectives_for_cycle,
    plan_for,
    priorities_for_cycle,
)
from .rule_lines import (  # noqa: F401
    RuleLine,
    UsualCount,
    _count_text,
    focus_wording,
    objective_rule_lines,
    usual_count_for_new_objective,
)
from .shared import (  # noqa: F401
    AssignableCycle,
    assignable_cycles,
    priorities_for_principal,
    shared_objective_assignments,
)
from .wellbeing import WellbeingPage, wellbeing_notes_for  # noqa: F401
