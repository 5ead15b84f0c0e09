"""The objectives section of a cycle on its own page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from .. import permissions, selectors
from ._common import _cycle, _cycle_label, _page, _record_access

# ----- The section on its own page ---------------------------------------------------------


@login_required
def cycle(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal, cycle = _cycle(request, cycle_id)
    _record_access(request, cycle, f"Objectives: {_cycle_label(cycle)}")
    context = selectors.cycle_section_context(cycle, principal)
    return _page(
        request,
        "objectives/cycle.html",
        cycle,
        principal=principal,
        can_edit=permissions.can_edit(principal, cycle),
        can_comment=permissions.can_comment(principal, cycle),
        **context,
    )
