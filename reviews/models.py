"""Observations, evidence, the annual review and moderation, all hanging off a cycle.

Every row carries the cycle's ``trust`` so that a query can be scoped to the trust before
anything else, and every child is reached through its cycle (``cycles.permissions``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cycles.models import AppraisalCycle
from organisation.models import Academy, JobRole, StaffMember, Trust

# ----- Observations -------------------------------------------------------------------


class ObservationKind(models.TextChoices):
    """What kind of observation this was. Several map onto the policy schema's
    ``ObservationType`` (the kinds a policy may rule out for appraisal): see
    ``reviews.rules.SCHEMA_TYPE_FOR_KIND``."""

    FORMAL = "formal", "Formal observation"
    WORK_OBSERVATION = "work_observation", "Work observation (outside the classroom)"
    DROP_IN = "drop_in", "Short drop-in visit"
    LEARNING_WALK = "learning_walk", "Learning walk or visit"
    EXTERNAL = "external", "External adviser's observation"
    OFSTED_INSPECTION = "ofsted_inspection", "Ofsted inspection observation"
    OTHER_MONITORING = "other_monitoring", "Other professional monitoring"


class Observation(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="observations")
    observer = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    observed_at = models.DateTimeField()
    duration_minutes = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=ObservationKind.choices)
    focus = models.CharField(max_length=300, blank=True)
    advance_notice_given = models.BooleanField(default=False)
    concerns_arose = models.BooleanField(
        default=False, help_text="For a learning walk: concerns arose about the standards."
    )
    # Decided when the observation is recorded, from the policy pinned to the cycle, so the
    # statement and the review always agree with what the page said at the time.
    usable_for_appraisal = models.BooleanField(default=True)
    not_usable_reason = models.CharField(max_length=300, blank=True)
    verbal_feedback_due_at = models.DateTimeField(null=True, blank=True)
    written_feedback_due_at = models.DateTimeField(null=True, blank=True)
    feedback_due_at = models.DateTimeField(
        null=True, blank=True, help_text="For policies that set one feedback deadline in hours."
    )
    verbal_feedback_at = models.DateTimeField(null=True, blank=True)
    written_feedback_at = models.DateTimeField(null=True, blank=True)
    feedback_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["observed_at", "pk"]
        indexes = [models.Index(fields=["trust", "cycle", "observed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0), name="observation_has_length"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.observed_at:%d %b %Y}"


# ----- Evidence -----------------------------------------------------------------------


class EvidenceKind(models.TextChoices):
    NOTE = "note", "Note"
    FILE = "file", "File"


class Evidence(models.Model):
    """A note or an uploaded file, attached to the cycle and optionally one objective.

    Files live under MEDIA_ROOT with a random name and are only ever served by the
    access-checked download view; ``content_type`` is what the content was found to be,
    never what the uploader's browser or file name claimed."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="evidence")
    objective = models.ForeignKey(
        "objectives.Objective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_evidence",
        help_text="The objective this evidence supports; empty for the year as a whole.",
    )
    kind = models.CharField(max_length=8, choices=EvidenceKind.choices)
    title = models.CharField(max_length=200)
    note = models.TextField(blank=True)
    file = models.FileField(upload_to="evidence/", max_length=200, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=120, blank=True)
    extension = models.CharField(max_length=8, blank=True)
    size_bytes = models.PositiveBigIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    # Changed (its title, note or file replaced) or withdrawn before the review was
    # completed (``reviews.services.evidence_change`` / ``evidence_withdraw``). A withdrawn
    # piece is kept, without its file, so the history says what was there and why it went.
    changed_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    withdrawal_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "pk"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["trust", "cycle"])]

    def __str__(self) -> str:
        return self.title


# ----- Standards (reference data) -------------------------------------------------------


class Framework(models.TextChoices):
    TEACHERS = "teachers", "Teachers' Standards"
    HEADTEACHERS = "headteachers", "Headteachers' Standards (2020)"
    KEY_ACCOUNTABILITIES = "accountabilities", "Key accountabilities of the role"


