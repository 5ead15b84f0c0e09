"""Cycle pages: my appraisal, my reviewees, an academy's overview, opening a year, one
cycle's page with its stage changes, and exceptional access to it.

Every page about a cycle fetches it with ``get_cycle_for_user`` (404 for anyone who may not
see it); a person who may see it but not act gets a 403 for the action."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from audit.services import record_access
from organisation.models import Academy, Trust
from organisation.principal import Principal, principal_for
from policies.schema import AdviserUse
from submissions.guard import submit_once

from . import extensions, order, permissions, rules, selectors, services
from .deadlines import all_deadlines
from .forms import (
    WHOLE_TRUST,
    AdviserForm,
    ChangeReviewerForm,
    CommitteeForm,
    FirstPeriodForm,
    GrantAccessForm,
    OpenCyclesForm,
    TransitionForm,
)
from .models import AppraisalCycle, CycleAccessGrant, CycleState, SuspensionReason
from .permissions import CycleAction, get_cycle_for_user

OVERVIEW_PAGE_SIZE = 50


def _principal(request: HttpRequest) -> Principal:
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if not principal.is_authenticated:
        raise Http404("No trust.")
    return principal


def _cycle_and_access(
    request: HttpRequest, pk: int
) -> tuple[Principal, AppraisalCycle, permissions.CycleAccess]:
    # The cycle's own pages (its stage, people and access) open to those who administer it
    # as well as to its readers; its content is for readers only (``access.reads``).
    principal = _principal(request)
    cycle, access = get_cycle_for_user(
        principal,
        pk,
        request=request,
        queryset=selectors.with_page_relations(AppraisalCycle.objects.all()),
        administering=True,
    )
    return principal, cycle, access


def _cycle(request: HttpRequest, pk: int) -> tuple[Principal, AppraisalCycle]:
    principal, cycle, _access = _cycle_and_access(request, pk)
    return principal, cycle


def _label(cycle: AppraisalCycle) -> str:
    return f"Appraisal {cycle.starts_on:%Y}-{cycle.ends_on:%y}, {cycle.appraisee.full_name}"


def _detail_url(cycle: AppraisalCycle) -> str:
    return reverse("cycles:detail", args=[cycle.pk])


# ----- Lists -----------------------------------------------------------------------------


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    return render(request, "cycles/mine.html", {"appraisal": selectors.my_appraisal(principal)})


@login_required
def reviewee_list(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    include_closed = request.GET.get("show") == "all"
    return render(
        request,
        "cycles/reviewees.html",
        {
            "reviewees": selectors.reviewees(principal, include_closed=include_closed),
            "include_closed": include_closed,
        },
    )


@login_required
def academy_index(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    academies = list(selectors.overview_academies(principal))
    if not academies:
        raise Http404("No academy overview.")
    if len(academies) == 1:
        return redirect("cycles:academy", academy_id=academies[0].pk)
    return render(request, "cycles/academy_index.html", {"academies": academies})


@login_required
def academy(request: HttpRequest, academy_id: int) -> HttpResponse:
    principal = _principal(request)
    chosen = get_object_or_404(selectors.overview_academies(principal), pk=academy_id)
    state = request.GET.get("state", "")
    if state not in CycleState.values:
        state = ""
    cycles = selectors.with_page_relations(selectors.academy_cycles(principal, chosen)).order_by(
        "appraisee__last_name", "appraisee__first_name", "-starts_on"
    )
    if state:
        cycles = cycles.filter(state=state)
    page = Paginator(cycles, OVERVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    overview = selectors.academy_overview(principal, chosen, list(page.object_list), state)
    return render(
        request,
        "cycles/academy.html",
        {
            "overview": overview,
            "page": page,
            "state_choices": CycleState.choices,
            "may_open": permissions.may_open_cycles(principal, chosen.pk),
        },
    )


# ----- Opening a year --------------------------------------------------------------------


def _opening_form(principal: Principal, data: Any = None) -> OpenCyclesForm:
    academies = Academy.objects.filter(trust_id=principal.tenant_id).order_by(
        "is_central_team", "name"
    )
    allowed = permissions.academies_for_opening(principal)
    if allowed is not None:
        academies = academies.filter(pk__in=allowed)
    return OpenCyclesForm(data, academies=academies, whole_trust=principal.is_hr)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def open_cycles(request: HttpRequest) -> HttpResponse:
    principal = _principal(request)
    allowed = permissions.academies_for_opening(principal)
    if allowed is not None and not allowed:
        raise Http404("Not for you.")
    form = _opening_form(principal, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            opening = services.cycle_opening_request(
                trust=Trust.objects.get(pk=principal.tenant_id),
                academy=form.academy(),
                year=form.cleaned_data["year"],
                actor=request.user,  # type: ignore[arg-type]
                confirmed_early=form.cleaned_data["confirm_early"],
            )
        except services.CycleError as exc:
            form.add_error(None, str(exc))
        else:
            if form.cleaned_data["where"] == WHOLE_TRUST:
                messages.info(request, "Opening cycles for the whole trust has started.")
            return redirect("cycles:opening", opening_id=opening.pk)
    return render(
        request,
        "cycles/open.html",
        {"form": form, "openings": selectors.recent_openings(principal)},
    )


@login_required
def opening(request: HttpRequest, opening_id: int) -> HttpResponse:
    principal = _principal(request)
    found = selectors.opening_for(principal, opening_id)
    if found is None:
        raise Http404("No such opening.")
    return render(request, "cycles/opening.html", {"opening": found})


# ----- One cycle -------------------------------------------------------------------------


def _section_context(cycle: AppraisalCycle, principal: Principal) -> dict[str, Any]:
    """The sections other apps registered for the cycle page: each one's context, and
    ``cycle_sections``, the templates the page includes in order."""
    context: dict[str, Any] = {}
    templates: list[str] = []
    for section in extensions.cycle_page_sections:
        context.update(section.context(cycle, principal))
        templates.append(section.template_name)
    context["cycle_sections"] = templates
    return context


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, pk)


def _detail_page(
    request: HttpRequest, pk: int, *, early_error: str = "", status: int = 200
) -> HttpResponse:
    """The cycle page; ``early_error`` is the message next to the reason for beginning the
    annual review early."""
    principal, cycle, access = _cycle_and_access(request, pk)
    record_access(request=request, obj=cycle, action="view", label=_label(cycle))
    today = timezone.localdate()
    can_manage = permissions.can(principal, CycleAction.MANAGE, cycle)
    moves = []
    for to, move in services.moves_for(request.user, cycle):  # type: ignore[arg-type]
        reasons = (
            [(r.value, r.label) for r in services.suspension_reasons_allowed(cycle)]
            if move.needs_reason
            else []
        )
        early = to == CycleState.REVIEW and services.early_review_possible(cycle)
        moves.append(
            {
                "to": to,
                "label": move.label,
                "early": early,
                "opens_on": order.review_window_opens(
                    cycle.policy_version.rules, ends_on=cycle.ends_on
                )
                if early
                else None,
                "needs_reason": move.needs_reason,
                "reasons": reasons,
                "warning": to == CycleState.SUSPENDED,
                "secondary": to in (CycleState.SUSPENDED, CycleState.CLOSED),
            }
        )
    staff = principal.staff
    context: dict[str, Any] = {
        "cycle": cycle,
        "principal": principal,
        "rules": cycle.policy_version.rules,
        "can_edit": permissions.can(principal, CycleAction.EDIT, cycle),
        "can_comment": permissions.can(principal, CycleAction.COMMENT, cycle),
        "can_manage": can_manage,
        # Exceptional access is for a headteacher's own appraisal only (access_grant_refusal).
        "can_grant": cycle.is_headteacher_cycle and permissions.may_grant_access(principal, cycle),
        # A leader's appraisal: who sits on its committee, and who may set it up.
        "leader": selectors.leader_summary(principal, cycle)
        if cycle.is_headteacher_cycle
        else None,
        "can_change_reviewer": permissions.may_change_reviewer(principal, cycle)
        and cycle.state != CycleState.CLOSED
        and not cycle.is_headteacher_cycle,
        "can_adjust_end": services.may_adjust_first_period(cycle)
        and permissions.may_set_first_period(principal, cycle),
        "is_appraisee": staff is not None and cycle.appraisee_id == staff.pk,
        "is_reviewer": staff is not None and cycle.reviewer_id == staff.pk,
        "transitions": moves,
        "early_error": early_error,
        "deadlines": selectors.deadline_rows(all_deadlines([cycle]), today),
        "policy_url": _policy_url(principal, cycle),
        "how_the_year_runs": rules.how_the_year_runs(
            cycle.policy_version.rules,
            starts_on=cycle.starts_on,
            ends_on=cycle.ends_on,
            contract_end_date=cycle.appraisee.contract_end_date,
        ),
        "suspension_label": SuspensionReason(cycle.suspension_reason).label
        if cycle.suspension_reason
        else "",
    }
    if access.reads:
        context.update(_section_context(cycle, principal))
    else:
        # The policy's readers leave this person out: they run the process (stage, dates,
        # people, access) and see none of the record's content.
        context["cycle_sections"] = []
        context["not_a_reader"] = True
    return render(request, "cycles/cycle_detail.html", context, status=status)


def _policy_url(principal: Principal, cycle: AppraisalCycle) -> str:
    """The pinned version's page, for those who may read the trust's policies."""
    from policies.permissions import may_view_policies

    if not may_view_policies(principal):
        return ""
    version = cycle.policy_version
    return reverse("policies:version", args=[version.policy_id, version.number])


@login_required
@require_POST
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    principal, cycle = _cycle(request, pk)
    if not (
        permissions.may_move_as_reviewer(principal, cycle)
        or permissions.can(principal, CycleAction.MANAGE, cycle)
    ):
        raise PermissionDenied("You cannot change the stage of this appraisal.")
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a stage and keep any note under 200 characters.")
        return redirect(_detail_url(cycle))
    try:
        moved = services.cycle_transition(
            cycle=cycle,
            to=form.cleaned_data["to"],
            actor=request.user,  # type: ignore[arg-type]
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
        )
    except services.CycleError as exc:
        if form.cleaned_data["to"] == CycleState.REVIEW and services.early_review_possible(cycle):
            # The reason for beginning early is a field on this page: the error goes by it.
            return _detail_page(request, pk, early_error=str(exc), status=400)
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The appraisal is now at “{moved.get_state_display()}”.")
    return redirect(_detail_url(cycle))


@login_required
@require_http_methods(["GET", "POST"])
def change_reviewer(request: HttpRequest, pk: int) -> HttpResponse:
    principal, cycle = _cycle(request, pk)
    if not permissions.may_change_reviewer(principal, cycle):
        raise PermissionDenied("You cannot change the reviewer of this appraisal.")
    form = ChangeReviewerForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_change_reviewer(
                cycle=cycle,
                reviewer=form.cleaned_data["reviewer"],
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except services.CycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The reviewer has been changed.")
            return redirect(_detail_url(cycle))
    return render(request, "cycles/change_reviewer.html", {"cycle": cycle, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def first_period(request: HttpRequest, pk: int) -> HttpResponse:
    principal, cycle = _cycle(request, pk)
    if not permissions.may_set_first_period(principal, cycle):
        raise PermissionDenied("Only the headteacher or HR can set this.")
    if not services.may_adjust_first_period(cycle):
        raise Http404("Not a first cycle whose length can be set.")
    form = FirstPeriodForm(request.POST or None, initial={"ends_on": cycle.ends_on})
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_set_first_period_end(
                cycle=cycle,
                ends_on=form.cleaned_data["ends_on"],
                actor=request.user,  # type: ignore[arg-type]
                reason=form.cleaned_data["reason"],
            )
        except services.CycleError as exc:
            form.add_error("ends_on", str(exc))
        else:
            messages.success(request, "The first cycle's end date has been set.")
            return redirect(_detail_url(cycle))
    return render(
        request,
        "cycles/first_period.html",
        {"cycle": cycle, "form": form, "latest": services.first_period_latest_end(cycle)},
    )


# ----- Exceptional access ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def access(request: HttpRequest, pk: int) -> HttpResponse:
    principal, cycle = _cycle(request, pk)
    if not permissions.may_grant_access(principal, cycle):
        raise PermissionDenied("You cannot grant access to this record.")
    form = GrantAccessForm(request.POST or None, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        assert form.user is not None
        try:
            services.cycle_grant_access(
                cycle=cycle,
                user=form.user,
                permission=form.cleaned_data["permission"],
                expires_at=form.expires_at(),
                reason=form.cleaned_data["reason"],
                granted_by=request.user,  # type: ignore[arg-type]
            )
        except services.CycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{form.user.email} can now see this record.")
            return redirect("cycles:access", pk=cycle.pk)
    now = timezone.now()
    grants = selectors.grants_for(cycle)
    active = [g for g in grants if g.revoked_at is None and g.expires_at > now]
    headteacher = cycle.policy_version.rules.headteacher
    return render(
        request,
        "cycles/access.html",
        {
            "cycle": cycle,
            "form": form,
            # headteacher.external_adviser: "required" with nobody yet is said at the top.
            "adviser_missing": cycle.is_headteacher_cycle
            and headteacher.external_adviser == AdviserUse.REQUIRED
            and not any(g.permission == permissions.ADVISER_GRANT for g in active),
            "active": active,
            "ended": [g for g in grants if g.revoked_at is not None or g.expires_at <= now],
            "labels": services.GRANT_PERMISSIONS,
        },
    )


@login_required
@require_POST
def revoke_access(request: HttpRequest, pk: int, grant_id: int) -> HttpResponse:
    principal, cycle = _cycle(request, pk)
    if not permissions.may_grant_access(principal, cycle):
        raise PermissionDenied("You cannot change access to this record.")
    grant = get_object_or_404(CycleAccessGrant, pk=grant_id, cycle=cycle)
    services.cycle_revoke_access(grant=grant, revoked_by=request.user)  # type: ignore[arg-type]
    messages.success(request, f"{grant.user.email} can no longer see this record.")
    return redirect("cycles:access", pk=cycle.pk)


# ----- A leader's review committee -------------------------------------------------------


@login_required
def leader_reviews(request: HttpRequest) -> HttpResponse:
    """The headteachers' (and CEO's) appraisals this person sets up or takes part in."""
    principal = _principal(request)
    reviews = selectors.leader_reviews(principal)
    if not reviews and not permissions.committee_cycles(principal).exists():
        raise Http404("No leader's appraisal for you.")
    return render(request, "cycles/leader_reviews.html", {"reviews": reviews})


def _committee_hint(cycle: AppraisalCycle, *, ceo: bool) -> str:
    headteacher = cycle.policy_version.rules.headteacher
    size = headteacher.committee_size
    seats = f"{size} member{'s' if size != 1 else ''}"
    if ceo:
        return (
            f"The CEO is appraised by {headteacher.ceo_appraised_by.lower()}: choose "
            f"trustees, at most {seats}."
        )
    from .committee import exact_size, required_missing

    text = f"The policy's review committee has {'' if exact_size(headteacher) else 'at most '}"
    text += seats
    always = required_missing(headteacher, [])
    if always:
        text += ", always including " + " and ".join(always)
    return text + "."


def _committee_page(
    request: HttpRequest,
    cycle: AppraisalCycle,
    *,
    committee_form: CommitteeForm | None = None,
    adviser_form: AdviserForm | None = None,
) -> HttpResponse:
    headteacher = cycle.policy_version.rules.headteacher
    ceo = permissions.is_ceo_cycle(cycle)
    candidates = selectors.committee_candidates(cycle)
    now = timezone.now()
    grants = selectors.grants_for(cycle)
    active = [g for g in grants if g.revoked_at is None and g.expires_at > now]
    members = [g for g in active if g.permission == permissions.COMMITTEE_GRANT]
    advisers = [g for g in active if g.permission == permissions.ADVISER_GRANT]
    if committee_form is None:
        committee_form = CommitteeForm(
            cycle=cycle,
            candidates=candidates,
            hint=_committee_hint(cycle, ceo=ceo),
            initial={
                "members": [str(g.user_id) for g in members],
                "expires_on": members[0].expires_at.date() if members else None,
            },
        )
    offered = permissions.adviser_offered(headteacher) and not ceo
    if adviser_form is None and offered:
        adviser_form = AdviserForm(cycle=cycle, appointed_by=headteacher.adviser_appointed_by)
    return render(
        request,
        "cycles/committee.html",
        {
            "cycle": cycle,
            "is_ceo_cycle": ceo,
            "headteacher": headteacher,
            "members": members,
            "advisers": advisers,
            "adviser_offered": offered,
            "adviser_missing": offered
            and headteacher.external_adviser == AdviserUse.REQUIRED
            and not advisers,
            "committee_form": committee_form,
            "adviser_form": adviser_form,
            "reads": permissions.can(_principal(request), CycleAction.VIEW, cycle),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def committee(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    cycle = permissions.get_committee_cycle_for_user(principal, pk, request=request)
    record_access(request=request, obj=cycle, action="view", label=f"Committee: {_label(cycle)}")
    if request.method != "POST":
        return _committee_page(request, cycle)
    ceo = permissions.is_ceo_cycle(cycle)
    form = CommitteeForm(
        request.POST,
        cycle=cycle,
        candidates=selectors.committee_candidates(cycle),
        hint=_committee_hint(cycle, ceo=ceo),
    )
    if form.is_valid():
        try:
            services.cycle_committee_set_up(
                cycle=cycle,
                members=form.chosen(),
                expires_at=form.expires_at(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except services.CycleError as exc:
            form.add_error("members", str(exc))
        else:
            messages.success(request, "The review committee is set up.")
            return redirect("cycles:committee", pk=cycle.pk)
    return _committee_page(request, cycle, committee_form=form)


@login_required
@require_POST
@submit_once
def committee_adviser(request: HttpRequest, pk: int) -> HttpResponse:
    principal = _principal(request)
    cycle = permissions.get_committee_cycle_for_user(principal, pk, request=request)
    headteacher = cycle.policy_version.rules.headteacher
    if not permissions.adviser_offered(headteacher) or permissions.is_ceo_cycle(cycle):
        raise Http404("No external adviser for this appraisal.")
    form = AdviserForm(request.POST, cycle=cycle, appointed_by=headteacher.adviser_appointed_by)
    if form.is_valid():
        assert form.user is not None
        try:
            services.cycle_adviser_appoint(
                cycle=cycle,
                adviser=form.user,
                expires_at=form.expires_at(),
                suitability=form.cleaned_data["suitability"],
                actor=request.user,  # type: ignore[arg-type]
            )
        except services.CycleError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, f"{form.user.email} is the external adviser.")
            return redirect("cycles:committee", pk=cycle.pk)
    return _committee_page(request, cycle, adviser_form=form)


@login_required
@require_POST
def committee_adviser_withdraw(request: HttpRequest, pk: int, grant_id: int) -> HttpResponse:
    principal = _principal(request)
    cycle = permissions.get_committee_cycle_for_user(principal, pk, request=request)
    grant = CycleAccessGrant.objects.filter(
        pk=grant_id, cycle=cycle, permission=permissions.ADVISER_GRANT
    ).first()
    if grant is None:
        raise Http404("No such adviser.")
    services.cycle_adviser_withdraw(cycle=cycle, grant=grant, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, f"{grant.user.email} is no longer the external adviser.")
    return redirect("cycles:committee", pk=cycle.pk)
