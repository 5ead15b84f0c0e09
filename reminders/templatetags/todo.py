"""The to-do list on the home page: ``{% todo_list principal %}``."""

from __future__ import annotations

from typing import Any

from django import template

from organisation.principal import Principal

from ..todo import todo_for

register = template.Library()


@register.inclusion_tag("reminders/includes/todo.html")
def todo_list(principal: Principal, overview: bool = False) -> dict[str, Any]:
    """``overview``: whether the person may open the academy overview (linked for what the
    list leaves out)."""
    return {"todo": todo_for(principal), "principal": principal, "overview": overview}
