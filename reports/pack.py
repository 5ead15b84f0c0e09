"""The governors' pack: the report a reader's page shows, as a tagged, accessible PDF
(WeasyPrint, PDF/UA-1).

It is laid out from the same suppressed report as the page (``selectors.year_report`` for
the same scope and filters) with the same charts, so every figure in it is the page's
figure and a hidden figure is hidden in both. Like the page it never names a person.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from reviews.statements import pdf_from

from . import charts
from .selectors import Report


def pack_context(
    report: Report, *, trust_name: str, by_academy: bool, **extra: Any
) -> dict[str, Any]:
    return {
        "report": report,
        "charts": charts.report_charts(report),
        "trust_name": trust_name,
        "by_academy": by_academy,
        "generated_at": timezone.localtime(),
        **extra,
    }


def pack_html(context: dict[str, Any], template: str = "reports/pack.html") -> str:
    return render_to_string(template, context)


def pack_pdf(context: dict[str, Any], template: str = "reports/pack.html") -> bytes:
    return pdf_from(pack_html(context, template))


def pack_filename(report: Report, *, academy_id: int | None, group: str) -> str:
    where = f"academy-{academy_id}" if academy_id is not None else "trust"
    suffix = f"-{group}" if group else ""
    return f"governors-pack-{report.year}-{report.year + 1}-{where}{suffix}.pdf"
