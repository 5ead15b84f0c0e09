"""Pay pages: the pay scales, a person's pay history, the pay reviews of each academy, one
recommendation and its moves, the written pay statement, *My pay*, the payroll export."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from organisation.access_log import record_access
from organisation.models import PayRange
from organisation.principal import Principal, principal_for
from submissions.guard import submit_once

from . import forms, permissions, rules, selectors, services, statements
from .models import Outcome, PayRecommendation, PayScaleSet, Stage


def principal_of(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


def require(allowed: bool, message: str = "You cannot change this pay recommendation.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def add_error(form: Any, error: services.PayError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def _noted(request: HttpRequest, obj: Any, label: str, action: str = "view") -> None:
    record_access(request=request, obj=obj, action=action, label=label)


# ----- The pay pages' front door -----------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def index(request: HttpRequest) -> HttpResponse:
    """Pay: the reviews of each academy (HR, headteachers), the drafts to write
    (reviewers), the person's own pay, the pay scales."""
    principal = principal_of(request)
    today = timezone.localdate()
    years = forms.pay_year_choices(today)
    try:
        year = int(request.GET.get("year", selectors.current_pay_year(today)))
    except ValueError:
        year = selectors.current_pay_year(today)
    if year not in dict(years):
        year = selectors.current_pay_year(today)
    runs = permissions.may_run_pay_reviews(principal)
    return render(
        request,
        "pay_progression/index.html",
        {
            "year": year,
            "year_label": dict(years)[year],
            "years": years,
            "runs": runs,
            "academies": selectors.review_overview(principal, year) if runs else [],
            "drafts": list(selectors.drafts_to_write(principal)),
            "own": selectors.own_recommendations(principal),
            "may_view_scales": permissions.may_view_scales(principal),
            "stages": Stage,
        },
    )


