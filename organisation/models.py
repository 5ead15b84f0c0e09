"""The trust, its academies, its people, who line-manages whom, roles and calendars.

Every row here belongs to exactly one trust; uniqueness is always per trust (two trusts may
both have an academy called "Oak Primary" and a member of staff numbered "T001").
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords


class StaffGroup(models.TextChoices):
    TEACHING = "teaching", "Teaching"
    SUPPORT = "support", "Support"
    LEADERSHIP = "leadership", "Leadership"


class PayRange(models.TextChoices):
    MAIN = "MPR", "Main pay range"
    UPPER = "UPR", "Upper pay range"
    LEADING_PRACTITIONER = "LPR", "Leading practitioner range"
    LEADERSHIP = "LSP", "Leadership spine"
    UNQUALIFIED = "UQT", "Unqualified teacher range"
    SUPPORT = "SCP", "Support staff spine"
    NONE = "", "Not recorded"


class ContractType(models.TextChoices):
    PERMANENT = "permanent", "Permanent"
    FIXED_TERM = "fixed_term", "Fixed term"
    CASUAL = "casual", "Casual"


class Trust(models.Model):
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        permissions = [
            ("administer_trust", "Administer the trust's organisation and policies"),
            ("hr_trust", "Act as HR across the whole trust"),
            ("executive_trust", "Act as CEO / executive headteacher of the trust"),
            ("govern_trust", "See the trust's anonymised reports as a trustee"),
        ]

    def __str__(self) -> str:
        return self.name


class Academy(models.Model):
    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="academies")
    name = models.CharField(max_length=200)
    urn = models.CharField(
        "URN", max_length=12, blank=True, help_text="The DfE unique reference number, if any."
    )
    is_central_team = models.BooleanField(
        default=False,
        help_text="The trust's central team (finance, HR, estates...) rather than a school.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["is_central_team", "name"]
        verbose_name_plural = "academies"
        constraints = [
            models.UniqueConstraint(fields=["trust", "name"], name="academy_name_unique_in_trust"),
            models.UniqueConstraint(
                fields=["trust"],
                condition=Q(is_central_team=True),
                name="one_central_team_per_trust",
            ),
        ]
        permissions = [
            ("lead_academy", "Headteacher of the academy"),
            ("appraise_academy", "Lead appraisal in the academy (delegated by the headteacher)"),
            ("govern_academy", "See the academy's anonymised reports as a governor"),
            ("chair_academy", "Chair the governing body: set up the headteacher's review"),
        ]

    def __str__(self) -> str:
        return self.name


class JobRole(models.Model):
    """A job title as the trust uses it ("Teaching assistant", "Learning support assistant").

    Policies can be overridden for a role (e.g. a learning support cycle at one academy).
    """

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="job_roles")
    name = models.CharField(max_length=120)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["trust", "name"], name="job_role_unique_in_trust"),
        ]

    def __str__(self) -> str:
        return self.name


class StaffMemberQuerySet(models.QuerySet["StaffMember"]):
    def current(self, on: dt.date | None = None) -> StaffMemberQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(left_on__isnull=True) | Q(left_on__gt=on))


class StaffMember(models.Model):
    """A person employed by the trust. Their sign-in account, if any, is ``user``."""

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="staff")
    academy = models.ForeignKey(Academy, on_delete=models.PROTECT, related_name="staff")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
    )
    staff_number = models.CharField(max_length=30)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="staff")
    staff_group = models.CharField(max_length=12, choices=StaffGroup.choices)
    has_qts = models.BooleanField("holds QTS", default=False)
    pay_range = models.CharField(max_length=3, choices=PayRange.choices, blank=True)
    pay_point = models.CharField(
        max_length=10, blank=True, help_text='As the MIS writes it, e.g. "M3", "U1", "L12", "22".'
    )
    pay_point_since = models.DateField(
        "on this pay point since",
        null=True,
        blank=True,
        help_text="When they moved to their pay point.",
    )
    contract_type = models.CharField(
        max_length=12, choices=ContractType.choices, default=ContractType.PERMANENT
    )
    contract_end_date = models.DateField(null=True, blank=True)
    start_date = models.DateField()
    left_on = models.DateField(null=True, blank=True, help_text="Last day of employment.")
    is_ect = models.BooleanField("early career teacher in induction", default=False)
    probation_ends_on = models.DateField(null=True, blank=True)
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="direct_reports",
        help_text="Who reviews this person (their appraiser / reviewer).",
    )
    history = HistoricalRecords()

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["trust", "staff_number"], name="staff_number_unique_in_trust"
            ),
            models.UniqueConstraint(fields=["trust", "email"], name="staff_email_unique_in_trust"),
            models.CheckConstraint(
                condition=~Q(line_manager=models.F("id")), name="staff_not_own_line_manager"
            ),
        ]
        indexes = [
            models.Index(fields=["trust", "academy", "last_name"]),
            # The staff list's order, so a page of a large trust's list reads only its rows.
            models.Index(
                fields=["trust", "last_name", "first_name", "id"], name="staff_list_order"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def job_title(self) -> str:
        return self.job_role.name


class LineManagementPath(models.Model):
    """Closure table of line management: ``manager`` is above ``report`` by ``depth`` levels.

    Depth 0 rows (a person and themself) are kept so subtree queries need no special case.
    Maintained only by ``organisation.services.staff_set_line_manager``.
    """

    trust = models.ForeignKey(Trust, on_delete=models.CASCADE, related_name="+")
    manager = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="+")
    depth = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["manager", "report"], name="line_path_unique"),
        ]
        indexes = [models.Index(fields=["report", "depth"])]

    def __str__(self) -> str:
        return f"{self.manager_id} above {self.report_id} by {self.depth}"


class Role(models.TextChoices):
    TRUST_ADMIN = "trust_admin", "Trust administrator"
    HR = "hr", "HR"
    EXECUTIVE = "executive", "CEO / executive headteacher"
    TRUSTEE = "trustee", "Trustee (anonymised reports)"
    HEADTEACHER = "headteacher", "Headteacher"
    APPRAISAL_DELEGATE = "appraisal_delegate", "Delegated appraisal lead (deputy / administrator)"
    GOVERNOR = "governor", "Governor (anonymised reports)"
    # Held beside the governor role: the chair sets up the headteacher's review committee.
    CHAIR_OF_GOVERNORS = "chair_of_governors", "Chair of governors (the headteacher's review)"


# Listed in a fixed order (not built from the sets below) so the check constraint reads the
# same on every run and makemigrations sees no change.
_TRUST_ROLE_VALUES = ["trust_admin", "hr", "executive", "trustee"]
_ACADEMY_ROLE_VALUES = ["headteacher", "governor", "appraisal_delegate", "chair_of_governors"]
TRUST_ROLES = {Role(v) for v in _TRUST_ROLE_VALUES}
ACADEMY_ROLES = {Role(v) for v in _ACADEMY_ROLE_VALUES}
# The guardian permission each role grants on its Trust or Academy.
ROLE_PERMISSION = {
    Role.TRUST_ADMIN: "administer_trust",
    Role.HR: "hr_trust",
    Role.EXECUTIVE: "executive_trust",
    Role.TRUSTEE: "govern_trust",
    Role.HEADTEACHER: "lead_academy",
    Role.APPRAISAL_DELEGATE: "appraise_academy",
    Role.GOVERNOR: "govern_academy",
    Role.CHAIR_OF_GOVERNORS: "chair_academy",
}


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self, at: dt.datetime | None = None) -> RoleAssignmentQuerySet:
        at = at or timezone.now()
        return self.filter(starts_at__lte=at, revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )


class RoleAssignment(models.Model):
    """Who holds which role where, granted by whom, until when.

    This is the audited record (guardian grants are not audited); the guardian permission
    rows on the Trust/Academy hang off it and are removed with it.
    """

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="role_assignments")
    academy = models.ForeignKey(
        Academy, on_delete=models.PROTECT, null=True, blank=True, related_name="role_assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=24, choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reason = models.CharField(max_length=300, blank=True)
    starts_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    history = HistoricalRecords()

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["role", "starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(role__in=_ACADEMY_ROLE_VALUES, academy__isnull=False)
                    | Q(role__in=_TRUST_ROLE_VALUES, academy__isnull=True)
                ),
                name="role_scope_matches_role",
            ),
            # At most one open grant (not revoked) of a role to a person in one place, so
            # revoking "the" grant always takes the role away. ``role_grant`` closes an
            # expired one before granting again. Two constraints because a trust role's
            # academy is NULL, and NULLs never collide in a unique index.
            models.UniqueConstraint(
                fields=["user", "role", "academy"],
                condition=Q(revoked_at__isnull=True, academy__isnull=False),
                name="one_open_academy_role_grant",
            ),
            models.UniqueConstraint(
                fields=["user", "trust", "role"],
                condition=Q(revoked_at__isnull=True, academy__isnull=True),
                name="one_open_trust_role_grant",
            ),
        ]

    def __str__(self) -> str:
        where = self.academy or self.trust
        return f"{self.get_role_display()} at {where}"


class RoleRequestStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class RoleRequest(models.Model):
    """A role asked for by a trust administrator that needs a second person's yes.

    Roles that read appraisal records (HR, the CEO, a headteacher, a delegated lead), and
    trust administration itself (which approves them), take effect only when HR or another
    trust administrator approves (``organisation.permissions.grant_needs_approval``). On
    approval the ``RoleAssignment`` is made, granted by the person who asked; this row keeps
    who approved or declined it, and when.
    """

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="role_requests")
    academy = models.ForeignKey(
        Academy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=24, choices=Role.choices)
    reason = models.CharField(max_length=300, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=RoleRequestStatus.choices, default=RoleRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    assignment = models.OneToOneField(
        RoleAssignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="request",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at"]
        constraints = [
            # One request waiting per person, role and place: asking twice changes nothing.
            models.UniqueConstraint(
                fields=["user", "role", "academy"],
                condition=Q(status="pending", academy__isnull=False),
                name="one_pending_academy_role_request",
            ),
            models.UniqueConstraint(
                fields=["user", "trust", "role"],
                condition=Q(status="pending", academy__isnull=True),
                name="one_pending_trust_role_request",
            ),
        ]

    def __str__(self) -> str:
        where = self.academy or self.trust
        return f"{self.get_role_display()} at {where} for {self.user} ({self.status})"


class TrustUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Trust, on_delete=models.CASCADE)
    assignment = models.ForeignKey(
        RoleAssignment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )


class TrustGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Trust, on_delete=models.CASCADE)


class AcademyUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Academy, on_delete=models.CASCADE)
    assignment = models.ForeignKey(
        RoleAssignment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )


class AcademyGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Academy, on_delete=models.CASCADE)