class Standard(models.Model):
    """One standard a person is assessed against (loaded by a data migration).

    ``assessed`` is False for text shown for reference only (the Teachers' Standards
    preamble)."""

    framework = models.CharField(max_length=20, choices=Framework.choices)
    part = models.CharField(max_length=120, help_text="Part or domain, e.g. 'Part One: Teaching'.")
    code = models.CharField(max_length=12)
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField()
    assessed = models.BooleanField(default=True)

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="standard_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class JobRoleAccountability(models.Model):
    """A key accountability of a support-staff job role, entered by the trust; the review
    copies them so a later change to the role does not rewrite an old review."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="+")
    job_role = models.ForeignKey(JobRole, on_delete=models.CASCADE, related_name="accountabilities")
    text = models.CharField(max_length=300)
    position = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["job_role", "position", "pk"]

    def __str__(self) -> str:
        return self.text


# ----- The annual review --------------------------------------------------------------


class Outcome(models.TextChoices):
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"


class AnnualReview(models.Model):
    """The end-of-year review of one cycle: the reviewer's assessment and the appraisee's
    comments. ``version`` goes up on every save so a stale form is refused, not applied."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    cycle = models.OneToOneField(
        AppraisalCycle, on_delete=models.CASCADE, related_name="annual_review"
    )
    framework = models.CharField(max_length=20, choices=Framework.choices)
    evidence_summary = models.TextField(blank=True)
    overview = models.TextField(blank=True, help_text="The extent to which targets were achieved.")
    development_needs = models.TextField(blank=True)
    training = models.TextField(blank=True)
    pay_reference = models.TextField(blank=True)
    next_objectives = models.TextField(blank=True)
    monitoring_plan = models.TextField(blank=True)
    appraisee_comments = models.TextField(blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    # Where the policy sends the headteacher a copy (``review.copy_to_headteacher``): when
    # it went, who read it, and any adjustment they made to objectives or support.
    headteacher_copy_at = models.DateTimeField(null=True, blank=True)
    headteacher_read_at = models.DateTimeField(null=True, blank=True)
    headteacher_read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    headteacher_adjusted_at = models.DateTimeField(null=True, blank=True)
    headteacher_adjusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    headteacher_adjustment = models.TextField(
        blank=True, help_text="What the headteacher changed and why."
    )
    # The last time the completed review was reopened to be changed, by whom and why
    # (``reviews.services.review_reopen``); each earlier reopening is in the history.
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reopen_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        indexes = [models.Index(fields=["trust", "completed_at"])]

    def __str__(self) -> str:
        return f"Annual review of {self.cycle}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class StatementAudience(models.TextChoices):
    """What differs between readers' copies of a statement: the overview, which a policy
    may keep on file rather than share with the member of staff (leger §12)."""

    WITH_OVERVIEW = "with_overview", "With the overview"
    WITHOUT_OVERVIEW = "without_overview", "Without the overview"


class StatementFile(models.Model):
    """A completed review's statement PDF as laid out, kept so that a download serves it
    instead of laying it out again. One per distinct copy (``audience``).

    ``fingerprint`` is a digest of everything the copy shows: a stored file is served only
    to a reader whose own copy has the same digest, so a change to anything it shows (a
    comment, an adjustment, evidence, the statement's contents) lays it out anew, and no
    reader is ever given a copy that shows more than theirs (nor a stored file whose bytes
    are not the ones laid out for the row). Files have a random name, are
    never reachable by URL, and go with the review when the retention purge destroys it."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(
        AnnualReview, on_delete=models.CASCADE, related_name="statement_files"
    )
    audience = models.CharField(max_length=20, choices=StatementAudience.choices)
    fingerprint = models.CharField(max_length=64)
    file = models.FileField(upload_to="statements/", max_length=200)
    # The digest of the stored bytes: a file that is not the one laid out is never served.
    file_sha256 = models.CharField(max_length=64)
    rendered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "audience"], name="one_statement_file_per_audience"
            ),
        ]

    def __str__(self) -> str:
        return f"Statement ({self.get_audience_display()}) of {self.review}"


class ObjectiveAssessment(models.Model):
    review = models.ForeignKey(
        AnnualReview, on_delete=models.CASCADE, related_name="objective_assessments"
    )
    # Kept if the objective is later removed: the assessment and its wording stay on record.
    objective = models.ForeignKey(
        "objectives.Objective",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_assessments",
    )
    objective_title = models.CharField(
        max_length=500, help_text="The objective's wording when it was assessed."
    )
    position = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "objective"], name="one_assessment_per_objective"
            ),
        ]

    def __str__(self) -> str:
        return self.objective_title


class StandardAssessment(models.Model):
    """One standard (or, for support staff, one key accountability) and its assessment."""

    review = models.ForeignKey(
        AnnualReview, on_delete=models.CASCADE, related_name="standard_assessments"
    )
    standard = models.ForeignKey(Standard, on_delete=models.PROTECT, null=True, blank=True)
    accountability = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    outcome = models.CharField(max_length=12, choices=Outcome.choices, blank=True)
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(standard__isnull=False, accountability="") | Q(standard__isnull=True))
                & ~Q(standard__isnull=True, accountability=""),
                name="standard_or_accountability",
            ),
        ]

    def __str__(self) -> str:
        return self.accountability or str(self.standard)

    @property
    def label(self) -> str:
        if self.standard is not None:
            return f"{self.standard.code} {self.standard.title}"
        return self.accountability


# ----- Moderation ---------------------------------------------------------------------


class ModerationKind(models.TextChoices):
    STATEMENTS = "statements", "Review statements (consistency and fairness)"
    OBJECTIVES = "objectives", "Objectives (alignment with improvement plans)"


class ModerationSample(models.Model):
    """A random sample of one academy's reviews or objectives for one year, drawn once and
    stored: the seed and the population size let anyone redraw and check it."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(help_text="Academic year starting in September.")
    kind = models.CharField(max_length=12, choices=ModerationKind.choices)
    requested_size = models.PositiveSmallIntegerField()
    population_size = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        indexes = [models.Index(fields=["trust", "academy", "year"])]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} {self.year}/{(self.year + 1) % 100:02d} at {self.academy}"
        )

    @property
    def year_label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"


class ModerationOutcome(models.TextChoices):
    PENDING = "pending", "Not yet moderated"
    CONSISTENT = "consistent", "Consistent"
    NEEDS_CHANGE = "needs_change", "Needs change"


class Alignment(models.TextChoices):
    ALIGNED = "aligned", "Aligned with the improvement plans"
    PARTLY = "partly", "Partly aligned"
    NOT_ALIGNED = "not_aligned", "Not aligned"


class ModerationItem(models.Model):
    sample = models.ForeignKey(ModerationSample, on_delete=models.CASCADE, related_name="items")
    cycle = models.ForeignKey(AppraisalCycle, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField()
    outcome = models.CharField(
        max_length=12, choices=ModerationOutcome.choices, default=ModerationOutcome.PENDING
    )
    note = models.TextField(blank=True)
    # Asked where the cycle's policy checks objectives for alignment (langley §5).
    objectives_aligned = models.CharField(max_length=12, choices=Alignment.choices, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["sample", "position"]
        constraints = [
            models.UniqueConstraint(fields=["sample", "cycle"], name="cycle_once_per_sample"),
        ]

    def __str__(self) -> str:
        return f"{self.sample}: {self.cycle}"
