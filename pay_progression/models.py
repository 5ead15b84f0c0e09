"""Pay scales, each member of staff's place on them, and the annual pay review.

A pay scale set holds the trust's amounts for one pay year (1 September to 31 August) with
the date they take effect: every range (main, upper, leadership, unqualified, leading
practitioner) and the support staff spine, each point with its amount and, for support
staff, the trust's grade. A member of staff's pay history is a list of placements (range,
point, from which date).

The annual pay review of an academy holds one pay recommendation per member of staff in
scope. A recommendation pins the policy version it was made under and moves through one
service (``services.recommendation_move``): drafted → approved by the headteacher → shared
with the member of staff → decided (for the governors' pay committee) → statement issued →
final. A later pay committee meeting or an appeal hangs off the recommendation (a foreign
key to ``PayRecommendation``); its typed events go in ``PayEvent``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from organisation.models import Academy, PayRange, StaffMember, Trust
from policies.models import PolicyVersion


def pay_year_label(year: int) -> str:
    """``2026`` → ``"2026/27"``: the pay year from 1 September 2026 to 31 August 2027."""
    return f"{year}/{(year + 1) % 100:02d}"


class PayScaleSet(models.Model):
    """The trust's pay scales for one pay year, in force from ``effective_from``."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    pay_year = models.PositiveSmallIntegerField(
        help_text="The year the pay year starts: 2026 for 1 September 2026 to 31 August 2027."
    )
    effective_from = models.DateField()
    name = models.CharField(max_length=120)
    is_example = models.BooleanField(
        default=False, help_text="Example figures, not the trust's own amounts."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-pay_year"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "pay_year"], name="one_pay_scale_set_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({pay_year_label(self.pay_year)})"

    @property
    def year_label(self) -> str:
        return pay_year_label(self.pay_year)


class PayPoint(models.Model):
    """One point of one range in a scale set, in order, with its annual amount (empty
    until the trust enters it) and, on the support staff spine, the trust's grade."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    scale_set = models.ForeignKey(PayScaleSet, on_delete=models.CASCADE, related_name="points")
    pay_range = models.CharField(max_length=3, choices=PayRange.choices)
    code = models.CharField(max_length=10, help_text='As the MIS writes it: "M3", "U1", "22".')
    position = models.PositiveSmallIntegerField()
    annual_amount = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    grade = models.CharField(max_length=40, blank=True, help_text="Support staff: the grade.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["pay_range", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["scale_set", "pay_range", "code"], name="one_pay_point_per_code"
            )
        ]

    def __str__(self) -> str:
        return self.code


class PlacementSource(models.TextChoices):
    IMPORT = "import", "From the staff record (MIS import)"
    ENTERED = "entered", "Entered by HR"
    DECISION = "decision", "Pay decision"


class PayPlacement(models.Model):
    """A member of staff's place on a pay range from a date: their pay history."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="pay_placements")
    pay_range = models.CharField(max_length=3, choices=PayRange.choices)
    point = models.CharField(max_length=10)
    since = models.DateField()
    source = models.CharField(max_length=10, choices=PlacementSource.choices)
    recommendation = models.ForeignKey(
        "PayRecommendation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-since", "-pk"]
        indexes = [models.Index(fields=["trust", "staff", "since"])]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "pay_range", "point", "since"], name="one_placement_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.point} from {self.since:%d %b %Y}"


