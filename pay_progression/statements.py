"""The written pay statement as a tagged, accessible PDF (WeasyPrint, PDF/UA-1), laid out
once when it is issued and kept (``services.statement_issue``).

It says what was decided for the pay year, the point and its amount from the trust's pay
scales, the date it takes effect (backdated to 1 September where the policy says, classic
§2.3), the date pay was to be decided by (31 October; the headteacher's 31 December), and
the right of appeal where the policy gives one. It only loads this project's own static
files (the statement module of the annual review fetches nothing else either).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML

from reviews.statements import BASE_URL, STATIC_PREFIX, StaticOnlyFetcher

from .models import Outcome, PayPoint, PayRecommendation


def _amount(rec: PayRecommendation, code: str) -> Any:
    if not code:
        return None
    point = PayPoint.objects.filter(scale_set_id=rec.review.scale_set_id, code__iexact=code).first()
    return point.annual_amount if point is not None else None


def statement_context(rec: PayRecommendation) -> dict[str, Any]:
    pay = rec.policy_version.rules.pay
    new_point = rec.proposed_point if rec.outcome == Outcome.PROGRESS else rec.current_point
    return {
        "rec": rec,
        "pay": pay,
        "scale_set": rec.review.scale_set,
        "progresses": rec.outcome == Outcome.PROGRESS,
        "new_point": new_point,
        "current_amount": _amount(rec, rec.current_point),
        "new_amount": _amount(rec, new_point),
        "generated_at": timezone.localtime(),
        "static_base": STATIC_PREFIX,
    }


def html_from(context: dict[str, Any]) -> str:
    return render_to_string("pay_progression/statement.html", context)


def pdf_from(html: str) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)


def statement_filename(rec: PayRecommendation) -> str:
    name = f"{rec.staff.last_name}-{rec.staff.first_name}".lower()
    safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-") or "staff"
    return f"pay-statement-{safe}-{rec.review.pay_year}.pdf"
