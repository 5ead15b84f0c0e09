"""The annual review (concurrency, completion, acknowledgement) and the statement PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from audit.models import AccessLogEntry
from objectives.models import Objective
from reviews.models import AnnualReview, Framework, ObservationKind, Outcome
from reviews.selectors import standards_for
from reviews.services import (
    Assessment,
    ObservationInput,
    ReviewError,
    ReviewInput,
    StaleReview,
    observation_record,
    review_comment,
    review_save,
    review_start,
)
from reviews.statements import StaticOnlyFetcher, render_statement

from .factories import make_cycle, preset_version

NOW = dt.datetime(2026, 9, 10, 12, 0, tzinfo=dt.UTC)
WELLBEING_MARKER = "WELLBEINGMARKERQZX"
NOT_USABLE_MARKER = "OFSTEDFOCUSMARKERQZX"


def full_input(**kw: str) -> ReviewInput:
    values = {
        "evidence_summary": "Lesson observations and pupil work.",
        "overview": "Targets largely achieved.",
        "development_needs": "Questioning for higher attainers.",
        "training": "Coaching with the lead practitioner.",
        "pay_reference": "Recommended to progress to M4.",
        "next_objectives": "Raise attainment in Year 6 reading.",
        "monitoring_plan": "Observation in the spring term; interim meeting in March.",
    }
    values.update(kw)
    return ReviewInput(**values)


def all_met(review: AnnualReview) -> dict[int, Assessment]:
    return {a.pk: Assessment(Outcome.MET, "Good.") for a in review.standard_assessments.all()}


def test_review_assesses_the_teachers_standards(s) -> None:  # type: ignore[no-untyped-def]
    """Teachers' Standards: Part One's 8 standards and Part Two; the preamble is not assessed."""
    review = review_start(actor=s.reviewer.user, cycle=s.cycle)
    assert review.framework == Framework.TEACHERS
    codes = [a.standard.code for a in review.standard_assessments.select_related("standard")]
    assert codes == ["TS1", "TS2", "TS3", "TS4", "TS5", "TS6", "TS7", "TS8", "TS-P2"]


def test_headteachers_standards_reference_data(db) -> None:  # type: ignore[no-untyped-def]
    """Headteachers' Standards 2020: ethics and professional conduct plus 10 standards in
    3 domains, loaded by the data migration."""
    standards = [st for st in standards_for(Framework.HEADTEACHERS) if st.assessed]
    assert len(standards) == 11
    assert [st.code for st in standards][:2] == ["HS-E", "HS1"]
    assert {st.part for st in standards} == {
        "Section 1: Ethics and professional conduct",
        "Culture and ethos",
        "Curriculum and teaching",
        "Organisational effectiveness",
    }


def test_stale_save_refused_and_nothing_saved(s) -> None:  # type: ignore[no-untyped-def]
    """Two people open the same review; the second save is refused, not silently applied."""
    review = review_start(actor=s.reviewer.user, cycle=s.cycle)
    opened_at = review.version
    review_save(
        actor=s.headteacher.user,
        review=review,
        expected_version=opened_at,
        data=full_input(overview="The headteacher's words."),
        objectives={},
        standards={},
    )
    with pytest.raises(StaleReview, match=r"(?i)someone else changed this review"):
        review_save(
            actor=s.reviewer.user,
            review=review,
            expected_version=opened_at,
            data=full_input(overview="The reviewer's words."),
            objectives={},
            standards={},
        )
    review.refresh_from_db()
    assert review.overview == "The headteacher's words."
    assert review.version == opened_at + 1


def test_stale_save_on_the_page(client, s) -> None:  # type: ignore[no-untyped-def]
    review = review_start(actor=s.reviewer.user, cycle=s.cycle)
    url = reverse("reviews:review_edit", args=[s.cycle.pk])
    client.force_login(s.reviewer.user)
    data = {"version": review.version, "overview": "First", "save": "1"}
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "overview": "Second"})
    assert response.status_code == 200
    assert "Someone else changed this review since you opened it" in response.content.decode()
    review.refresh_from_db()
    assert review.overview == "First"


def test_completion_needs_a_pay_reference_under_classic(s) -> None:  # type: ignore[no-untyped-def]
    """classic §5.7.2: the statement refers to pay progression (performance-related pay)."""
    review = review_start(actor=s.reviewer.user, cycle=s.cycle)
    with pytest.raises(ReviewError, match="pay progression"):
        review_save(
            actor=s.reviewer.user,
            review=review,
            expected_version=review.version,
            data=full_input(pay_reference=""),
            objectives={},
            standards=all_met(review),
            complete=True,
        )
    review.refresh_from_db()
    assert not review.is_completed


def test_completion_without_pay_reference_where_pay_is_not_linked(s) -> None:  # type: ignore[no-untyped-def]
    """leger §1: pay is not linked to appraisal, so a pay reference is optional."""
    leger = preset_version(s.trust, "leger-pdp")
    cycle = make_cycle(appraisee=s.colleague, reviewer=s.reviewer, version=leger)
    review = review_start(actor=s.reviewer.user, cycle=cycle)
    review = review_save(
        actor=s.reviewer.user,
        review=review,
        expected_version=review.version,
        data=full_input(pay_reference=""),
        objectives={},
        standards=all_met(review),
        complete=True,
    )
    assert review.is_completed


def test_appraisee_comments_and_acknowledges(s) -> None:  # type: ignore[no-untyped-def]
    review = review_start(actor=s.reviewer.user, cycle=s.cycle)
    with pytest.raises(ReviewError, match="once your reviewer has completed it"):
        review_comment(
            actor=s.appraisee.user,
            review=review,
            expected_version=review.version,
            comments="Too early",
            acknowledge=True,
        )
    review = review_save(
        actor=s.reviewer.user,
        review=review,
        expected_version=review.version,
        data=full_input(),
        objectives={},
        standards=all_met(review),
        complete=True,
    )
    with pytest.raises(ReviewError):
        review_comment(
            actor=s.reviewer.user,
            review=review,
            expected_version=review.version,
            comments="Not mine to write",
            acknowledge=False,
        )
    review = review_comment(
        actor=s.appraisee.user,
        review=review,
        expected_version=review.version,
        comments="I agree with the overview.",
        acknowledge=True,
    )
    assert review.acknowledged_at is not None
    with pytest.raises(ReviewError, match="no longer be changed"):
        review_save(
            actor=s.reviewer.user,
            review=review,
            expected_version=review.version,
            data=full_input(),
            objectives={},
            standards={},
        )


# ----- The statement PDF ------------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def completed(s) -> AnnualReview:  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC), tick=False):
        observation_record(
            actor=s.reviewer.user,
            cycle=s.cycle,
            data=ObservationInput(
                s.reviewer,
                timezone.now() - dt.timedelta(days=2),
                30,
                ObservationKind.OFSTED_INSPECTION,
                NOT_USABLE_MARKER,
            ),
        )
        observation_record(
            actor=s.reviewer.user,
            cycle=s.cycle,
            data=ObservationInput(
                s.reviewer,
                timezone.now() - dt.timedelta(days=1),
                45,
                ObservationKind.FORMAL,
                "Guided reading",
                True,
            ),
        )
    _add_wellbeing_note(s)
    Objective.objects.create(
        trust=s.trust, cycle=s.cycle, title="Improve Year 6 reading fluency", position=1
    )
    Objective.objects.create(
        trust=s.trust, cycle=s.cycle, title="Withdrawn objective", status="withdrawn", position=2
    )
    review = review_start(actor=s.reviewer.user, cycle=s.cycle)
    (assessment,) = review.objective_assessments.all()
    return review_save(
        actor=s.reviewer.user,
        review=review,
        expected_version=review.version,
        data=full_input(),
        objectives={assessment.pk: Assessment(Outcome.PARTLY_MET, "Most pupils on track.")},
        standards=all_met(review),
        complete=True,
    )


def _add_wellbeing_note(s) -> None:  # type: ignore[no-untyped-def]
    """A wellbeing note on the same cycle (aspire §6.4a), where the objectives app keeps
    them: the statement must never show it."""
    try:
        from objectives.models import WellbeingConsent, WellbeingNote
    except ImportError:  # pragma: no cover - the objectives app keeps no notes yet
        return
    consent = WellbeingConsent.objects.create(
        trust=s.trust, cycle=s.cycle, given_by=s.appraisee.user, given_at=timezone.now()
    )
    WellbeingNote.objects.create(
        trust=s.trust, cycle=s.cycle, consent=consent, text=f"Feeling {WELLBEING_MARKER}"
    )


@time_machine.travel(NOW, tick=False)
def test_statement_has_the_classic_contents(s, completed) -> None:  # type: ignore[no-untyped-def]
    """classic §5.7.2 (end-of-year statement) and §5.7.4 (new-cycle statement)."""
    text = pdf_text(render_statement(s.cycle, completed))
    rules = s.cycle.policy_version.rules
    for line in (*rules.review.statement_contents, *rules.review.new_cycle_statement_contents):
        assert " ".join(line.split()) in text, line
    for answer in (
        "Targets largely achieved.",
        "Recommended to progress to M4.",
        "Raise attainment in Year 6 reading.",
        "Coaching with the lead practitioner.",
        "Observation in the spring term",
        "Set high expectations which inspire, motivate and challenge pupils",
        "Guided reading",
        "Improve Year 6 reading fluency",
        "Partly met",
        "Most pupils on track.",
    ):
        assert answer in text, answer
    # classic §5.2.6: an Ofsted observation is never appraisal evidence.
    assert NOT_USABLE_MARKER not in text
    assert WELLBEING_MARKER not in text


def test_statement_is_tagged_pdf_ua(s, completed) -> None:  # type: ignore[no-untyped-def]
    reader = PdfReader(io.BytesIO(render_statement(s.cycle, completed)))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root.get("/Lang")
    assert reader.metadata is not None and "Appraisal statement" in (reader.metadata.title or "")


def test_review_text_cannot_fetch_local_files(s, completed) -> None:  # type: ignore[no-untyped-def]
    completed.overview = (
        '<img src="file:///etc/passwd"> <link rel=stylesheet href="http://example.com/x.css">'
    )
    completed.save(update_fields=["overview"])
    text = pdf_text(render_statement(s.cycle, completed))
    assert "file:///etc/passwd" in text  # shown as text, never fetched
    fetcher = StaticOnlyFetcher()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://statement.invalid/static/../settings.py",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


# classic §1.8 lists no HR reader: HR runs the cycle but does not read its statement.
@pytest.mark.parametrize("who", ["appraisee", "reviewer", "headteacher"])
def test_statement_download_for_readers(client, s, completed, who) -> None:  # type: ignore[no-untyped-def]
    client.force_login(getattr(s, who).user)
    response = client.get(reverse("reviews:statement", args=[s.cycle.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content.startswith(b"%PDF")
    assert AccessLogEntry.objects.filter(action="download").count() == 1


@pytest.mark.parametrize("who", ["colleague", "sibling_head", "outsider", "outsider_head", "hr"])
def test_statement_404_for_others(client, s, completed, who) -> None:  # type: ignore[no-untyped-def]
    client.force_login(getattr(s, who).user)
    assert client.get(reverse("reviews:statement", args=[s.cycle.pk])).status_code == 404


def test_draft_statement_only_for_those_writing_it(client, s) -> None:  # type: ignore[no-untyped-def]
    review_start(actor=s.reviewer.user, cycle=s.cycle)
    url = reverse("reviews:statement", args=[s.cycle.pk])
    client.force_login(s.appraisee.user)
    assert client.get(url).status_code == 404
    client.force_login(s.reviewer.user)
    response = client.get(url)
    assert response.status_code == 200
    assert "Draft" in pdf_text(response.content)


@pytest.mark.parametrize("name", ["review_edit", "review_comment"])
def test_review_pages_404_for_outsiders(client, s, completed, name) -> None:  # type: ignore[no-untyped-def]
    url = reverse(f"reviews:{name}", args=[s.cycle.pk])
    for outsider in (s.colleague, s.outsider, s.outsider_head, s.sibling_head):
        client.force_login(outsider.user)
        assert client.get(url).status_code == 404


def test_comment_page_for_the_appraisee(client, s, completed) -> None:  # type: ignore[no-untyped-def]
    url = reverse("reviews:review_comment", args=[s.cycle.pk])
    client.force_login(s.appraisee.user)
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"version": completed.version, "comments": "Thank you.", "acknowledge": "1"}
    )
    assert response.status_code == 302
    completed.refresh_from_db()
    assert completed.acknowledged_at is not None
    client.force_login(s.reviewer.user)
    assert client.get(url).status_code == 403


def test_support_staff_assessed_against_key_accountabilities(s) -> None:  # type: ignore[no-untyped-def]
    """Support staff: the role's key accountabilities, entered per job role or per review."""
    from reviews.models import JobRoleAccountability
    from tests.factories import JobRoleFactory, StaffMemberFactory

    role = JobRoleFactory(trust=s.trust, name="Teaching assistant")
    JobRoleAccountability.objects.create(trust=s.trust, job_role=role, text="Support pupils")
    assistant = StaffMemberFactory(
        academy=s.academy, job_role=role, staff_group="support", has_qts=False
    )
    cycle = make_cycle(appraisee=assistant, reviewer=s.reviewer, version=s.classic)
    review = review_start(actor=s.reviewer.user, cycle=cycle)
    assert review.framework == Framework.KEY_ACCOUNTABILITIES
    (row,) = review.standard_assessments.all()
    assert row.accountability == "Support pupils"
    review = review_save(
        actor=s.reviewer.user,
        review=review,
        expected_version=review.version,
        data=full_input(),
        objectives={},
        standards={row.pk: Assessment(Outcome.MET, "Consistently.")},
        accountabilities=["Support pupils", "Run the library"],
    )
    rows = {a.accountability: a for a in review.standard_assessments.all()}
    assert rows["Support pupils"].outcome == Outcome.MET
    assert rows["Run the library"].outcome == ""
    with pytest.raises(ReviewError, match="every standard"):
        review_save(
            actor=s.reviewer.user,
            review=review,
            expected_version=review.version,
            data=full_input(),
            objectives={},
            standards={},
            complete=True,
        )