class PayReview(models.Model):
    """The annual pay review of one academy (or the central team) for one pay year."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="+")
    pay_year = models.PositiveSmallIntegerField()
    scale_set = models.ForeignKey(PayScaleSet, on_delete=models.PROTECT, related_name="reviews")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-pay_year", "academy__name"]
        constraints = [
            models.UniqueConstraint(fields=["academy", "pay_year"], name="one_pay_review_a_year")
        ]

    def __str__(self) -> str:
        return f"Pay review {pay_year_label(self.pay_year)}"

    @property
    def year_label(self) -> str:
        return pay_year_label(self.pay_year)


class Stage(models.TextChoices):
    """Where a recommendation is. A later appeal adds its own stage between the statement
    and final (``services.TRANSITIONS``)."""

    PREPARED = "prepared", "Not yet drafted"
    DRAFTED = "drafted", "Drafted"
    APPROVED = "approved", "Approved by the headteacher"
    SHARED = "shared", "Shared with the member of staff"
    DECIDED = "decided", "Decided"
    STATEMENT_ISSUED = "statement_issued", "Pay statement issued"
    FINAL = "final", "Final"


# The member of staff reads their recommendation from this stage on (classic §5.7.7).
SHARED_STAGES = frozenset({Stage.SHARED, Stage.DECIDED, Stage.STATEMENT_ISSUED, Stage.FINAL})
DRAFT_STAGES = frozenset({Stage.PREPARED, Stage.DRAFTED})


class Outcome(models.TextChoices):
    PROGRESS = "progress", "Moves to the next point"
    NO_PROGRESSION = "no_progression", "Stays on the same point"


class PayRecommendation(models.Model):
    """One member of staff's pay recommendation in a pay review, pre-filled by the rules
    (``suggested_*``, kept as computed) and written by whoever the pinned policy says
    recommends."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="+")
    review = models.ForeignKey(PayReview, on_delete=models.PROTECT, related_name="recommendations")
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="pay_recommendations"
    )
    policy_version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    is_headteacher = models.BooleanField(
        default=False, help_text="The headteacher's own pay (never shown to them as a reviewer)."
    )
    recommender = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pay_recommendations_to_write",
        help_text="Who drafts it: the reviewer or the headteacher, as the policy says.",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.PREPARED)
    current_range = models.CharField(max_length=3, choices=PayRange.choices, blank=True)
    current_point = models.CharField(max_length=10, blank=True)
    current_since = models.DateField(null=True, blank=True)
    suggested_outcome = models.CharField(max_length=16, choices=Outcome.choices)
    suggested_point = models.CharField(max_length=10, blank=True)
    # [{"key": ..., "text": ..., "paragraph": ...}] as the rules gave them.
    suggested_reasons = models.JSONField(default=list, blank=True)
    rule_basis = models.CharField(max_length=300, blank=True)
    evidence_required = models.BooleanField(default=False)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    proposed_point = models.CharField(max_length=10, blank=True)
    reason_key = models.CharField(
        max_length=40, blank=True, help_text="Why there is no increment, as a rules key."
    )
    reason = models.CharField(max_length=300, blank=True)
    evidence = models.TextField(
        blank=True, help_text="The appraisal evidence the decision rests on."
    )
    honorarium = models.BooleanField(default=False)
    honorarium_note = models.CharField(max_length=300, blank=True)
    drafted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    decision_due = models.DateField(null=True, blank=True)
    effective_from = models.DateField(null=True, blank=True)
    statement_issued_at = models.DateTimeField(null=True, blank=True)
    final_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()

    class Meta:
        ordering = ["staff__last_name", "staff__first_name", "pk"]
        indexes = [models.Index(fields=["trust", "academy", "stage"])]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "staff"], name="one_pay_recommendation_per_review"
            )
        ]

    def __str__(self) -> str:
        return f"Pay recommendation for {self.staff} ({self.review.year_label})"

    @property
    def is_shared(self) -> bool:
        return self.stage in SHARED_STAGES


class PayEventKind(models.TextChoices):
    OPENED = "opened", "Prepared from the policy and the facts"
    DRAFTED = "drafted", "Drafted"
    APPROVED = "approved", "Approved by the headteacher"
    SHARED = "shared", "Shared with the member of staff"
    DECIDED = "decided", "Decision recorded for the pay committee"
    STATEMENT_ISSUED = "statement_issued", "Pay statement issued"
    FINAL = "final", "Made final"


class PayEvent(models.Model):
    """What happened to a recommendation, typed: one row per change, in its transaction."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    recommendation = models.ForeignKey(
        PayRecommendation, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=PayEventKind.choices)
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["trust", "kind", "at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%d %b %Y}"


class PayStatementFile(models.Model):
    """The written pay statement as laid out at issue, served from storage. Its file has a
    random name, is never reachable by URL, and goes with the recommendation."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="+")
    recommendation = models.OneToOneField(
        PayRecommendation, on_delete=models.CASCADE, related_name="statement_file"
    )
    file = models.FileField(upload_to="pay_statements/", max_length=200)
    file_sha256 = models.CharField(max_length=64)
    rendered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Pay statement of {self.recommendation}"
