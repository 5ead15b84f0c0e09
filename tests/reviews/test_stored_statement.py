"""A completed review's statement is laid out once when it is issued, kept in storage and
served from there; it is laid out again only when what it shows changes, a reader is only
ever given a copy showing exactly what theirs would, and the retention purge destroys the
stored files with the record."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from reviews import services, statements
from reviews.models import (
    AnnualReview,
    Framework,
    Observation,
    ObservationKind,
    Outcome,
    StatementAudience,
    StatementFile,
)
from reviews.services import Assessment, ReviewInput, review_comment, review_save, review_start

from .factories import make_cycle, preset_version

OVERVIEW = "OVERVIEWWORDSQZX"


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def layouts() -> Iterator[mock.MagicMock]:
    """Counts WeasyPrint layouts (each statement laid out builds one ``HTML`` document)."""
    with mock.patch.object(statements, "HTML", wraps=statements.HTML) as spy:
        yield spy


def complete(s, cycle=None, *, issue: bool = False, capture=None) -> AnnualReview:  # type: ignore[no-untyped-def]
    cycle = cycle or s.cycle
    review = review_start(actor=s.reviewer.user, cycle=cycle)

    def save() -> AnnualReview:
        return review_save(
            actor=s.reviewer.user,
            review=review,
            expected_version=review.version,
            data=ReviewInput(evidence_summary="E", overview=OVERVIEW, pay_reference="P"),
            objectives={a.pk: Assessment(Outcome.MET) for a in review.objective_assessments.all()},
            standards={a.pk: Assessment(Outcome.MET) for a in review.standard_assessments.all()},
            complete=True,
        )

    if not issue:
        return save()
    with capture(execute=True):
        return save()


def download(s, who: str) -> bytes:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(getattr(s, who).user)
    response = client.get(reverse("reviews:statement", args=[s.cycle.pk]))
    assert response.status_code == 200
    return response.content


def not_shared(s) -> None:  # type: ignore[no-untyped-def]
    s.cycle.policy_version = preset_version(
        s.trust, "classic-objectives", review={"overview_shared_with_staff": False}
    )
    s.cycle.save(update_fields=["policy_version"])


@pytest.mark.django_db
def test_completing_the_review_issues_one_stored_statement(
    s,  # type: ignore[no-untyped-def]
    layouts,
    django_capture_on_commit_callbacks,
) -> None:
    review = complete(s, issue=True, capture=django_capture_on_commit_callbacks)
    # classic shares the overview with the member of staff: every reader's copy is one.
    (stored,) = StatementFile.objects.filter(review=review)
    assert stored.audience == StatementAudience.WITH_OVERVIEW
    assert layouts.call_count == 1
    with default_storage.open(stored.file.name, "rb") as handle:
        assert handle.read().startswith(b"%PDF")
    for who in ("appraisee", "reviewer", "headteacher"):
        assert OVERVIEW in pdf_text(download(s, who))
    assert layouts.call_count == 1  # served from storage, never laid out again


@pytest.mark.django_db
def test_where_the_overview_is_kept_on_file_both_copies_are_issued(
    s,  # type: ignore[no-untyped-def]
    layouts,
    django_capture_on_commit_callbacks,
) -> None:
    not_shared(s)
    review = complete(s, issue=True, capture=django_capture_on_commit_callbacks)
    assert set(StatementFile.objects.filter(review=review).values_list("audience", flat=True)) == {
        StatementAudience.WITH_OVERVIEW,
        StatementAudience.WITHOUT_OVERVIEW,
    }
    assert layouts.call_count == 2
    mine = pdf_text(download(s, "appraisee"))
    assert OVERVIEW not in mine and "Kept on file" in mine
    assert OVERVIEW in pdf_text(download(s, "reviewer"))
    assert layouts.call_count == 2


@pytest.mark.django_db
def test_two_downloads_lay_the_statement_out_once(s, layouts) -> None:  # type: ignore[no-untyped-def]
    complete(s)  # issued after the commit, which a test inside a transaction never has
    assert not StatementFile.objects.exists()
    first = download(s, "appraisee")
    second = download(s, "appraisee")
    assert layouts.call_count == 1
    assert first == second
    assert StatementFile.objects.count() == 1


@pytest.mark.django_db
def test_a_change_to_what_it_shows_lays_it_out_anew(
    s,  # type: ignore[no-untyped-def]
    layouts,
    django_capture_on_commit_callbacks,
) -> None:
    review = complete(s, issue=True, capture=django_capture_on_commit_callbacks)
    old = StatementFile.objects.get(review=review).file.name
    assert "RESPONSEWORDSQZX" not in pdf_text(download(s, "appraisee"))
    assert layouts.call_count == 1
    review.refresh_from_db()
    review_comment(
        actor=s.appraisee.user,
        review=review,
        expected_version=review.version,
        comments="RESPONSEWORDSQZX",
        acknowledge=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        text = pdf_text(download(s, "reviewer"))
    assert "RESPONSEWORDSQZX" in text and "Acknowledged by" in text
    assert layouts.call_count == 2
    new = StatementFile.objects.get(review=review).file.name
    assert new != old and default_storage.exists(new)
    assert not default_storage.exists(old)  # the copy it replaced is gone
    assert "RESPONSEWORDSQZX" in pdf_text(download(s, "appraisee"))
    assert layouts.call_count == 2


@pytest.mark.django_db
def test_nobody_is_given_a_stored_copy_that_shows_more_than_theirs(
    s,  # type: ignore[no-untyped-def]
    layouts,
    django_capture_on_commit_callbacks,
) -> None:
    """Even were the stored rows mixed up, the member of staff whose policy keeps the
    overview on file never receives the copy that has it: a stored copy is served only
    when it shows exactly what the reader's own would."""
    not_shared(s)
    review = complete(s, issue=True, capture=django_capture_on_commit_callbacks)
    full = StatementFile.objects.get(review=review, audience=StatementAudience.WITH_OVERVIEW)
    StatementFile.objects.filter(review=review, audience=StatementAudience.WITHOUT_OVERVIEW).update(
        file=full.file.name
    )
    assert OVERVIEW not in pdf_text(download(s, "appraisee"))
    # And with the fingerprint copied too, the file is still the wider one: refused.
    StatementFile.objects.filter(review=review, audience=StatementAudience.WITHOUT_OVERVIEW).update(
        file=full.file.name, fingerprint=full.fingerprint
    )
    assert OVERVIEW not in pdf_text(download(s, "appraisee"))
    assert OVERVIEW in pdf_text(download(s, "reviewer"))