# ----- Pay scales --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def scales(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    if not permissions.may_view_scales(principal):
        raise Http404("No pay scales.")
    return render(
        request,
        "pay_progression/scales.html",
        {
            "sets": list(selectors.scale_sets_for(principal)),
            "may_edit": permissions.may_edit_scales(principal),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def scale_set_add(request: HttpRequest) -> HttpResponse:
    principal = principal_of(request)
    if not permissions.may_edit_scales(principal):
        raise Http404("No pay scales.")
    form = forms.ScaleSetForm(
        request.POST or None, trust_id=principal.tenant_id, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        try:
            scale_set = services.scale_set_create(
                actor=request.user,  # type: ignore[arg-type]
                trust=_trust(principal),
                pay_year=form.cleaned_data["pay_year"],
                effective_from=form.cleaned_data["effective_from"],
                name=form.cleaned_data["name"],
                copy_from=form.cleaned_data["copy_from"],
            )
        except services.PayError as error:
            add_error(form, error)
        else:
            messages.success(request, f"The pay scales for {scale_set.year_label} are set up.")
            return redirect("pay_progression:scale_set", pk=scale_set.pk)
    return render(request, "pay_progression/scale_set_add.html", {"form": form})


def _trust(principal: Principal) -> Any:
    from organisation.models import Trust

    return Trust.objects.get(pk=principal.tenant_id)


@login_required
@require_http_methods(["GET"])
def scale_set(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    scale_set = permissions.get_scale_set_for_user(principal, pk, request=request)
    return render(
        request,
        "pay_progression/scale_set.html",
        {
            "scale_set": scale_set,
            "ranges": selectors.scale_set_ranges(scale_set),
            "may_edit": permissions.may_edit_scales(principal),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def scale_range_edit(request: HttpRequest, pk: int, pay_range: str) -> HttpResponse:
    principal = principal_of(request)
    scale_set: PayScaleSet = permissions.get_scale_set_for_user(principal, pk, request=request)
    if not permissions.may_edit_scales(principal):
        raise Http404("No pay scales.")
    points = selectors.range_points(scale_set, pay_range)
    if not points:
        raise Http404("No such range.")
    form = forms.RangeAmountsForm(request.POST or None, points=points)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.scale_points_update(
                actor=request.user,  # type: ignore[arg-type]
                scale_set=scale_set,
                pay_range=pay_range,
                values=form.values(),
            )
        except services.PayError as error:
            add_error(form, error)
        else:
            messages.success(request, f"{changed} amount{'s' if changed != 1 else ''} saved.")
            return redirect("pay_progression:scale_set", pk=scale_set.pk)
    return render(
        request,
        "pay_progression/scale_range_edit.html",
        {
            "scale_set": scale_set,
            "form": form,
            "range_label": dict(PayRange.choices).get(pay_range, pay_range),
        },
    )


# ----- Pay history -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def pay_history(request: HttpRequest, staff_id: int) -> HttpResponse:
    principal = principal_of(request)
    staff = permissions.get_pay_history_staff(principal, staff_id, request=request)
    _noted(request, staff, f"Pay history of staff {staff.pk}")
    return render(
        request,
        "pay_progression/pay_history.html",
        {
            "staff": staff,
            "placements": selectors.pay_history(staff),
            "may_record": permissions.may_record_placement(principal),
            "is_self": principal.staff is not None and principal.staff.pk == staff.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def placement_add(request: HttpRequest, staff_id: int) -> HttpResponse:
    principal = principal_of(request)
    staff = permissions.get_pay_history_staff(principal, staff_id, request=request)
    if not permissions.may_record_placement(principal):
        raise PermissionDenied("Only HR records a change of pay point.")
    form = forms.PlacementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.placement_record(
                actor=request.user,  # type: ignore[arg-type]
                staff=staff,
                pay_range=form.cleaned_data["pay_range"],
                point=form.cleaned_data["point"],
                since=form.cleaned_data["since"],
            )
        except services.PayError as error:
            add_error(form, error)
        else:
            messages.success(request, "The pay history is updated.")
            return redirect("pay_progression:pay_history", staff_id=staff.pk)
    return render(request, "pay_progression/placement_add.html", {"staff": staff, "form": form})


# ----- Pay reviews -------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def review_open(request: HttpRequest, academy_id: int) -> HttpResponse:
    principal = principal_of(request)
    academy = permissions.get_review_academy(principal, academy_id, request=request)
    today = timezone.localdate()
    years = forms.pay_year_choices(today, back=1)
    form = forms.OpenReviewForm(
        request.POST or None, years=years, initial={"pay_year": selectors.current_pay_year(today)}
    )
    if request.method == "POST" and form.is_valid():
        try:
            review = services.pay_review_open(
                actor=request.user,  # type: ignore[arg-type]
                academy=academy,
                pay_year=form.cleaned_data["pay_year"],
            )
        except services.PayError as error:
            add_error(form, error)
        else:
            messages.success(
                request,
                f"The pay review {review.year_label} of {academy.name} is open: "
                f"{review.recommendations.count()} recommendations are ready to draft.",
            )
            return redirect("pay_progression:review", pk=review.pk)
    return render(request, "pay_progression/review_open.html", {"academy": academy, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def review_open_trust(request: HttpRequest) -> HttpResponse:
    """HR opens the pay year's review of every academy of the trust at once."""
    principal = principal_of(request)
    if not principal.is_hr:
        raise Http404("No such page.")
    today = timezone.localdate()
    years = forms.pay_year_choices(today, back=1)
    form = forms.OpenReviewForm(
        request.POST or None, years=years, initial={"pay_year": selectors.current_pay_year(today)}
    )
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["pay_year"]
        try:
            opened = services.pay_reviews_open_for_trust(
                actor=request.user,  # type: ignore[arg-type]
                pay_year=year,
            )
        except services.PayError as error:
            add_error(form, error)
        else:
            messages.success(
                request,
                f"{len(opened)} pay review{'s' if len(opened) != 1 else ''} opened for "
                f"{dict(years)[year]}.",
            )
            return redirect(f"{reverse('pay_progression:index')}?year={year}")
    return render(request, "pay_progression/review_open.html", {"academy": None, "form": form})


@login_required
@require_http_methods(["GET"])
def review(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    review = permissions.get_review_for_user(principal, pk, request=request)
    rows = list(selectors.review_rows(principal, review).select_related("policy_version"))
    _noted(request, review, f"Pay review {review.pk}")
    return render(
        request,
        "pay_progression/review.html",
        {
            "review": review,
            "rows": rows,
            "committee": selectors.committee_summary(review, rows),
            "stages": Stage,
        },
    )


@login_required
@require_http_methods(["GET"])
def payroll_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The decided changes of a review for payroll, each with the date it takes effect."""
    principal = principal_of(request)
    review = permissions.get_review_for_user(principal, pk, request=request)
    _noted(request, review, f"Payroll export of pay review {review.pk}", action="export")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="payroll-{review.academy_id}-{review.pay_year}.csv"'
    )
    response["Cache-Control"] = "no-store"
    writer = csv.writer(response)
    writer.writerow(
        [
            "Staff number",
            "Last name",
            "First name",
            "Pay range",
            "Point before",
            "Point from",
            "Effective from",
            "Honorarium",
            "Decision",
        ]
    )
    for rec in selectors.payroll_rows(principal, review):
        new_point = rec.proposed_point if rec.outcome == Outcome.PROGRESS else rec.current_point
        writer.writerow(
            [
                _safe(rec.staff.staff_number),
                _safe(rec.staff.last_name),
                _safe(rec.staff.first_name),
                rec.current_range,
                rec.current_point,
                new_point,
                rec.effective_from.isoformat() if rec.effective_from else "",
                "yes" if rec.honorarium else "no",
                rec.get_outcome_display(),
            ]
        )
    return response


def _safe(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# ----- One recommendation ------------------------------------------------------------------


def _label(rec: PayRecommendation) -> str:
    return f"Pay recommendation {rec.pk}"


@login_required
@require_http_methods(["GET"])
def recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    rec, access = permissions.get_recommendation_for_user(principal, pk, request=request)
    _noted(request, rec, _label(rec))
    return render(
        request,
        "pay_progression/recommendation.html",
        {"rec": rec, "access": access, **selectors.recommendation_page(rec)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_draft(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    rec, access = permissions.get_recommendation_for_user(principal, pk, request=request)
    require(access.may_draft, "This recommendation is no longer a draft you may change.")
    pay = rec.policy_version.rules.pay
    facts = services.recommendation_facts(rec)
    starts = services.pay_year_starts(rec.review.pay_year)
    choices = rules.reason_choices(pay, facts, starts)
    initial = {
        "outcome": rec.outcome,
        "proposed_point": rec.proposed_point,
        "reason_key": rec.reason_key if rec.reason_key in dict(choices) else "",
        "evidence": rec.evidence,
        "honorarium": rec.honorarium,
        "honorarium_note": rec.honorarium_note,
        "version": rec.version,
    }
    form = forms.DraftForm(
        request.POST or None,
        initial=initial,
        reasons=choices,
        evidence_required=rec.evidence_required,
        honorarium_allowed=pay.honorarium_allowed,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recommendation_draft(
                actor=request.user,  # type: ignore[arg-type]
                recommendation=rec,
                outcome=data["outcome"],
                proposed_point=data.get("proposed_point") or "",
                reason_key=data.get("reason_key") or "",
                evidence=data.get("evidence") or "",
                honorarium=bool(data.get("honorarium")),
                honorarium_note=data.get("honorarium_note") or "",
                expected_version=data["version"],
            )
        except services.PayError as error:
            add_error(form, error)
        else:
            messages.success(request, "The recommendation is drafted.")
            return redirect("pay_progression:recommendation", pk=rec.pk)
    return render(
        request,
        "pay_progression/recommendation_draft.html",
        {"rec": rec, "form": form, "pay": pay},
    )


_MOVES = {
    "approve": (Stage.APPROVED, "may_approve", "Approve the recommendation", "Approved."),
    "share": (
        Stage.SHARED,
        "may_share",
        "Share it with the member of staff",
        "Shared with the member of staff.",
    ),
    "issue": (
        Stage.STATEMENT_ISSUED,
        "may_issue",
        "Issue the pay statement",
        "The pay statement is issued.",
    ),
}


def _move(request: HttpRequest, pk: int, move: str) -> HttpResponse:
    principal = principal_of(request)
    rec, access = permissions.get_recommendation_for_user(principal, pk, request=request)
    to, flag, title, done = _MOVES[move]
    require(getattr(access, flag))
    form = forms.MoveForm(request.POST or None, initial={"version": rec.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_move(
                actor=request.user,  # type: ignore[arg-type]
                recommendation=rec,
                to=to,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except services.PayError as error:
            add_error(form, error)
        else:
            messages.success(request, done)
            return redirect("pay_progression:recommendation", pk=rec.pk)
    return render(
        request,
        "pay_progression/recommendation_move.html",
        {"rec": rec, "form": form, "title": title},
    )


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "approve")


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_share(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "share")


@login_required
@require_http_methods(["GET", "POST"])
def statement_issue(request: HttpRequest, pk: int) -> HttpResponse:
    return _move(request, pk, "issue")


@login_required
@require_http_methods(["GET", "POST"])
def recommendation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the governors' pay committee's decision (HR or the headteacher, for it)."""
    principal = principal_of(request)
    rec, access = permissions.get_recommendation_for_user(principal, pk, request=request)
    require(access.may_decide)
    form = forms.DecideForm(
        request.POST or None, initial={"outcome": rec.outcome, "version": rec.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_move(
                actor=request.user,  # type: ignore[arg-type]
                recommendation=rec,
                to=Stage.DECIDED,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except services.PayError as error:
            add_error(form, error)
        else:
            messages.success(request, "The pay committee's decision is recorded.")
            return redirect("pay_progression:recommendation", pk=rec.pk)
    return render(request, "pay_progression/recommendation_decide.html", {"rec": rec, "form": form})


@login_required
@require_http_methods(["GET"])
def statement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    principal = principal_of(request)
    rec, _access = permissions.get_recommendation_for_user(principal, pk, request=request)
    if rec.stage not in (Stage.STATEMENT_ISSUED, Stage.FINAL):
        raise Http404("The pay statement has not been issued.")
    pdf = services.statement_bytes(rec)
    _noted(request, rec, f"Pay statement {rec.pk}", action="download")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{statements.statement_filename(rec)}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET"])
def mine(request: HttpRequest) -> HttpResponse:
    """*My pay*: the person's own recommendations once shared, and their pay history."""
    principal = principal_of(request)
    staff = principal.staff
    if staff is None:
        raise Http404("No staff record.")
    own = selectors.own_recommendations(principal)
    for rec in own:
        _noted(request, rec, _label(rec))
    return render(
        request,
        "pay_progression/mine.html",
        {"own": own, "placements": selectors.pay_history(staff), "staff": staff},
    )
