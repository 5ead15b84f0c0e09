"""Pages for objectives, the plan's agreement, shared objectives, conversations, wellbeing
notes, the personal development plan, meetings and improvement priorities.

Every page about a cycle fetches the cycle with ``get_cycle_for_user`` (404 for anyone who
may not see it, with the refusal logged) and a record under it with the matching
``permissions.get_<kind>_for_user`` (404, logged alike, for an id from elsewhere); 403 only
where the person may see the record but not do this to it. Writes go through
``objectives.services``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cycles.models import AppraisalCycle
from cycles.permissions import get_cycle_for_user
from organisation.models import Academy
from organisation.principal import Principal, principal_for
from policies.schema import AppraisalModel
from submissions.guard import submit_once

from . import forms, permissions, selectors, services
from .models import ImprovementPriority, Objective, PlanState
from .rules import meeting_kinds

CYCLE_QUERYSET = AppraisalCycle.objects.select_related(
    "policy_version__policy", "academy", "appraisee__job_role", "reviewer"
)


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


def _cycle(request: HttpRequest, cycle_id: int) -> tuple[Principal, AppraisalCycle]:
    principal = _principal(request)
    cycle, _access = get_cycle_for_user(
        principal, cycle_id, request=request, queryset=CYCLE_QUERYSET
    )
    return principal, cycle


def _require(allowed: bool, message: str = "You cannot change this record.") -> None:
    if not allowed:
        raise PermissionDenied(message)


def cycle_url(cycle: AppraisalCycle) -> str:
    """The cycle page, where this app's section is shown."""
    try:
        return reverse("cycles:detail", args=[cycle.pk]) + "#objectives-section-heading"
    except NoReverseMatch:
        return reverse("objectives:cycle", args=[cycle.pk])


def _record_access(request: HttpRequest, obj: Any, label: str) -> None:
    from audit.services import record_access

    record_access(request=request, obj=obj, action="view", label=label)


def _cycle_label(cycle: AppraisalCycle) -> str:
    return f"{cycle.appraisee.full_name}, {cycle.starts_on:%Y} to {cycle.ends_on:%Y}"


def _page(
    request: HttpRequest, template: str, cycle: AppraisalCycle, **context: Any
) -> HttpResponse:
    return render(
        request,
        template,
        {
            "cycle": cycle,
            "cycle_url": cycle_url(cycle),
            "rules": cycle.policy_version.rules,
            **context,
        },
    )


def _add_errors(form: Any, error: services.ObjectivesError) -> None:
    form.add_error(None, str(error))
    for breach in error.breaches:
        form.add_error(None, str(breach))


# ----- The section on its own page ---------------------------------------------------------


