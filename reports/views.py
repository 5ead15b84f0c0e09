"""The reports' pages: the appraisal-year report, its CSV export of the same suppressed
tables and the governors' pack (the same report as a PDF); the headteacher's termly report
to the governing body. Every view and export is noted in the access log."""

from __future__ import annotations

import csv
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from organisation.access_log import record_access
from organisation.models import Academy, StaffGroup, Trust
from organisation.principal import Principal, principal_for

from . import charts, pack, permissions, selectors, services
from .forms import ReportFilterForm, TermlyReportForm, TermlyReportStartForm
from .models import HeadteacherReport, SchoolTerm

# A cell a spreadsheet would read as a formula is written as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HIDDEN = "[hidden]"


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _principal(request: HttpRequest) -> Principal:
    return principal_for(request.user)  # type: ignore[arg-type]


def _read(
    request: HttpRequest,
) -> tuple[Principal, permissions.Scope, ReportFilterForm, selectors.Filters]:
    principal = _principal(request)
    scope = permissions.report_scope(principal)
    if scope is None:
        raise Http404("No such page.")
    trust_id = principal.tenant_id
    years = selectors.report_years(trust_id)
    academies = selectors.report_academies(trust_id, scope)
    if not academies:
        raise Http404("No such page.")
    initial_year = selectors.default_year(years)
    form = ReportFilterForm(
        request.GET or None,
        years=[(y, selectors.academic_year_label(y)) for y in years],
        academies=academies,
        staff_groups=[(g.value, g.label) for g in StaffGroup],
        whole_trust=scope.whole_trust,
        initial={"year": initial_year, "academy": None if scope.whole_trust else academies[0][0]},
    )
    filters = selectors.Filters(
        year=initial_year, academy_id=None if scope.whole_trust else academies[0][0]
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.Filters(
            year=data["year"],
            academy_id=data["academy"] if data["academy"] is not None else filters.academy_id,
            staff_group=data["staff_group"] or "",
        )
    return principal, scope, form, filters


def _query(form: ReportFilterForm) -> str:
    if not form.is_bound or not form.is_valid():
        return ""
    return urlencode({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})


@login_required
@require_http_methods(["GET"])
def year_report(request: HttpRequest) -> HttpResponse:
    """The appraisal year in figures for the reader's academy or the trust, never a person."""
    principal, scope, form, filters = _read(request)
    report = selectors.year_report(principal.tenant_id, scope, filters)
    trust = Trust.objects.get(pk=principal.tenant_id)
    record_access(
        request=request,
        obj=trust,
        action="view",
        label=f"Appraisal year report {report.year_label}: {report.where}",
    )
    query = _query(form)
    return render(
        request,
        "reports/year.html",
        {
            "form": form,
            "report": report,
            "charts": charts.report_charts(report),
            "whole_trust": scope.whole_trust,
            "by_academy": filters.academy_id is None,
            "export_url": reverse("reports:year_csv") + (f"?{query}" if query else ""),
            "pack_url": reverse("reports:year_pdf") + (f"?{query}" if query else ""),
        },
    )


@login_required
@require_http_methods(["GET"])
def year_report_pdf(request: HttpRequest) -> HttpResponse:
    """The governors' pack: the page's report (the same suppressed figures, sections and
    charts) as a tagged PDF."""
    principal, scope, _form, filters = _read(request)
    report = selectors.year_report(principal.tenant_id, scope, filters)
    trust = Trust.objects.get(pk=principal.tenant_id)
    record_access(
        request=request,
        obj=trust,
        action="export",
        label=f"Appraisal year report {report.year_label} (governors' pack): {report.where}",
    )
    context = pack.pack_context(
        report, trust_name=trust.name, by_academy=filters.academy_id is None
    )
    response = HttpResponse(pack.pack_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = (
        "attachment; filename="
        f'"{pack.pack_filename(report, academy_id=filters.academy_id, group=filters.staff_group)}"'
    )
    return response


@login_required
@require_http_methods(["GET"])
def year_report_csv(request: HttpRequest) -> HttpResponse:
    """The same suppressed tables as the page, one block per table; hidden figures stay
    hidden."""
    principal, scope, _form, filters = _read(request)
    report = selectors.year_report(principal.tenant_id, scope, filters)
    trust = Trust.objects.get(pk=principal.tenant_id)
    record_access(
        request=request,
        obj=trust,
        action="export",
        label=f"Appraisal year report {report.year_label} (CSV): {report.where}",
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="appraisal-year-{report.year}-{report.year + 1}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow([_cell(f"Appraisal year {report.year_label}"), _cell(report.where)])
    writer.writerow(
        [
            _cell(
                f"Figures below {report.thresholds.ordinary} "
                f"({report.thresholds.sensitive} for sensitive figures) and any figure that "
                f"would reveal one are shown as {HIDDEN}."
            )
        ]
    )
    for table in report.tables():
        writer.writerow([])
        writer.writerow([_cell(table.measure.title), _cell(report.group_label)])
        writer.writerow(["", *(_cell(h) for h in table.headers), "Total"])
        for row in table.rows:
            writer.writerow(
                [
                    _cell(row.label),
                    *(HIDDEN if v is None else v for v in row.cells),
                    HIDDEN if row.total is None else row.total,
                ]
            )
    return response


# The headteacher's report to the governing body, each term (leger §13).


def _termly_figures(report: HeadteacherReport) -> tuple[selectors.Report, dict[str, Any]]:
    """The academy's figures for the report's year: the same suppressed report the
    governors' page shows for that academy."""
    scope = permissions.Scope(academy_ids=frozenset({report.academy_id}), whole_trust=False)
    figures = selectors.year_report(
        report.trust_id, scope, selectors.Filters(year=report.year, academy_id=report.academy_id)
    )
    return figures, charts.report_charts(figures)


@login_required
@require_http_methods(["GET"])
def termly_index(request: HttpRequest) -> HttpResponse:
    """The headteachers' reports to the governing body the reader may open."""
    principal = _principal(request)
    if not permissions.may_see_termly_reports(principal):
        raise Http404("No such page.")
    reports = list(
        permissions.visible_termly_reports(principal)
        .select_related("academy")
        .order_by("academy__name", "-year", "term", "pk")
    )
    return render(
        request,
        "reports/termly_index.html",
        {
            "reports": reports,
            "writes": bool(permissions.termly_writer_academies(principal)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def termly_write(request: HttpRequest) -> HttpResponse:
    """The headteacher writes the term's report (a second save of the same academy and
    term changes the same draft)."""
    principal = _principal(request)
    academy_ids = permissions.termly_writer_academies(principal)
    if not academy_ids:
        raise Http404("No such page.")
    academies = list(
        Academy.objects.filter(trust_id=principal.tenant_id, pk__in=academy_ids)
        .order_by("name", "pk")
        .values_list("pk", "name")
    )
    if not academies:
        raise Http404("No such page.")
    years = selectors.report_years(principal.tenant_id)
    form = TermlyReportStartForm(
        request.POST or None,
        academies=academies,
        years=[(y, selectors.academic_year_label(y)) for y in years],
        terms=SchoolTerm.choices,
        initial={"year": selectors.default_year(years)},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        existing = HeadteacherReport.objects.filter(
            academy_id=data["academy"], year=data["year"], term=data["term"]
        ).first()
        if existing is not None and existing.is_issued:
            form.add_error("term", "The report for this term has been issued already.")
        else:
            try:
                report = services.termly_report_write(
                    actor=request.user,  # type: ignore[arg-type]
                    academy_id=data["academy"],
                    year=data["year"],
                    term=data["term"],
                    commentary=data["commentary"],
                )
            except services.TermlyReportError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your report is saved as a draft.")
                return redirect("reports:termly_detail", pk=report.pk)
    return render(request, "reports/termly_form.html", {"form": form, "report": None})


@login_required
@require_http_methods(["GET", "POST"])
def termly_edit(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    report, access = permissions.termly_report_for(principal, pk, request)
    if access != permissions.TermlyAccess.WRITE or report.is_issued:
        raise PermissionDenied("This report can no longer be changed.")
    form = TermlyReportForm(request.POST or None, initial={"commentary": report.commentary})
    if request.method == "POST" and form.is_valid():
        try:
            services.termly_report_write(
                actor=request.user,  # type: ignore[arg-type]
                academy_id=report.academy_id,
                year=report.year,
                term=report.term,
                commentary=form.cleaned_data["commentary"],
            )
        except services.TermlyReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your report is saved.")
            return redirect("reports:termly_detail", pk=report.pk)
    return render(request, "reports/termly_form.html", {"form": form, "report": report})


@login_required
@require_http_methods(["GET"])
def termly_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    report, access = permissions.termly_report_for(principal, pk, request)
    figures, report_charts = _termly_figures(report)
    record_access(request=request, obj=report, action="view", label=str(report))
    return render(
        request,
        "reports/termly_detail.html",
        {
            "termly": report,
            "report": figures,
            "charts": report_charts,
            "by_academy": False,
            "writes": access == permissions.TermlyAccess.WRITE and not report.is_issued,
        },
    )


@login_required
@require_http_methods(["POST"])
def termly_issue(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    report, access = permissions.termly_report_for(principal, pk, request)
    if access != permissions.TermlyAccess.WRITE:
        raise PermissionDenied("Only the academy's headteacher issues this report.")
    try:
        services.termly_report_issue(actor=request.user, report=report)  # type: ignore[arg-type]
    except services.TermlyReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your report is issued: the academy's governors can read it.")
    return redirect("reports:termly_detail", pk=report.pk)


@login_required
@require_http_methods(["GET"])
def termly_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    report, _access = permissions.termly_report_for(principal, pk, request)
    figures, _charts = _termly_figures(report)
    record_access(request=request, obj=report, action="download", label=f"{report} (PDF)")
    context = pack.pack_context(
        figures, trust_name=report.academy.name, by_academy=False, termly=report
    )
    response = HttpResponse(
        pack.pack_pdf(context, "reports/termly_pdf.html"), content_type="application/pdf"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="headteacher-report-{report.year}-{report.term}-{report.pk}.pdf"'
    )
    return response
