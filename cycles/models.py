"""The appraisal cycle: one per member of staff per appraisal year, pinned to a policy version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from guardian.models import UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from organisation.models import Academy, StaffMember, Trust
from policies.models import PolicyVersion


class CycleState(models.TextChoices):
    PLANNING = "planning", "Planning"
    ACTIVE = "active", "Active"
    REVIEW = "review", "Annual review"
    CLOSED = "closed", "Closed"
    SUSPENDED = "suspended", "Suspended"


# The stages a suspended cycle can return to (listed, not computed, so migrations are stable).
_RESUMABLE = ["planning", "active", "review"]


class SuspensionReason(models.TextChoices):
    CAPABILITY = "capability", "The capability procedure applies"
    GRIEVANCE = "grievance", "A grievance is being dealt with"


class AppraisalCycle(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="cycles")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="cycles")
    appraisee = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="cycles")
    reviewer = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cycles_reviewed",
    )
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField()
    ends_on = models.DateField()
    state = models.CharField(max_length=12, choices=CycleState.choices, default=CycleState.PLANNING)
    is_headteacher_cycle = models.BooleanField(
        default=False,
        help_text="The headteacher's own appraisal: reviewed by governors, not the academy.",
    )
    part_year_start = models.BooleanField(
        default=False,
        help_text="The first cycle of someone who joined part-way through the year.",
    )
    suspended_from = models.CharField(
        max_length=12,
        choices=CycleState.choices,
        blank=True,
        help_text="While suspended: the stage the cycle resumes at.",
    )
    suspension_reason = models.CharField(
        max_length=12, choices=SuspensionReason.choices, blank=True
    )
    suspended_at = models.DateTimeField(null=True, blank=True)
    review_begun_early_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text="Why the annual review began before the policy's window opened.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="cycle_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["appraisee", "starts_on"], name="one_cycle_per_person_per_start"
            ),
            models.CheckConstraint(
                condition=models.Q(state="suspended", suspended_from__in=_RESUMABLE)
                | (~models.Q(state="suspended") & models.Q(suspended_from="")),
                name="cycle_suspended_knows_where_to_resume",
            ),
        ]
        indexes = [
            models.Index(fields=["trust", "academy", "state"]),
            models.Index(fields=["trust", "ends_on"]),
        ]
        permissions = [
            ("view_cycle_as_adviser", "Read one cycle as its external adviser"),
            ("review_headteacher_cycle", "Review a headteacher's cycle (review committee)"),
        ]

    def __str__(self) -> str:
        return f"{self.appraisee} {self.starts_on:%Y}-{self.ends_on:%y}"

    @property
    def period_label(self) -> str:
        """The year in words: "2026 to 2027", or "2027" for a January to December year."""
        if self.starts_on.year == self.ends_on.year:
            return str(self.starts_on.year)
        return f"{self.starts_on.year} to {self.ends_on.year}"


class CycleAccessGrant(models.Model):
    """An exception to the relationship rules: one person granted one cycle until a date
    (an external adviser, a member of the headteacher's review committee, a moderator)."""

    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    permission = models.CharField(max_length=40)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(max_length=300)
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    def __str__(self) -> str:
        return f"{self.user} on {self.cycle} until {self.expires_at:%d %b %Y}"


class CycleUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE)
    grant = models.ForeignKey(
        CycleAccessGrant, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )


class OpeningStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Opening cycles"
    DONE = "done", "Finished"
    FAILED = "failed", "Stopped with an error"


class CycleOpening(models.Model):
    """One request to open a year's cycles for an academy or the whole trust, and its
    outcome: how many were opened, how many were already open, and who was left out and why.

    A whole trust is opened in the background; this row is what the page shows meanwhile."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="cycle_openings")
    academy = models.ForeignKey(
        Academy,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="cycle_openings",
        help_text="Empty for the whole trust.",
    )
    year = models.PositiveSmallIntegerField(help_text="The academic year, by its first year.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=OpeningStatus.choices, default=OpeningStatus.QUEUED
    )
    created_count = models.PositiveIntegerField(default=0)
    already_open_count = models.PositiveIntegerField(default=0)
    excluded_count = models.PositiveIntegerField(default=0)
    # [{"staff_id", "name", "academy", "reason", "label", "detail"}], sorted by academy, name.
    excluded = models.JSONField(default=list, blank=True)
    # [{"staff_id", "name", "academy"}]: cycles opened with nobody to review them yet.
    without_reviewer = models.JSONField(default=list, blank=True)
    error = models.CharField(max_length=300, blank=True)
    confirmed_early = models.BooleanField(
        default=False,
        help_text="The person opening confirmed opening the year more than a term ahead.",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["trust", "-requested_at"])]

    def __str__(self) -> str:
        where = self.academy or self.trust
        return f"Opening {self.year} to {self.year + 1} for {where}"

    @property
    def year_label(self) -> str:
        return f"{self.year} to {self.year + 1}"

    @property
    def is_finished(self) -> bool:
        return self.status in (OpeningStatus.DONE, OpeningStatus.FAILED)