@login_required
def cycle(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal, cycle = _cycle(request, cycle_id)
    _record_access(request, cycle, f"Objectives: {_cycle_label(cycle)}")
    context = selectors.cycle_section_context(cycle, principal)
    return _page(
        request,
        "objectives/cycle.html",
        cycle,
        principal=principal,
        can_edit=permissions.can_edit(principal, cycle),
        can_comment=permissions.can_comment(principal, cycle),
        **context,
    )


# ----- Objectives ---------------------------------------------------------------------------


def _objective_form(
    request: HttpRequest, cycle: AppraisalCycle, objective: Objective | None, progress_only: bool
) -> forms.ObjectiveForm:
    initial: dict[str, Any] = {"version": 0, "status": "not_started"}
    if objective is not None:
        initial = {name: getattr(objective, name) for name in services.OBJECTIVE_FIELDS}
        initial["priorities"] = [p.pk for p in objective.priorities.all()]
        initial["version"] = objective.version
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
    data = dict(form.cleaned_data)
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
    return _page(request, "objectives/objective_form.html", cycle, form=form, objective=None)


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


# ----- The plan: propose, respond, agree, decide, reopen ---------------------------------


PLAN_ACTIONS = {
    "propose": forms.PlanActionForm,
    "respond": forms.RespondForm,
    "agree": forms.PlanActionForm,
    "determine": forms.DetermineForm,
    "reopen": forms.ReopenForm,
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
    )


# ----- Wellbeing notes ---------------------------------------------------------------------


def _wellbeing_cycle(request: HttpRequest, cycle_id: int) -> tuple[Principal, AppraisalCycle]:
    principal, cycle = _cycle(request, cycle_id)
    # Anyone else who may read the cycle (headteacher, HR, line managers) is told nothing:
    # the page does not exist for them.
    if not (
        permissions.is_appraisee(principal, cycle)
        or permissions.may_write_wellbeing_notes(principal, cycle)
    ):
        raise Http404("No such page.")
    return principal, cycle


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def wellbeing(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal, cycle = _wellbeing_cycle(request, cycle_id)
    form = forms.WellbeingNoteForm(request.POST if request.POST.get("action") == "add" else None)
    error: services.ObjectivesError | None = None
    if request.method == "POST":
        action = request.POST.get("action")
        actor = request.user
        try:
            if action == "consent":
                services.wellbeing_consent_give(actor=actor, cycle=cycle)  # type: ignore[arg-type]
                messages.success(request, "Thank you: your consent has been recorded.")
                return redirect(reverse("objectives:wellbeing", args=[cycle.pk]))
            if action == "withdraw":
                deleted = services.wellbeing_consent_withdraw(actor=actor, cycle=cycle)  # type: ignore[arg-type]
                messages.success(
                    request,
                    f"Consent withdrawn. {deleted} note{'' if deleted == 1 else 's'} deleted.",
                )
                return redirect(reverse("objectives:wellbeing", args=[cycle.pk]))
            if action == "add" and form.is_valid():
                services.wellbeing_note_add(
                    actor=actor,  # type: ignore[arg-type]
                    cycle=cycle,
                    text=form.cleaned_data["text"],
                )
                messages.success(request, "Note saved.")
                return redirect(reverse("objectives:wellbeing", args=[cycle.pk]))
            if action not in ("consent", "withdraw", "add"):
                raise services.ObjectivesError("Choose what to do.")
        except services.ObjectivesError as exc:
            error = exc
            if action == "add":
                _add_errors(form, exc)
    page = selectors.wellbeing_notes_for(principal, cycle)
    _record_access(request, cycle, f"Wellbeing notes: {_cycle_label(cycle)}")
    response = _page(
        request,
        "objectives/wellbeing.html",
        cycle,
        page=page,
        form=form,
        error=error,
        is_appraisee=permissions.is_appraisee(principal, cycle),
        today=timezone.localdate(),
    )
    if request.method == "POST":
        response.status_code = 400
    return response


@login_required
@require_http_methods(["GET", "POST"])
def wellbeing_note_delete(request: HttpRequest, cycle_id: int, pk: int) -> HttpResponse:
    principal = _principal(request)
    note, _access = permissions.get_wellbeing_note_for_user(
        principal, cycle_id, pk, request=request, cycle_queryset=CYCLE_QUERYSET
    )
    cycle = note.cycle
    if request.method == "POST":
        services.wellbeing_note_delete(actor=request.user, note=note)  # type: ignore[arg-type]
        messages.success(request, "Note deleted.")
        return redirect(reverse("objectives:wellbeing", args=[cycle.pk]))
    return _page(request, "objectives/wellbeing_note_confirm_delete.html", cycle, note=note)


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
        initial.update({f"part_{i}": pdp.answer_for(i) for i in range(len(parts))})
    action = request.POST.get("action", "save")
    form = forms.DevelopmentPlanForm(
        request.POST if action == "save" else None, initial=initial, parts=parts
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


# ----- Meetings ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def meeting_add(request: HttpRequest, cycle_id: int) -> HttpResponse:
    principal, cycle = _cycle(request, cycle_id)
    _require(permissions.can_edit(principal, cycle), "Only the reviewer plans meetings.")
    rules = cycle.policy_version.rules
    form = forms.MeetingScheduleForm(request.POST or None, kinds=meeting_kinds(rules))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_schedule(
                actor=request.user,  # type: ignore[arg-type]
                cycle=cycle,
                kind=data["kind"],
                scheduled_for=data["scheduled_for"],
                notice_given_on=data["notice_given_on"] or timezone.localdate(),
                planned_minutes=data["planned_minutes"],
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{meeting.get_kind_display()} planned.")
            return redirect(cycle_url(cycle))
    return _page(request, "objectives/meeting_form.html", cycle, form=form, meeting=None)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, cycle_id: int, pk: int) -> HttpResponse:
    principal = _principal(request)
    meeting, _access = permissions.get_meeting_for_user(
        principal, cycle_id, pk, request=request, cycle_queryset=CYCLE_QUERYSET
    )
    cycle = meeting.cycle
    _require(permissions.can_edit(principal, cycle), "Only the reviewer records meetings.")
    initial = {
        "version": meeting.version,
        "scheduled_for": meeting.scheduled_for,
        "notice_given_on": meeting.notice_given_on,
        "planned_minutes": meeting.planned_minutes,
        "held_on": meeting.held_on,
        "notes": meeting.notes,
        "agreed_actions": meeting.agreed_actions,
        "record_complete": meeting.record_completed_on is not None,
    }
    form = forms.MeetingRecordForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        expected = data.pop("version")
        try:
            meeting = services.meeting_record(
                actor=request.user,  # type: ignore[arg-type]
                meeting=meeting,
                expected_version=expected,
                **data,
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{meeting.get_kind_display()} saved.")
            return redirect(cycle_url(cycle))
    return _page(request, "objectives/meeting_form.html", cycle, form=form, meeting=meeting)


# ----- Improvement priorities --------------------------------------------------------------


def _year(request: HttpRequest) -> int:
    from calendars.working_days import academic_year_of

    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if not forms.EARLIEST_YEAR <= year <= forms.LATEST_YEAR:
        year = academic_year_of(timezone.localdate())
    return year


@login_required
def priorities(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.may_open_priorities(principal):
        raise Http404("No such page.")
    year = _year(request)
    rows = selectors.priorities_for_principal(principal, year)
    return render(
        request,
        "objectives/priorities.html",
        {
            "year": year,
            "year_label": f"{year} to {year + 1}",
            "previous_year": year - 1,
            "next_year": year + 1,
            "trust_rows": [p for p in rows if p.academy_id is None],
            "academy_rows": [p for p in rows if p.academy_id is not None],
            "can_manage_trust": permissions.can_manage_priorities(principal, None),
            "may_open_shared": permissions.may_open_shared(principal),
        },
    )


def _priority_form(
    request: HttpRequest, principal: Principal, year: int, *, editing: bool, initial: dict[str, Any]
) -> forms.PriorityForm:
    form_class = forms.PriorityForm if editing else forms.PriorityAddForm
    return form_class(
        request.POST or None,
        initial=initial,
        academies=permissions.manageable_academies(principal),
        trust_wide=permissions.can_manage_priorities(principal, None),
        year=year,
        editing=editing,
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def priority_add(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.may_open_priorities(principal):
        raise Http404("No such page.")
    year = _year(request)
    form = _priority_form(request, principal, year, editing=False, initial={"academic_year": year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        academy = None
        if data["plan"] != forms.TRUST_WIDE:
            academy = permissions.manageable_academies(principal).filter(pk=data["plan"]).first()
            if academy is None:
                raise Http404("No such academy.")
        try:
            priority = services.priority_create(
                actor=request.user,  # type: ignore[arg-type]
                academy=academy,
                academic_year=data["academic_year"],
                code=data["code"],
                title=data["title"],
                description=data["description"],
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{priority.code} added.")
            return redirect(reverse("objectives:priorities") + f"?year={priority.academic_year}")
    return render(
        request, "objectives/priority_form.html", {"form": form, "priority": None, "year": year}
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    priority = permissions.get_priority_for_user(principal, pk, request=request)
    initial = {
        "academic_year": priority.academic_year,
        "code": priority.code,
        "title": priority.title,
        "description": priority.description,
    }
    form = _priority_form(request, principal, priority.academic_year, editing=True, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            priority = services.priority_update(
                actor=request.user,  # type: ignore[arg-type]
                priority=priority,
                academic_year=data["academic_year"],
                code=data["code"],
                title=data["title"],
                description=data["description"],
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"{priority.code} saved.")
            return redirect(reverse("objectives:priorities") + f"?year={priority.academic_year}")
    return render(
        request,
        "objectives/priority_form.html",
        {"form": form, "priority": priority, "year": priority.academic_year},
    )


@login_required
@require_http_methods(["GET", "POST"])
def priority_delete(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    priority = permissions.get_priority_for_user(principal, pk, request=request)
    error = None
    if request.method == "POST":
        try:
            services.priority_delete(actor=request.user, priority=priority)  # type: ignore[arg-type]
        except services.ObjectivesError as exc:
            error = exc
        else:
            messages.success(request, f"{priority.code} deleted.")
            return redirect(reverse("objectives:priorities") + f"?year={priority.academic_year}")
    return render(
        request,
        "objectives/priority_confirm_delete.html",
        {"priority": priority, "error": error},
        status=400 if error else 200,
    )


# ----- Shared objectives ---------------------------------------------------------------------


@login_required
def shared_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    if not permissions.may_open_shared(principal):
        raise Http404("No such page.")
    shared = list(
        permissions.visible_shared_objectives(principal)
        .select_related("academy", "priority")
        .order_by("-created_at")
    )
    return render(
        request,
        "objectives/shared_list.html",
        {
            "shared_objectives": shared,
            "may_open_priorities": permissions.may_open_priorities(principal),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def shared_add(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    academies = list(permissions.shared_objective_academies(principal))
    if not academies:
        raise Http404("No such page.")
    from calendars.working_days import academic_year_of

    this_year = academic_year_of(timezone.localdate())
    trust_wide = permissions.can_create_shared(principal, None)
    priorities_qs = (
        ImprovementPriority.objects.filter(
            trust_id=principal.trust_id or 0, academic_year__gte=this_year - 1
        )
        .filter(Q(academy__isnull=True) | Q(academy_id__in=[a.pk for a in academies]))
        .select_related("academy")
        .order_by("academy_id", "-academic_year", "code")
    )
    priority_list = list(priorities_qs)
    form = forms.SharedObjectiveForm(
        request.POST or None, academies=academies, trust_wide=trust_wide, priorities=priority_list
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        academy: Academy | None = None
        if data["academy"] != forms.TRUST_WIDE:
            academy = next(a for a in academies if str(a.pk) == data["academy"])
        priority = next((p for p in priority_list if str(p.pk) == data["priority"]), None)
        try:
            shared = services.shared_objective_create(
                actor=request.user,  # type: ignore[arg-type]
                academy=academy,
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                priority=priority,
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(request, "Shared objective created. Now choose who has it.")
            return redirect(reverse("objectives:shared_detail", args=[shared.pk]))
    return render(request, "objectives/shared_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def shared_detail(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    shared = permissions.get_shared_objective_for_user(principal, pk, request=request)
    rows = selectors.assignable_cycles(principal, shared)
    choices = [
        (
            row.cycle.pk,
            f"{row.cycle.appraisee.full_name} ({row.cycle.starts_on:%Y} to {row.cycle.ends_on:%Y})",
        )
        for row in rows
        if row.reason is None
    ]
    form = forms.AssignForm(request.POST or None, choices=choices)
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["cycles"]}
        cycles = [row.cycle for row in rows if row.cycle.pk in chosen]
        try:
            created = services.shared_objective_assign(
                actor=request.user,  # type: ignore[arg-type]
                shared=shared,
                cycles=cycles,
            )
        except services.ObjectivesError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Given to {len(created)} member{'' if len(created) == 1 else 's'} of staff. "
                "Each now adds their own success criteria, actions and evidence.",
            )
            return redirect(reverse("objectives:shared_detail", args=[shared.pk]))
    return render(
        request,
        "objectives/shared_detail.html",
        {
            "shared": shared,
            "form": form,
            "unavailable": [row for row in rows if row.reason is not None],
            "assignments": selectors.shared_objective_assignments(shared, principal),
        },
    )
