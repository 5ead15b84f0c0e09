"""Colleague feedback pages: the reviewer asks, the member of staff agrees (where the
policy says), the colleagues asked answer or decline, the reviewer reads the summary."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cycles.models import AppraisalCycle
from cycles.permissions import get_cycle_for_user
from organisation.access_log import record_access
from organisation.principal import Principal, principal_for
from submissions.guard import submit_once

from . import forms, permissions, rules, selectors, services
from .models import FeedbackRequest, FeedbackRound, RoundStatus


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


def _add_error(form: Any, error: services.FeedbackError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error))


def _noted(request: HttpRequest, obj: FeedbackRound | FeedbackRequest) -> None:
    record_access(
        request=request, obj=obj, action="view", label=f"{obj._meta.verbose_name} {obj.pk}"
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def ask(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal = _principal(request)
    cycle, _ = get_cycle_for_user(
        principal,
        cycle_id,
        request=request,
        queryset=AppraisalCycle.objects.select_related("appraisee__academy", "policy_version"),
    )
    if not permissions.is_reviewer(principal, cycle):
        # Nobody but the reviewer learns the page exists (the headteacher reading the
        # record included): colleague feedback is the reviewer's evidence only.
        raise Http404("No such page.")
    policy = cycle.policy_version.rules
    refusal = rules.asking_refusal(
        policy.review, cycle_ends_on=cycle.ends_on, today=timezone.localdate()
    )
    if refusal:
        raise Http404(refusal)  # the page is not there where the policy has no feedback
    colleagues = permissions.colleagues_to_ask(cycle)
    form = forms.AskForm(
        request.POST or None, colleagues=colleagues, appraisee_id=cycle.appraisee_id
    )
    if request.method == "POST" and form.is_valid():
        try:
            round_ = services.feedback_round_ask(
                actor=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                colleagues=list(form.cleaned_data["colleagues"]),
                question=form.cleaned_data["question"],
            )
        except services.FeedbackError as error:
            _add_error(form, error)
        else:
            if round_.status == RoundStatus.AWAITING_AGREEMENT:
                messages.success(
                    request,
                    f"{cycle.appraisee.full_name} has been asked to agree first; the "
                    "colleagues are asked once they do.",
                )
            else:
                messages.success(request, "The colleagues have been asked for feedback.")
            return redirect("colleague_feedback:round_detail", pk=round_.pk)
    return render(
        request,
        "colleague_feedback/ask.html",
        {
            "cycle": cycle,
            "form": form,
            "threshold": policy.review.colleague_feedback_min_answers,
            "needs_agreement": rules.needs_agreement(policy.confidentiality),
            "working_days": policy.review.colleague_feedback_working_days,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    round_, access = permissions.get_round_for_user(principal, pk, request=request)
    may_agree = permissions.can(principal, permissions.FeedbackAction.AGREE, round_)
    form = forms.AgreementForm(request.POST or None) if may_agree else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("There is nothing to agree to here.")
        if form.is_valid():
            try:
                services.feedback_round_agree(
                    actor=request.user,  # type: ignore[arg-type]
                    round=round_,
                    agree=form.cleaned_data["agree"],
                )
            except services.FeedbackError as error:
                _add_error(form, error)
            else:
                messages.success(
                    request,
                    "The colleagues have been asked."
                    if form.cleaned_data["agree"]
                    else "Nobody will be asked.",
                )
                return redirect("colleague_feedback:round_detail", pk=round_.pk)
    _noted(request, round_)
    return render(
        request,
        "colleague_feedback/round_detail.html",
        {
            "page": selectors.round_page(round_, access),
            "access": access,
            "cycle": round_.cycle,
            "form": form,
        },
    )


@login_required
@require_http_methods(["GET"])
def my_requests(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    rows = list(selectors.requests_for(principal))
    for row in rows:
        row.may_answer = selectors.is_open_for_answers(row)  # type: ignore[attr-defined]
    return render(request, "colleague_feedback/my_requests.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    feedback_request = permissions.get_request_for_user(principal, pk, request=request)
    may_answer = selectors.is_open_for_answers(feedback_request)
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied("This request can no longer be answered.")
        if form.is_valid():
            try:
                services.feedback_answer(
                    actor=request.user,  # type: ignore[arg-type]
                    request=feedback_request,
                    text=form.cleaned_data["text"],
                )
            except services.FeedbackError as error:
                _add_error(form, error)
            else:
                messages.success(request, "Thank you: your feedback has been sent.")
                return redirect("colleague_feedback:my_requests")
    _noted(request, feedback_request)
    return render(
        request,
        "colleague_feedback/request_detail.html",
        {
            "feedback_request": feedback_request,
            "round": feedback_request.round,
            "about": feedback_request.round.cycle.appraisee,
            "may_answer": may_answer,
            "form": form,
        },
    )


@login_required
@require_http_methods(["POST"])
def request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    feedback_request = permissions.get_request_for_user(principal, pk, request=request)
    try:
        services.feedback_decline(actor=request.user, request=feedback_request)  # type: ignore[arg-type]
    except services.FeedbackError as error:
        messages.error(request, str(error))
        return redirect("colleague_feedback:request_detail", pk=feedback_request.pk)
    messages.success(request, "You have declined the request.")
    return redirect("colleague_feedback:my_requests")
