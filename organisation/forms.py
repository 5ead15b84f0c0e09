"""Forms for the organisation pages. They check input; the services make the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.utils import timezone

from appraisal_site.forms import PlainTextMixin
from submissions.guard import SubmitOnceMixin

from . import permissions, selectors
from .imports import MAX_IMPORT_BYTES
from .models import (
    ACADEMY_ROLES,
    Academy,
    Role,
    StaffGroup,
    StaffMember,
    Trust,
)
from .principal import Principal

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SELF_GRANT_MESSAGE = (
    "You cannot give yourself a role. Ask another trust administrator, or HR, to do it."
)


class TrustForm(PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Trust
        fields = ["name"]
        labels = {"name": "Trust name"}


class AcademyForm(SubmitOnceMixin, PlainTextMixin, forms.ModelForm):
    class Meta:
        model = Academy
        fields = ["name", "urn", "is_central_team"]
        labels = {"name": "Academy name", "is_central_team": "This is the trust's central team"}

    def __init__(self, *args: Any, trust: Trust, **kwargs: Any) -> None:
        self.trust = trust
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        others = Academy.objects.filter(trust=self.trust).exclude(pk=self.instance.pk)
        if others.filter(name__iexact=name).exists():
            raise forms.ValidationError(f"The trust already has an academy called {name}.")
        return name

    def clean_is_central_team(self) -> bool:
        central = bool(self.cleaned_data["is_central_team"])
        others = Academy.objects.filter(trust=self.trust).exclude(pk=self.instance.pk)
        if central and others.filter(is_central_team=True).exists():
            raise forms.ValidationError(
                "The trust already has a central team: untick it there first."
            )
        return central


class StaffMemberForm(SubmitOnceMixin, PlainTextMixin, forms.ModelForm):
    job_title = forms.CharField(
        max_length=120,
        help_text='As the trust names the post, e.g. "Class teacher". A new title is added '
        "to the trust's job roles.",
    )

    class Meta:
        model = StaffMember
        fields = [
            "first_name",
            "last_name",
            "email",
            "staff_number",
            "academy",
            "job_title",
            "staff_group",
            "has_qts",
            "pay_range",
            "pay_point",
            "pay_point_since",
            "contract_type",
            "contract_end_date",
            "start_date",
            "left_on",
            "is_ect",
            "probation_ends_on",
        ]
        widgets = {
            "contract_end_date": DATE_WIDGET,
            "start_date": DATE_WIDGET,
            "pay_point_since": DATE_WIDGET,
            "left_on": DATE_WIDGET,
            "probation_ends_on": DATE_WIDGET,
        }
        labels = {"email": "Work email address", "academy": "Academy or central team"}

    def __init__(self, *args: Any, trust: Trust, **kwargs: Any) -> None:
        self.trust = trust
        super().__init__(*args, **kwargs)
        self.fields["academy"].queryset = Academy.objects.filter(trust=trust)  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            self.initial["job_title"] = self.instance.job_role.name

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        holder = self._other_staff().filter(email__iexact=email).first()
        if holder is not None:
            raise forms.ValidationError(
                f"{email} is already the email of {holder.full_name} "
                f"(staff number {holder.staff_number}). Each person needs their own."
            )
        account = get_user_model().objects.filter(email__iexact=email).first()
        own_user_id = self.instance.user_id if self.instance.pk else None
        if account is not None and account.pk != own_user_id:
            if own_user_id is not None:
                # Moving this person's sign-in onto an address someone signs in with: said
                # the same way wherever that account is.
                raise forms.ValidationError(f"{email} is already someone's sign-in address.")
            if account.trust_id == self.trust.pk:  # type: ignore[attr-defined]
                refusal = selectors.account_adoption_refusal(
                    user=account,  # type: ignore[arg-type]
                    staff=self.instance if self.instance.pk else None,
                )
                if refusal is not None:
                    raise forms.ValidationError(refusal)
            # Another trust's account: no error, so the page answers as for a new address
            # (the record is added without a sign-in; see ``services.staff_create``).
        return email

    def clean_staff_number(self) -> str:
        number = self.cleaned_data["staff_number"].strip()
        holder = self._other_staff().filter(staff_number__iexact=number).first()
        if holder is not None:
            raise forms.ValidationError(
                f"Staff number {number} already belongs to {holder.full_name}."
            )
        return number

    def _other_staff(self) -> Any:
        return StaffMember.objects.filter(trust=self.trust).exclude(pk=self.instance.pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("start_date")
        if start and data.get("contract_end_date") and data["contract_end_date"] < start:
            self.add_error("contract_end_date", "The contract end date must be after the start.")
        if start and data.get("left_on") and data["left_on"] < start:
            self.add_error("left_on", "The leaving date must be after the start date.")
        return data

    def staff_fields(self) -> dict[str, Any]:
        """The cleaned values the staff services take (everything but the job title)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "job_title"}


