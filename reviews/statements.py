"""The written appraisal statement as a tagged, accessible PDF (WeasyPrint, PDF/UA-1).

It holds exactly what the pinned policy lists (``rules.review.statement_contents`` and
``new_cycle_statement_contents``: classic §5.7.2 and §5.7.4), in the policy's own words as
headings. It is built only from the review, the cycle's evidence and the observations the
policy lets count: wellbeing notes are never read here, and observations the policy rules
out for appraisal are never included.

Laying out a PDF takes about a tenth of a second, so a completed review's statement is laid
out when it is issued and kept (``reviews.services.statement_for_reader``); this module
says what a copy shows (its context), which copy it is (``audience``) and a digest of what
it shows (``fingerprint``), and lays it out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from cycles.models import AppraisalCycle

from . import rules as review_rules
from . import selectors
from .models import AnnualReview, Framework, StatementAudience

# The document's own base address: relative links resolve under it, and only its static
# part is ever fetched (from this project's static files, never from the network).
BASE_URL = "https://statement.invalid/"
STATIC_PREFIX = BASE_URL + "static/"


class StaticOnlyFetcher(URLFetcher):
    """Fetches nothing but this project's own static files: no ``file://`` paths, no
    network, no data a crafted review text could point at."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if not url.startswith(STATIC_PREFIX):
            raise ValueError(f"The statement may not load {url!r}.")
        relative = url.removeprefix(STATIC_PREFIX).split("?", 1)[0].split("#", 1)[0]
        if not relative or ".." in Path(relative).parts or relative.startswith("/"):
            raise ValueError(f"The statement may not load {url!r}.")
        found = finders.find(relative)
        path = Path(found if isinstance(found, str) else "")
        if not found or not path.is_file():
            raise ValueError(f"No static file {relative!r}.")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


@dataclass(frozen=True)
class Signatory:
    """One signature block at the end of the statement: who signs, in what capacity, and
    the day they did so in the service (``None``: not yet, a line to sign by hand)."""

    capacity: str
    name: str
    role: str
    signed_on: dt.date | None


def _staff_of(user: Any) -> Any:
    return getattr(user, "staff_member", None) if user is not None else None


def _signatories(cycle: AppraisalCycle, review: AnnualReview) -> list[Signatory]:
    """The member of staff (acknowledged), the reviewer (completed) and, where the policy
    sends the headteacher a copy to confirm (staploe), the headteacher (read)."""
    appraisee = cycle.appraisee
    reviewer = cycle.reviewer or _staff_of(review.completed_by)
    signatories = [
        Signatory(
            "Member of staff",
            appraisee.full_name,
            appraisee.job_title,
            timezone.localtime(review.acknowledged_at).date() if review.acknowledged_at else None,
        ),
        Signatory(
            "Reviewer",
            reviewer.full_name if reviewer else "",
            reviewer.job_title if reviewer else "",
            timezone.localtime(review.completed_at).date() if review.completed_at else None,
        ),
    ]
    if review_rules.copy_goes_to_headteacher(
        cycle.policy_version.rules, is_headteacher_cycle=cycle.is_headteacher_cycle
    ):
        head = _staff_of(review.headteacher_read_by) if review.headteacher_read_at else None
        signatories.append(
            Signatory(
                "Headteacher",
                head.full_name if head else "",
                head.job_title if head else "Headteacher",
                timezone.localtime(review.headteacher_read_at).date()
                if review.headteacher_read_at
                else None,
            )
        )
    return signatories


@dataclass(frozen=True)
class StatementSection:
    heading: str
    part: str  # a review_rules.StatementPart value, or "" when nothing answers it


def _sections(lines: tuple[str, ...], *, new_cycle: bool) -> list[StatementSection]:
    sections = []
    for line in lines:
        part = review_rules.statement_part_for(line, new_cycle=new_cycle)
        sections.append(StatementSection(heading=line, part=part.value if part else ""))
    return sections


def _next_standards(framework: Framework, review: AnnualReview) -> list[str]:
    if framework == Framework.KEY_ACCOUNTABILITIES:
        return [a.accountability for a in review.standard_assessments.all() if a.accountability]
    return [f"{s.code} {s.title}" for s in selectors.standards_for(framework) if s.assessed]


def statement_context(
    cycle: AppraisalCycle, review: AnnualReview, *, for_appraisee: bool = False
) -> dict[str, Any]:
    """What the statement shows; ``for_appraisee``: the copy the member of staff reads,
    without the overview where the policy keeps it on file only (leger §12)."""
    rules = cycle.policy_version.rules
    framework = Framework(review.framework)
    return {
        "cycle": cycle,
        "review": review,
        "rules": rules,
        "framework_label": framework.label,
        "objective_assessments": list(review.objective_assessments.all()),
        "standard_assessments": list(review.standard_assessments.select_related("standard")),
        # A draft nobody has saved yet shows no outcome, even where the policy starts every
        # standard at "met" (aspire §6.3): nothing has been assessed so far.
        "assessed_yet": review.is_completed or review.version > 1,
        # What applies in the new cycle: the same framework for the role.
        "next_standards": _next_standards(framework, review),
        "evidence": list(selectors.evidence_for_cycle(cycle)),
        # Only what the policy lets count as appraisal evidence (classic §5.2.6, aspire §7.4).
        "observations": list(selectors.usable_observations(cycle)),
        "sections": _sections(rules.review.statement_contents, new_cycle=False),
        "new_cycle_sections": _sections(rules.review.new_cycle_statement_contents, new_cycle=True),
        "trust": cycle.trust,
        "signatories": _signatories(cycle, review),
        "overview_shown": review_rules.overview_shown_to(rules, reader_is_appraisee=for_appraisee),
        "generated_at": timezone.localtime(),
        "static_base": STATIC_PREFIX,
    }


def html_from(context: dict[str, Any]) -> str:
    return render_to_string("reviews/statement.html", context)


def audience(context: dict[str, Any]) -> StatementAudience:
    """Which copy a context is: everything else a statement shows is the same for every
    reader who may read it."""
    if context["overview_shown"]:
        return StatementAudience.WITH_OVERVIEW
    return StatementAudience.WITHOUT_OVERVIEW


def fingerprint(context: dict[str, Any]) -> str:
    """A digest of everything the copy shows (the day it was produced aside): two readers'
    copies are the same document exactly when their fingerprints are equal."""
    shown = html_from({**context, "generated_at": None})
    return hashlib.sha256(shown.encode()).hexdigest()


def pdf_from(html: str) -> bytes:
    """The statement as PDF bytes (PDF/UA-1: tagged, with a title and language)."""
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    pdf = document.write_pdf(pdf_variant="pdf/ua-1")
    assert pdf is not None
    return bytes(pdf)


def statement_html(
    cycle: AppraisalCycle, review: AnnualReview, *, for_appraisee: bool = False
) -> str:
    return html_from(statement_context(cycle, review, for_appraisee=for_appraisee))


def render_statement(
    cycle: AppraisalCycle, review: AnnualReview, *, for_appraisee: bool = False
) -> bytes:
    """The statement laid out now (a draft, or the tests); downloads of a completed
    review's statement go through ``services.statement_for_reader``."""
    return pdf_from(statement_html(cycle, review, for_appraisee=for_appraisee))


def statement_filename(cycle: AppraisalCycle) -> str:
    name = f"{cycle.appraisee.last_name}-{cycle.appraisee.first_name}".lower()
    safe = "".join(ch if ch.isalnum() else "-" for ch in name).strip("-") or "staff"
    return f"appraisal-statement-{safe}-{cycle.starts_on:%Y}.pdf"
