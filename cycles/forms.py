"""Forms for the cycle pages. They only read and check input; services make the changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from appraisal_site.forms import PlainTextMixin
from organisation.models import Academy, StaffMember
from submissions.guard import SubmitOnceMixin

from . import order, permissions
from .models import AppraisalCycle
from .rules import academic_year_of
from .services import GRANT_PERMISSIONS

WHOLE_TRUST = "trust"
# Years offered when opening cycles: the one running, the one before and the next.
YEARS_BACK, YEARS_AHEAD = 1, 1
# Dates far from now are typing slips.
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099


class DateInput(forms.DateInput):
    """A native date picker; typing 31/08/2027 into a plain text box also works."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _check_year(value: dt.date | None) -> None:
    if value is not None and not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise forms.ValidationError(f"Enter a date between {EARLIEST_YEAR} and {LATEST_YEAR}.")


def year_label(year: int) -> str:
    return f"{year} to {year + 1}"


class OpenCyclesForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    where = forms.ChoiceField(
        label="Open cycles for",
        help_text="Opening the whole trust runs in the background: its page shows progress.",
    )
    year = forms.TypedChoiceField(
        label="Appraisal year",
        coerce=int,
        help_text="Every cycle that starts in this year, from 1 September to 31 August "
        "(a January or June cycle opens in the year it starts).",
    )
    # Asked only when the year starts more than a term from now (cycles.order): shown,
    # with the warning, once the first try is refused.
    confirm_early = forms.BooleanField(
        label="Yes, open this year's cycles now",
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(
        self, *args: Any, academies: QuerySet[Academy], whole_trust: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(WHOLE_TRUST, "The whole trust")] if whole_trust else []
        choices += [(str(a.pk), a.name) for a in academies]
        self.fields["where"].choices = choices  # type: ignore[attr-defined]
        self._academies = {str(a.pk): a for a in academies}
        current = academic_year_of(timezone.localdate())
        years = range(current - YEARS_BACK, current + YEARS_AHEAD + 1)
        self.fields["year"].choices = [  # type: ignore[attr-defined]
            (y, year_label(y)) for y in years
        ]
        self.fields["year"].initial = current

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        year = cleaned.get("year")
        starts = (
            order.opening_is_early(today=timezone.localdate(), year=year)
            if isinstance(year, int)
            else None
        )
        if starts is not None and not cleaned.get("confirm_early"):
            field = self.fields["confirm_early"]
            field.widget = forms.CheckboxInput()
            field.help_text = (
                f"{year_label(year)} starts on {order.long_date(starts)}, more than a term "  # type: ignore[arg-type]
                "from now. Opening it early fixes each person's reviewer and policy version "
                "now; staff changes before then are not picked up."
            )
            self.add_error(
                "confirm_early",
                f"{year_label(year)} starts on {order.long_date(starts)}: "  # type: ignore[arg-type]
                "confirm you want to open its cycles now.",
            )
        return cleaned

    def academy(self) -> Academy | None:
        """The chosen academy, or None for the whole trust (after ``is_valid``)."""
        return self._academies.get(self.cleaned_data["where"])


class TransitionForm(PlainTextMixin, forms.Form):
    to = forms.CharField(max_length=12)
    reason = forms.CharField(max_length=12, required=False)
    note = forms.CharField(max_length=200, required=False, strip=True)


class ChangeReviewerForm(PlainTextMixin, forms.Form):
    reviewer = forms.ModelChoiceField(
        label="New reviewer",
        queryset=StaffMember.objects.none(),
        empty_label="Choose a reviewer",
        help_text="Staff at the academy the member of staff now works at.",
    )
    reason = forms.CharField(
        label="Why the reviewer is changing",
        max_length=200,
        help_text="For example, moved to Ash Secondary in January.",
    )

    def __init__(self, *args: Any, cycle: AppraisalCycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: forms.ModelChoiceField = self.fields["reviewer"]  # type: ignore[assignment]
        field.queryset = (
            StaffMember.objects.current()
            .filter(trust_id=cycle.trust_id, academy_id=cycle.appraisee.academy_id)
            .exclude(pk=cycle.appraisee_id)
            .order_by("last_name", "first_name")
        )
        field.label_from_instance = _staff_label  # type: ignore[method-assign,assignment]
        field.queryset = field.queryset.select_related("job_role")


class FirstPeriodForm(PlainTextMixin, forms.Form):
    ends_on = forms.DateField(
        label="Last day of the first cycle",
        widget=DateInput(),
        validators=[_check_year],
        help_text="For example 31/08/2027, to end with everyone else's cycle.",
    )
    reason = forms.CharField(
        label="Why it ends on this date",
        max_length=200,
        help_text="For example, joined in January: first cycle aligned with the academy's.",
    )


class GrantAccessForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    email = forms.EmailField(
        label="Email address of their account",
        help_text="They need an account in this trust. Ask the trust administrator to set "
        "one up for an external adviser. A committee member is a governor of the academy.",
    )
    permission = forms.ChoiceField(
        label="What they may do", choices=list(GRANT_PERMISSIONS.items()), widget=forms.RadioSelect
    )
    expires_on = forms.DateField(
        label="Access ends on",
        widget=DateInput(),
        validators=[_check_year],
        help_text="They lose access at the start of this day.",
    )
    reason = forms.CharField(
        label="Why they need access",
        max_length=300,
        help_text="For example, external adviser for the headteacher's review.",
    )

    def __init__(self, *args: Any, cycle: AppraisalCycle, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.user: User | None = None
        headteacher = cycle.policy_version.rules.headteacher
        if not permissions.adviser_offered(headteacher):
            # The policy has no external adviser: the choice is not offered at all.
            field = self.fields["permission"]
            field.choices = [  # type: ignore[attr-defined]
                (key, label)
                for key, label in GRANT_PERMISSIONS.items()
                if key != permissions.ADVISER_GRANT
            ]
        size = headteacher.committee_size
        hints = [f"The policy's review committee has {size} member{'s' if size != 1 else ''}"]
        if headteacher.committee_includes:
            hints[0] += ", always including " + ", ".join(headteacher.committee_includes)
        if permissions.adviser_offered(headteacher) and headteacher.adviser_appointed_by:
            hints.append(
                "The policy says the external adviser is appointed by: "
                + headteacher.adviser_appointed_by
            )
        self.fields["permission"].help_text = ". ".join(hints) + "."

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        self.user = User.objects.filter(
            trust_id=self.cycle.trust_id, email__iexact=email, is_active=True
        ).first()
        if self.user is None:
            raise forms.ValidationError("There is no account with that email in this trust.")
        if self.user.pk == getattr(self.cycle.appraisee, "user_id", None):
            raise forms.ValidationError("This is the member of staff's own account.")
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        permission = data.get("permission")
        if self.user is not None and permission and "email" not in self.errors:
            # Who each kind of grant is for, and on which cycles: the same rule the
            # service applies, shown next to the choice it is about.
            refusal = permissions.access_grant_refusal(
                cycle=self.cycle, user=self.user, permission=permission
            )
            if refusal is not None:
                self.add_error("permission", refusal)
        return data

    def clean_expires_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["expires_on"]
        if value <= timezone.localdate():
            raise forms.ValidationError("The access must end after today.")
        return value

    def expires_at(self) -> dt.datetime:
        day: dt.date = self.cleaned_data["expires_on"]
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _staff_label(obj: Any) -> str:
    return f"{obj.full_name}, {obj.job_role.name}"


# The longest a committee member or adviser keeps access after the cycle's last day: the
# leader's review and statement fall due in the months after the year it looks back on.
ACCESS_AFTER_CYCLE_END = dt.timedelta(days=366)


def _access_end(value: dt.date, cycle: AppraisalCycle) -> dt.date:
    if value <= timezone.localdate():
        raise forms.ValidationError("The access must end after today.")
    latest = cycle.ends_on + ACCESS_AFTER_CYCLE_END
    if value > latest:
        raise forms.ValidationError(
            f"The access must end by {latest.day} {latest:%B %Y}, a year after this "
            "appraisal's last day."
        )
    return value


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class CommitteeForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    """The whole review committee of a leader's cycle, chosen among its candidates."""

    members = forms.MultipleChoiceField(
        label="Members of the review committee",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the members of the review committee."},
    )
    expires_on = forms.DateField(
        label="The committee's access ends on",
        widget=DateInput(),
        validators=[_check_year],
        help_text="They lose access at the start of this day: after the review and "
        "statement are done.",
    )

    def __init__(
        self, *args: Any, cycle: AppraisalCycle, candidates: list[Any], hint: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self._users = {str(c.user.pk): c.user for c in candidates}
        field = self.fields["members"]
        field.choices = [  # type: ignore[attr-defined]
            (str(c.user.pk), f"{c.facts.name} ({c.described})") for c in candidates
        ]
        field.help_text = hint

    def clean_expires_on(self) -> dt.date:
        return _access_end(self.cleaned_data["expires_on"], self.cycle)

    def chosen(self) -> list[User]:
        return [self._users[pk] for pk in self.cleaned_data["members"]]

    def expires_at(self) -> dt.datetime:
        return _aware(self.cleaned_data["expires_on"])


class AdviserForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    email = forms.EmailField(
        label="Email address of the adviser's account",
        help_text="They need an account in this trust: ask the trust administrator to set "
        "one up. A governor or trustee cannot be the adviser.",
    )
    expires_on = forms.DateField(
        label="The adviser's access ends on",
        widget=DateInput(),
        validators=[_check_year],
        help_text="They lose access at the start of this day.",
    )
    suitability = forms.CharField(
        label="Why this adviser is suitable",
        max_length=240,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Their skills, experience and independence from the academy.",
    )

    def __init__(self, *args: Any, cycle: AppraisalCycle, appointed_by: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.user: User | None = None
        if appointed_by:
            self.fields["suitability"].help_text = (
                f"The policy says the adviser is appointed by: {appointed_by}. "
                + self.fields["suitability"].help_text
            )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        self.user = User.objects.filter(
            trust_id=self.cycle.trust_id, email__iexact=email, is_active=True
        ).first()
        if self.user is None:
            raise forms.ValidationError("There is no account with that email in this trust.")
        refusal = permissions.access_grant_refusal(
            cycle=self.cycle, user=self.user, permission=permissions.ADVISER_GRANT
        )
        if refusal is not None:
            raise forms.ValidationError(refusal)
        return email

    def clean_expires_on(self) -> dt.date:
        return _access_end(self.cleaned_data["expires_on"], self.cycle)

    def expires_at(self) -> dt.datetime:
        return _aware(self.cleaned_data["expires_on"])
