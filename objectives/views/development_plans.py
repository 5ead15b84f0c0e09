"""The personal development plan page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from policies.schema import AppraisalModel

from .. import forms, permissions, selectors, services
from ._common import _add_errors, _cycle, _cycle_label, _page, _record_access, _require, cycle_url

# ----- Personal development plan -----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def development_plan(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal, cycle = _cycle(request, cycle_id)
    rules = cycle.policy_version.rules
    if rules.model != AppraisalModel.PDP:
        raise Http404("This policy has no personal development plan.")
    _require(permissions.can_contribute(principal, cycle), "You cannot change this plan.")
    pdp = selectors.development_plan_for(cycle)
    parts = list(rules.pdp.professional_iq_parts)
    initial: dict[str, Any] = {"version": pdp.version if pdp else 0}
    if pdp is not None:
        initial["development_needs"] = pdp.development_needs
        initial["role_fit"] = pdp.role_fit
        initial.update({f"part_{i}": pdp.answer_for(i) for i in range(len(parts))})
    action = request.POST.get("action", "save")
    form = forms.DevelopmentPlanForm(
        request.POST if action == "save" else None,
        initial=initial,
        parts=parts,
        role_fit_label=selectors.role_fit_label(cycle) if selectors.needs_role_fit(cycle) else "",
    )
    action_form = forms.ReopenForm(request.POST if action == "reopen" else None, initial=initial)
    agree_form = forms.PlanActionForm(request.POST if action == "agree" else None, initial=initial)
    error: services.ObjectivesError | None = None
    if request.method == "POST":
        actor = request.user
        try:
            if action == "save" and form.is_valid():
                services.development_plan_save(
                    actor=actor,  # type: ignore[arg-type]
                    cycle=cycle,
                    expected_version=form.cleaned_data["version"],
                    answers=form.answers(),
                    development_needs=form.cleaned_data["development_needs"],
                    role_fit=form.role_fit(),
                )
                messages.success(request, "Personal development plan saved.")
                return redirect(cycle_url(cycle))
            if action == "agree" and agree_form.is_valid():
                services.development_plan_agree(
                    actor=actor,  # type: ignore[arg-type]
                    cycle=cycle,
                    expected_version=agree_form.cleaned_data["version"],
                )
                messages.success(request, "Personal development plan agreed.")
                return redirect(cycle_url(cycle))
            if action == "reopen" and action_form.is_valid():
                services.development_plan_reopen(
                    actor=actor,  # type: ignore[arg-type]
                    cycle=cycle,
                    reason=action_form.cleaned_data["reason"],
                    expected_version=action_form.cleaned_data["version"],
                )
                messages.success(request, "Personal development plan reopened.")
                return redirect(cycle_url(cycle))
        except services.ObjectivesError as exc:
            error = exc
            if action == "save":
                _add_errors(form, exc)
    section = selectors.cycle_section_context(cycle, principal)["objectives_section"]
    if request.method == "GET":
        _record_access(request, cycle, f"Personal development plan: {_cycle_label(cycle)}")
    response = _page(
        request,
        "objectives/development_plan_form.html",
        cycle,
        form=form,
        reopen_form=action_form,
        agree_form=agree_form,
        section=section,
        error=error,
        can_edit=permissions.can_edit(principal, cycle),
    )
    if request.method == "POST":
        response.status_code = 400
    return response
