"""HR's escalations page (a headteacher's for their academy) and its CSV export."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organisation.access_log import record_access
from organisation.models import Trust

from .. import escalations, permissions, termly
from ..escalation_forms import EscalationFilterForm
from ._common import principal_of

# A cell a spreadsheet would read as a formula is written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _filters(request: HttpRequest) -> tuple[EscalationFilterForm, escalations.Filters]:
    principal = principal_of(request)
    if not permissions.may_see_escalations(principal):
        raise Http404("No such page.")
    form = EscalationFilterForm(
        request.GET or None,
        academies=escalations.academy_choices(principal),
        stages=escalations.stage_choices(principal),
        staff_groups=escalations.staff_group_choices(),
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        return form, escalations.Filters(
            academy_id=data["academy"],
            stage=data["stage"] or "",
            staff_group=data["staff_group"] or "",
        )
    return form, escalations.Filters()


def _query(form: EscalationFilterForm) -> str:
    if not form.is_bound or not form.is_valid():
        return ""
    return urlencode({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})


@login_required
@require_http_methods(["GET"])
def escalations_page(request: HttpRequest) -> HttpResponse:
    """Every open concern, support plan and capability case the viewer oversees."""
    principal = principal_of(request)
    form, filters = _filters(request)
    query = _query(form)
    return render(
        request,
        "support_plans/escalations.html",
        {
            "form": form,
            "rows": escalations.escalations(principal, filters),
            "counts": escalations.counts(principal, filters),
            "is_hr": principal.is_hr,
            "termly_rows": termly.termly_rows(principal, timezone.localdate()),
            "export_url": reverse("support_plans:escalations_csv") + (f"?{query}" if query else ""),
        },
    )


@login_required
@require_http_methods(["GET"])
def escalations_csv(request: HttpRequest) -> HttpResponse:
    """The same rows, with the same filters, as a spreadsheet; the export is logged."""
    principal = principal_of(request)
    _form, filters = _filters(request)
    rows = escalations.escalations(principal, filters)
    trust = Trust.objects.get(pk=principal.tenant_id)
    record_access(request=request, obj=trust, action="export", label="Escalations (CSV)")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="escalations-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            "Case",
            "Member of staff",
            "Staff group",
            "Academy",
            "Stage",
            "In stage since",
            "Days in stage",
            "Next meeting",
            "Overdue",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                _cell(row.kind),
                _cell(row.person),
                _cell(row.staff_group),
                _cell(row.academy),
                _cell(row.stage),
                row.since.isoformat(),
                row.days_in_stage,
                row.next_meeting.isoformat() if row.next_meeting else "",
                _cell("; ".join(row.overdue)),
            ]
        )
    return response
