"""The reviewer's stage moves for all their reviewees at once: "start the year for all my
reviewees", "begin the annual review for all of them".

Each row goes through ``services.cycle_transition``, exactly as the button on the cycle
page does, one transaction each: a row the service refuses (the window is not open, the
person left, someone else moved it meanwhile) is listed with the service's own reason and
the others go ahead. A confirmation page first lists who will be moved.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from appraisal_site.forms import PlainTextMixin
from organisation.principal import Principal, principal_for

from . import services
from .models import AppraisalCycle, CycleState


@dataclass(frozen=True)
class BulkMove:
    source: str
    target: str
    title: str  # the page's heading
    offer: str  # the home page's link, with {count}
    button: str
    done: str  # the result, with {count} and {people}


BULK_MOVES: dict[str, BulkMove] = {
    "start": BulkMove(
        CycleState.PLANNING,
        CycleState.ACTIVE,
        "Start the appraisal year for your reviewees",
        "Start the appraisal year for all {count} of your reviewees",
        "Start the appraisal year",
        "The appraisal year has started for {count} {people}.",
    ),
    "review": BulkMove(
        CycleState.ACTIVE,
        CycleState.REVIEW,
        "Begin the annual review for your reviewees",
        "Begin the annual review for all {count} of your reviewees",
        "Begin the annual review",
        "The annual review has begun for {count} {people}.",
    ),
}


def bulk_candidates(principal: Principal, move: BulkMove) -> list[AppraisalCycle]:
    """The cycles this person reviews that are at the move's first stage, of people still
    employed, by name."""
    staff = principal.staff
    if staff is None or principal.trust_id is None:
        return []
    today = timezone.localdate()
    return list(
        AppraisalCycle.objects.filter(
            trust_id=principal.trust_id, reviewer_id=staff.pk, state=move.source
        )
        .exclude(appraisee__left_on__lte=today)
        .select_related("appraisee", "policy_version", "academy")
        .order_by("appraisee__last_name", "appraisee__first_name", "pk")
    )


class BulkMoveForm(PlainTextMixin, forms.Form):
    cycles = forms.MultipleChoiceField(
        label="Who to move",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one person.",
            "invalid_choice": "Select only people listed here.",
        },
    )

    def __init__(self, *args: object, candidates: list[AppraisalCycle], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["cycles"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [
            (str(c.pk), f"{c.appraisee.full_name}, appraisal {c.period_label}") for c in candidates
        ]
        field.initial = [str(c.pk) for c in candidates]


@dataclass(frozen=True)
class Refused:
    cycle: AppraisalCycle
    reason: str


@login_required
@require_http_methods(["GET", "POST"])
def bulk_move(request: HttpRequest, move: str) -> HttpResponse:
    spec = BULK_MOVES.get(move)
    principal = principal_for(request.user)  # type: ignore[arg-type]
    if spec is None or not principal.is_authenticated or principal.staff is None:
        raise Http404("No such page.")
    candidates = bulk_candidates(principal, spec)
    by_id = {str(c.pk): c for c in candidates}
    form = BulkMoveForm(request.POST if request.method == "POST" else None, candidates=candidates)
    context: dict[str, object] = {
        "spec": spec,
        "move": move,
        "form": form,
        "candidates": candidates,
    }
    if request.method == "POST" and form.is_valid():
        moved: list[AppraisalCycle] = []
        refused: list[Refused] = []
        for pk in form.cleaned_data["cycles"]:
            cycle = by_id[pk]
            try:
                services.cycle_transition(cycle=cycle, to=spec.target, actor=request.user)  # type: ignore[arg-type]
            except services.CycleError as exc:
                refused.append(Refused(cycle, str(exc)))
            else:
                moved.append(cycle)
        if moved:
            people = "person" if len(moved) == 1 else "people"
            messages.success(request, spec.done.format(count=len(moved), people=people))
        context.update(moved=moved, refused=refused, finished=True)
        return render(request, "cycles/bulk_move.html", context)
    return render(request, "cycles/bulk_move.html", context, status=400 if form.errors else 200)