class LineManagerForm(PlainTextMixin, forms.Form):
    manager = forms.ModelChoiceField(
        queryset=StaffMember.objects.none(),
        required=False,
        empty_label="No line manager",
        label="Line manager",
        help_text="Staff of the same academy, the trust's leaders and the central team.",
    )
    manager_staff_number = forms.CharField(
        required=False,
        max_length=30,
        label="Or enter the line manager's staff number",
        help_text="For anyone in the trust who is not in the list. This takes priority.",
    )

    def __init__(self, *args: Any, staff: StaffMember, candidates: Any, **kwargs: Any) -> None:
        self.staff = staff
        super().__init__(*args, **kwargs)
        field = self.fields["manager"]
        field.queryset = candidates  # type: ignore[attr-defined]
        field.label_from_instance = (  # type: ignore[attr-defined]
            lambda s: f"{s.full_name} ({s.staff_number}, {s.academy.name})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = (data.get("manager_staff_number") or "").strip()
        if number:
            manager = StaffMember.objects.filter(
                trust_id=self.staff.trust_id, staff_number__iexact=number
            ).first()
            if manager is None:
                self.add_error(
                    "manager_staff_number", f"No one in the trust has staff number {number}."
                )
            data["manager"] = manager
        return data


class InvitationResendForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    """Nothing to fill in: the one-time token keeps a double click to one email."""


class RoleDecisionForm(PlainTextMixin, forms.Form):
    """Approve or decline a role waiting for approval: the page's two buttons."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        error_messages={"required": "Choose whether to approve or decline the role."},
    )


class StaffImportForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Up to 2 MB. Save it from your MIS or spreadsheet as CSV UTF-8.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB: it must be 2 MB or smaller. "
                "Split it into several files and upload each one."
            )
        return upload


class StaffFilterForm(PlainTextMixin, forms.Form):
    q = forms.CharField(
        required=False, label="Search", help_text="Name, staff number or email address."
    )
    academy = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Academy")
    staff_group = forms.ChoiceField(required=False, label="Staff group")
    leavers = forms.BooleanField(required=False, label="Include people who have left")

    def __init__(self, *args: Any, academies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["academy"].choices = [  # type: ignore[attr-defined]
            ("", "All academies"),
            *[(a.pk, a.name) for a in academies],
        ]
        self.fields["staff_group"].choices = [  # type: ignore[attr-defined]
            ("", "All staff groups"),
            *StaffGroup.choices,
        ]


class RoleGrantForm(SubmitOnceMixin, PlainTextMixin, forms.Form):
    person = forms.CharField(
        max_length=254,
        label="Person",
        help_text="Their staff number or email address.",
    )
    role = forms.ChoiceField(label="Role")
    academy = forms.ModelChoiceField(
        queryset=Academy.objects.none(),
        required=False,
        label="Academy",
        empty_label="Not at one academy (trust-wide roles)",
        help_text="Needed for headteacher, delegated appraisal lead and governor.",
    )
    until = forms.DateField(
        required=False,
        widget=DATE_WIDGET,
        label="Last day of the role",
        help_text="Leave empty for no end date.",
    )
    reason = forms.CharField(
        max_length=300, required=False, label="Reason", help_text="Kept with the record."
    )
    first_name = forms.CharField(
        max_length=150,
        required=False,
        label="First name",
        help_text="Only for someone who is not on the staff list (a governor, for example).",
    )
    last_name = forms.CharField(max_length=150, required=False, label="Last name")

    def __init__(self, *args: Any, principal: Principal, **kwargs: Any) -> None:
        self.principal = principal
        super().__init__(*args, **kwargs)
        roles = permissions.grantable_roles(principal)
        self.fields["role"].choices = [(r.value, r.label) for r in roles]  # type: ignore[attr-defined]
        assert principal.trust_id is not None
        academies = Academy.objects.filter(trust_id=principal.trust_id)
        if not principal.is_trust_admin:
            academies = academies.filter(pk__in=permissions.headteacher_academy_ids(principal))
            self.fields["academy"].required = True
            self.fields["until"].help_text = "The delegation ends after this day."
            del self.fields["first_name"]
            del self.fields["last_name"]
        self.fields["academy"].queryset = academies  # type: ignore[attr-defined]

    def clean_until(self) -> dt.date | None:
        until = self.cleaned_data.get("until")
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError("The last day of the role cannot be in the past.")
        return until

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        role = data.get("role")
        academy = data.get("academy")
        if role:
            if Role(role) in ACADEMY_ROLES and academy is None:
                self.add_error("academy", f"Choose the academy for {Role(role).label}.")
            elif Role(role) not in ACADEMY_ROLES and academy is not None:
                self.add_error(
                    "academy", f"{Role(role).label} is held across the trust: choose no academy."
                )
        person = (data.get("person") or "").strip()
        if person:
            self._resolve_person(person, data)
            staff, user = data.get("staff"), data.get("user")
            own = self.principal.user_id
            if (staff is not None and staff.user_id == own) or (
                user is not None and user.pk == own
            ):
                self.add_error("person", SELF_GRANT_MESSAGE)
        return data

    def _resolve_person(self, person: str, data: dict[str, Any]) -> None:
        """Find the staff member or account meant; a new email may make a non-staff account."""
        staff_qs = permissions.visible_staff(self.principal)
        staff = (
            staff_qs.filter(staff_number__iexact=person).first()
            or staff_qs.filter(email__iexact=person).first()
        )
        data["staff"], data["user"] = staff, None
        if staff is not None:
            return
        if not self.principal.is_trust_admin:
            self.add_error("person", f"No member of staff at your academy matches {person}.")
            return
        try:
            validate_email(person)
        except forms.ValidationError:
            self.add_error("person", f"No member of staff has staff number {person}.")
            return
        # Only this trust's accounts: another trust's is answered like an unknown address.
        user = (
            get_user_model()
            .objects.filter(email__iexact=person, trust_id=self.principal.tenant_id)
            .first()
        )
        if user is not None:
            data["user"] = user
            return
        if not data.get("first_name") or not data.get("last_name"):
            self.add_error(
                "first_name",
                f"No one in the trust has the email {person}. To make them a sign-in "
                "account, enter their first and last name.",
            )