def test_statement_names_the_trust_and_ends_with_signature_lines(s, completed) -> None:  # type: ignore[no-untyped-def]
    """The heading carries the trust and academy; the last part has a line for each party
    with their name, role and the day they signed in the service (blank until then)."""
    text = pdf_text(render_statement(s.cycle, completed))
    assert "Oak Trust: Oak Primary Appraisal statement" in text
    signatures = text[text.index("Signatures") :]
    completed_on = f"{timezone.localtime(completed.completed_at):%-d %B %Y}"
    assert f"Reviewer {s.reviewer.full_name}, Class teacher" in signatures
    assert f"Member of staff {s.appraisee.full_name}, Class teacher" in signatures
    assert completed_on in signatures
    assert signatures.count("Signed in the appraisal service") == 1  # not acknowledged yet
    # classic sends no copy to the headteacher, so there is no headteacher sign-off.
    assert "Headteacher" not in signatures

    with time_machine.travel(dt.datetime(2026, 9, 14, 9, 0, tzinfo=dt.UTC), tick=False):
        acknowledged = review_comment(
            actor=s.appraisee.user,
            review=completed,
            expected_version=completed.version,
            comments="",
            acknowledge=True,
        )
    signatures = pdf_text(render_statement(s.cycle, acknowledged)).split("Signatures", 1)[1]
    assert signatures.count("Signed in the appraisal service") == 2
    assert "14 September 2026" in signatures