@pytest.mark.django_db
def test_a_draft_is_laid_out_each_time_and_never_kept(s, layouts) -> None:  # type: ignore[no-untyped-def]
    review_start(actor=s.reviewer.user, cycle=s.cycle)
    assert "Draft" in pdf_text(download(s, "reviewer"))
    download(s, "reviewer")
    assert layouts.call_count == 2
    assert not StatementFile.objects.exists()


@pytest.mark.django_db
def test_an_unreadable_stored_file_is_laid_out_again(s, layouts) -> None:  # type: ignore[no-untyped-def]
    complete(s)
    download(s, "appraisee")
    default_storage.delete(StatementFile.objects.get().file.name)
    assert download(s, "appraisee").startswith(b"%PDF")
    assert layouts.call_count == 2
    assert default_storage.exists(StatementFile.objects.get().file.name)


# ----- Retention --------------------------------------------------------------------------


def _expired_record_with_statement(s, *, observation_years: int | None = None):  # type: ignore[no-untyped-def]
    """A closed 2017-18 classic cycle (kept 7 years: expired by 1 September 2025) with a
    completed review, two observations and the statement stored."""
    retention = {"observation_years": observation_years} if observation_years else {}
    version = preset_version(s.trust, "classic-objectives", retention=retention)
    cycle = make_cycle(
        appraisee=s.colleague,
        reviewer=s.reviewer,
        version=version,
        starts_on=dt.date(2017, 9, 1),
        ends_on=dt.date(2018, 8, 31),
        state="closed",
    )
    for day in (5, 12):  # two, destroyed together: the stored file is queued once
        Observation.objects.create(
            trust=s.trust,
            cycle=cycle,
            observer=s.reviewer,
            observed_at=dt.datetime(2017, 11, day, 10, tzinfo=dt.UTC),
            duration_minutes=30,
            kind=ObservationKind.FORMAL,
            focus="OBSERVEDFOCUSQZX",
            usable_for_appraisal=True,
        )
    review = AnnualReview.objects.create(
        trust=s.trust,
        cycle=cycle,
        framework=Framework.TEACHERS,
        overview=OVERVIEW,
        completed_at=dt.datetime(2018, 7, 10, tzinfo=dt.UTC),
    )
    assert services.statement_issue(review_id=review.pk) == 1
    (stored,) = StatementFile.objects.filter(review=review)
    assert default_storage.exists(stored.file.name)
    return cycle, review, stored.file.name


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_purge_destroys_the_stored_statement_with_its_record(s) -> None:  # type: ignore[no-untyped-def]
    from retention import services as retention

    _cycle, review, name = _expired_record_with_statement(s)
    run = retention.purge_expired_records(as_of=dt.date(2025, 9, 1))
    assert run.purged == 1
    assert not StatementFile.objects.filter(review_id=review.pk).exists()
    assert not default_storage.exists(name)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_observation_destroyed_on_its_own_takes_the_stored_statement_showing_it(s) -> None:  # type: ignore[no-untyped-def]
    from retention import services as retention

    cycle, review, name = _expired_record_with_statement(s, observation_years=3)
    assert "OBSERVEDFOCUSQZX" in pdf_text(default_storage.open(name, "rb").read())
    # The record is kept (7 years, until 2025); its observation went after 3.
    run = retention.purge_expired_records(as_of=dt.date(2022, 9, 1))
    assert run.purged == 2
    assert not Observation.objects.filter(cycle=cycle).exists()
    assert not default_storage.exists(name)
    review.refresh_from_db()
    again = services.statement_for_reader(cycle=cycle, review=review, for_appraisee=False)
    assert "OBSERVEDFOCUSQZX" not in pdf_text(again)
