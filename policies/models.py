"""Appraisal policies as configuration: a policy has dated versions; cycles pin a version.

The settings of a version are a validated document (``policies.schema.PolicySettings``);
no rule number (objectives per person, notice days, retention years...) is a code literal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings as django_settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from organisation.models import Academy, JobRole, StaffGroup, Trust

if TYPE_CHECKING:
    from .schema import PolicySettings


class Policy(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="policies")
    name = models.CharField(max_length=200)
    preset = models.SlugField(
        max_length=40, blank=True, help_text="The preset this policy was created from, if any."
    )
    description = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "policies"
        constraints = [
            models.UniqueConstraint(fields=["trust", "name"], name="policy_name_unique_in_trust"),
        ]

    def __str__(self) -> str:
        return self.name


class PolicyVersion(models.Model):
    """One dated version of a policy. Versions are never edited once a cycle pins them:
    a change is a new version with its own effective date."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    settings = models.JSONField(help_text="Validated by policies.schema.PolicySettings.")
    change_note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        django_settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "-effective_from", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="policy_version_number"),
            models.UniqueConstraint(
                fields=["policy", "effective_from"], name="one_version_per_effective_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy.name} v{self.number} (from {self.effective_from:%d %b %Y})"

    @property
    def rules(self) -> PolicySettings:
        """The settings as a typed, validated object, upgraded first when the document was
        stored in an older schema version (``policies.schema.upgrades``). Parsed once per
        version id and shared by every row object of the version (``schema.stored``), and
        kept on the instance."""
        cached: PolicySettings | None = getattr(self, "_rules", None)
        if cached is None:
            from .schema.stored import parsed_versions

            cached = parsed_versions.rules(self.pk, self.settings)
            self._rules = cached
        return cached


class PolicyAssignment(models.Model):
    """Which policy a staff group follows, trust-wide or overridden for an academy and/or a
    job role. The most specific assignment wins: academy+role, role, academy, trust-wide."""

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="policy_assignments")
    staff_group = models.CharField(max_length=12, choices=StaffGroup.choices)
    academy = models.ForeignKey(
        Academy, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    job_role = models.ForeignKey(
        JobRole, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="assignments")
    history = HistoricalRecords()

    class Meta:
        ordering = ["staff_group", "academy", "job_role"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "staff_group"],
                condition=Q(academy__isnull=True, job_role__isnull=True),
                name="one_trust_wide_policy_per_group",
            ),
            models.UniqueConstraint(
                fields=["trust", "staff_group", "academy"],
                condition=Q(academy__isnull=False, job_role__isnull=True),
                name="one_academy_policy_per_group",
            ),
            models.UniqueConstraint(
                fields=["trust", "staff_group", "job_role"],
                condition=Q(academy__isnull=True, job_role__isnull=False),
                name="one_role_policy_per_group",
            ),
            models.UniqueConstraint(
                fields=["trust", "staff_group", "academy", "job_role"],
                condition=Q(academy__isnull=False, job_role__isnull=False),
                name="one_academy_role_policy_per_group",
            ),
        ]

    def __str__(self) -> str:
        scope = " / ".join(str(x) for x in (self.academy, self.job_role) if x) or "whole trust"
        return f"{self.get_staff_group_display()} ({scope}): {self.policy}"
