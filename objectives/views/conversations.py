"""Developmental conversation pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from policies.schema import AppraisalModel
from submissions.guard import submit_once

from .. import forms, permissions, selectors, services
from ..rules import conversation_notes_and_pay, wellbeing_notes_use
from ._common import _add_errors, _cycle, _cycle_label, _page, _record_access, _require, cycle_url

# ----- Conversations -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def conversation(request: HttpRequest, cycle_id: int, key: str) -> HttpResponse:
    principal, cycle = _cycle(request, cycle_id)
    rules = cycle.policy_version.rules
    if rules.model != AppraisalModel.CONVERSATIONS:
        raise Http404("This policy has no conversations.")
    rule = selectors.conversation_rule(rules, key)
    record = selectors.conversation_for(cycle, key)
    as_reviewer = permissions.can_edit(principal, cycle)
    _require(as_reviewer or permissions.can_comment(principal, cycle))
    initial: dict[str, Any] = {"version": record.version if record else 0}
    if record is not None:
        initial.update(
            held_on=record.held_on,
            growth_areas=record.growth_areas,
            cpd_activities=record.cpd_activities,
            agreed_notes=record.agreed_notes,
            notes_consent=record.notes_consent,
        )
    form: forms.ConversationForm | forms.ConversationContributionForm
    if as_reviewer:
        form = forms.ConversationForm(request.POST or None, initial=initial, rules=rules)
    else:
        form = forms.ConversationContributionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            if as_reviewer:
                services.conversation_record(
                    actor=request.user,  # type: ignore[arg-type]
                    cycle=cycle,
                    key=key,
                    expected_version=expected,
                    **data,
                )
            else:
                services.conversation_contribute(
                    actor=request.user,  # type: ignore[arg-type]
                    cycle=cycle,
                    key=key,
                    expected_version=expected,
                    **data,
                )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{rule.name} saved.")
            return redirect(cycle_url(cycle))
    category = selectors.staff_category(cycle)
    if request.method == "GET":
        _record_access(request, cycle, f"{rule.name}: {_cycle_label(cycle)}")
    return _page(
        request,
        "objectives/conversation_form.html",
        cycle,
        form=form,
        conversation_rule=rule,
        record=record,
        as_reviewer=as_reviewer,
        focus=selectors.focus_wording(rules, category),
        show_wellbeing_link=rules.wellbeing.discussed_at_review,
        notes_and_pay=conversation_notes_and_pay(rules),
        wellbeing_use=wellbeing_notes_use(rules),
    )
