"""The plan's agreement: propose, respond, agree, decide, reopen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cycles.models import AppraisalCycle
from organisation.principal import Principal
from policies.schema import AppraisalModel

from .. import forms, permissions, selectors, services
from ._common import _cycle, _cycle_label, _page, _record_access, _require

# ----- The plan: propose, respond, agree, decide, reopen ---------------------------------


PLAN_ACTIONS = {
    "propose": forms.PlanActionForm,
    "respond": forms.RespondForm,
    "agree": forms.PlanActionForm,
    "determine": forms.DetermineForm,
    "reopen": forms.ReopenForm,
    "ask_review": forms.RequestReviewForm,
    "absence": forms.AbsenceForm,
}


def _plan_page(
    request: HttpRequest,
    principal: Principal,
    cycle: AppraisalCycle,
    *,
    bound: dict[str, Any] | None = None,
    error: services.ObjectivesError | None = None,
    status: int = 200,
) -> HttpResponse:
    context = selectors.cycle_section_context(cycle, principal)
    section = context["objectives_section"]
    version = section.plan_version
    action_forms = {
        name: form_class(initial={"version": version}, prefix=name)
        for name, form_class in PLAN_ACTIONS.items()
    }
    if section.plan is not None:
        action_forms["absence"] = forms.AbsenceForm(
            initial={"version": version, "note": section.plan.absence_note}, prefix="absence"
        )
    action_forms.update(bound or {})
    response = _page(
        request,
        "objectives/plan.html",
        cycle,
        section=section,
        forms=action_forms,
        error=error,
        can_edit=section.can_edit,
        can_comment=section.can_comment,
    )
    response.status_code = status
    return response


@login_required
def plan(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal, cycle = _cycle(request, cycle_id)
    if cycle.policy_version.rules.model != AppraisalModel.OBJECTIVES:
        raise Http404("This policy has no objective plan.")
    _record_access(request, cycle, f"Objectives agreement: {_cycle_label(cycle)}")
    return _plan_page(request, principal, cycle)


@login_required
@require_POST
def plan_action(request: HttpRequest, cycle_id: int, action: str) -> HttpResponse:
    principal, cycle = _cycle(request, cycle_id)
    if action not in PLAN_ACTIONS or cycle.policy_version.rules.model != AppraisalModel.OBJECTIVES:
        raise Http404("No such action.")
    allowed = {
        "propose": permissions.can_edit,
        "agree": permissions.can_edit,
        "reopen": permissions.can_edit,
        "respond": permissions.can_comment,
        "determine": permissions.can_determine_objectives,
        "ask_review": permissions.can_contribute,
        "absence": permissions.can_contribute,
    }[action]
    _require(allowed(principal, cycle), "You cannot do this to these objectives.")
    form = PLAN_ACTIONS[action](request.POST, prefix=action)
    if not form.is_valid():
        return _plan_page(request, principal, cycle, bound={action: form}, status=400)
    data = form.cleaned_data
    actor = request.user
    try:
        if action == "propose":
            services.plan_propose(actor=actor, cycle=cycle, expected_version=data["version"])  # type: ignore[arg-type]
            done = "Objectives proposed. The member of staff can now say whether they agree."
        elif action == "respond":
            services.plan_respond(
                actor=actor,  # type: ignore[arg-type]
                cycle=cycle,
                agrees=data["agrees"],
                comment=data["comment"],
                expected_version=data["version"],
            )
            done = "Your answer has been recorded."
        elif action == "agree":
            services.plan_agree(actor=actor, cycle=cycle, expected_version=data["version"])  # type: ignore[arg-type]
            done = "Objectives agreed."
        elif action == "determine":
            services.plan_determine(
                actor=actor,  # type: ignore[arg-type]
                cycle=cycle,
                note=data["note"],
                expected_version=data["version"],
            )
            done = "Your decision on the objectives has been recorded."
        elif action == "ask_review":
            services.plan_request_review(
                actor=actor,  # type: ignore[arg-type]
                cycle=cycle,
                reason=data["reason"],
                expected_version=data["version"],
            )
            done = "You have asked for the objectives to be reviewed."
        elif action == "absence":
            services.plan_record_absence(
                actor=actor,  # type: ignore[arg-type]
                cycle=cycle,
                note=data["note"],
                expected_version=data["version"],
            )
            done = "Absence to take into account saved."
        else:
            services.plan_reopen(
                actor=actor,  # type: ignore[arg-type]
                cycle=cycle,
                reason=data["reason"],
                expected_version=data["version"],
            )
            done = "Objectives reopened."
    except services.ObjectivesError as error:
        return _plan_page(request, principal, cycle, bound={action: form}, error=error, status=400)
    messages.success(request, done)
    return redirect(reverse("objectives:plan", args=[cycle.pk]))
