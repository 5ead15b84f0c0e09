"""Pages for one objective: add, edit, delete, comment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from cycles.models import AppraisalCycle
from policies.schema import AppraisalModel
from submissions.guard import submit_once

from .. import forms, permissions, selectors, services
from ..models import Objective, PlanState
from ._common import CYCLE_QUERYSET, _add_errors, _cycle, _page, _principal, _require, cycle_url

# ----- Objectives ---------------------------------------------------------------------------


def _objective_form(
    request: HttpRequest, cycle: AppraisalCycle, objective: Objective | None, progress_only: bool
) -> forms.ObjectiveForm:
    initial: dict[str, Any] = {"version": 0, "status": "not_started"}
    if objective is not None:
        initial = {name: getattr(objective, name) for name in services.OBJECTIVE_FIELDS}
        initial["priorities"] = [p.pk for p in objective.priorities.all()]
        initial["version"] = objective.version
        parts = cycle.policy_version.rules.objectives.shared_objective_individual_parts
        initial.update(
            {f"individual_part_{i}": objective.individual_part_text(p) for i, p in enumerate(parts)}
        )
    form_class = forms.ObjectiveForm if objective is not None else forms.ObjectiveAddForm
    return form_class(
        request.POST or None,
        initial=initial,
        rules=cycle.policy_version.rules,
        priorities=selectors.priorities_for_cycle(cycle),
        shared=objective is not None and objective.shared_id is not None,
        progress_only=progress_only,
    )


def _objective_values(form: forms.ObjectiveForm) -> tuple[dict[str, Any], list[Any] | None]:
    data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("individual_part_")}
    data.pop("version", None)
    priorities = list(data.pop("priorities")) if "priorities" in data else None
    return data, priorities


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def objective_add(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal, cycle = _cycle(request, cycle_id)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer sets objectives.")
    if cycle.policy_version.rules.model == AppraisalModel.CONVERSATIONS:
        raise Http404("This policy has no objectives.")
    form = _objective_form(request, cycle, None, progress_only=False)
    if request.method == "POST" and form.is_valid():
        data, priorities = _objective_values(form)
        try:
            objective = services.objective_create(
                actor=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                priorities=priorities or [],
                **data,
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{objective.title}” added.")
            return redirect(cycle_url(cycle))
    return _page(
        request,
        "objectives/objective_form.html",
        cycle,
        form=form,
        objective=None,
        usual_count=selectors.usual_count_for_new_objective(cycle),
    )


@login_required
@require_http_methods(["GET", "POST"])
def objective_edit(request: HttpRequest, cycle_id: int, pk: int) -> HttpResponse:
    principal = _principal(request)
    objective, _access = permissions.get_objective_for_user(
        principal, cycle_id, pk, request=request, cycle_queryset=CYCLE_QUERYSET
    )
    cycle = objective.cycle
    _require(permissions.can_edit(principal, cycle), "Only the reviewer changes objectives.")
    rules = cycle.policy_version.rules
    container = (
        selectors.development_plan_for(cycle)
        if rules.model == AppraisalModel.PDP
        else selectors.plan_for(cycle)
    )
    progress_only = container is not None and container.state == PlanState.AGREED
    form = _objective_form(request, cycle, objective, progress_only)
    if request.method == "POST" and form.is_valid():
        data, priorities = _objective_values(form)
        try:
            objective = services.objective_update(
                actor=request.user,  # type: ignore[arg-type]
                objective=objective,
                expected_version=form.cleaned_data["version"],
                priorities=priorities,
                individual_parts=form.individual_texts(),
                **data,
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{objective.title}” saved.")
            return redirect(cycle_url(cycle))
    return _page(
        request,
        "objectives/objective_form.html",
        cycle,
        form=form,
        objective=objective,
        progress_only=progress_only,
    )


@login_required
@require_http_methods(["GET", "POST"])
def objective_delete(request: HttpRequest, cycle_id: int, pk: int) -> HttpResponse:
    principal = _principal(request)
    objective, _access = permissions.get_objective_for_user(
        principal, cycle_id, pk, request=request, cycle_queryset=CYCLE_QUERYSET
    )
    cycle = objective.cycle
    _require(permissions.can_edit(principal, cycle), "Only the reviewer removes objectives.")
    form = forms.PlanActionForm(request.POST or None, initial={"version": objective.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_delete(
                actor=request.user,  # type: ignore[arg-type]
                objective=objective,
                expected_version=form.cleaned_data["version"],
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"“{objective.title}” removed.")
            return redirect(cycle_url(cycle))
    return _page(
        request, "objectives/objective_confirm_delete.html", cycle, form=form, objective=objective
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def objective_comment(request: HttpRequest, cycle_id: int, pk: int) -> HttpResponse:
    principal = _principal(request)
    objective, _access = permissions.get_objective_for_user(
        principal, cycle_id, pk, request=request, cycle_queryset=CYCLE_QUERYSET
    )
    cycle = objective.cycle
    _require(permissions.can_contribute(principal, cycle), "You cannot comment on this record.")
    form = forms.CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objective_comment_add(
                actor=request.user,  # type: ignore[arg-type]
                objective=objective,
                text=form.cleaned_data["text"],
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Comment added.")
            return redirect(cycle_url(cycle))
    return _page(request, "objectives/comment_form.html", cycle, form=form, objective=objective)
