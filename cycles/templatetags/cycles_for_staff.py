"""The appraisals a staff record links to: those of that person the viewer may open."""

from __future__ import annotations

from django import template

from organisation.models import StaffMember
from organisation.principal import Principal

from ..models import AppraisalCycle
from ..permissions import listed_cycles

register = template.Library()


@register.simple_tag
def staff_cycles(principal: Principal | None, staff: StaffMember) -> list[AppraisalCycle]:
    """The person's cycles, newest first, filtered by ``cycles.permissions`` like every
    list: a cycle the viewer may not open is not named (one query). HR and an academy's
    leads open the page of every cycle they administer, read or not (``listed_cycles``)."""
    if principal is None or not principal.is_authenticated:
        return []
    return list(
        listed_cycles(principal)
        .filter(appraisee_id=staff.pk)
        .select_related("academy")
        .order_by("-starts_on")
    )
