"""Helpers for the pay tests: one school with a policy, pay scales and people on points."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from accounts.models import User
from organisation.models import Role, RoleAssignment, StaffMember
from organisation.services import role_grant
from pay_progression import services
from pay_progression.models import PayPoint, PayRecommendation, PayReview, PayScaleSet
from policies.models import PolicyAssignment, PolicyVersion
from tests.factories import StaffMemberFactory
from tests.objectives.support import School, preset_version, user, version_with

PAY_YEAR = 2026


def assign(school: School, version: PolicyVersion) -> PolicyVersion:
    PolicyAssignment.objects.filter(trust=school.trust).delete()
    for group in ("teaching", "support", "leadership"):
        PolicyAssignment.objects.create(
            trust=school.trust, staff_group=group, policy=version.policy
        )
    return version


def policy(school: School, key: str = "classic-objectives", **changes: Any) -> PolicyVersion:
    RoleAssignment.objects.filter(trust=school.trust).update(
        starts_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    if changes:
        label = ",".join(f"{k}={v}" for k, v in changes.items())
        return assign(school, version_with(school.trust, key, changes, label=label))
    return assign(school, preset_version(school.trust, key))


def trust_admin(school: School) -> User:
    admin = StaffMember.objects.filter(trust=school.trust, first_name="Ada").first()
    if admin is None:
        admin = StaffMemberFactory(
            academy=school.hr.academy,
            first_name="Ada",
            last_name="Admin",
            has_qts=False,
            staff_group="support",
            pay_range="",
        )
        role_grant(user=admin.user, role=Role.TRUST_ADMIN, trust=school.trust)
    return user(admin)


def scales(school: School, year: int = PAY_YEAR) -> PayScaleSet:
    existing = PayScaleSet.objects.filter(trust=school.trust, pay_year=year).first()
    if existing is not None:
        return existing
    scale_set = services.scale_set_create(
        actor=trust_admin(school),
        trust=school.trust,
        pay_year=year,
        effective_from=dt.date(year, 9, 1),
        name=f"Pay scales {year}",
    )
    for point in PayPoint.objects.filter(
        scale_set=scale_set, pay_range__in=["MPR", "UPR", "LSP", "SCP"]
    ):
        point.annual_amount = Decimal(30000 + point.position * 1000)
        point.save(update_fields=["annual_amount"])
    return scale_set


def place(member: StaffMember, pay_range: str, point: str, since: dt.date) -> StaffMember:
    StaffMember.objects.filter(pk=member.pk).update(
        pay_range=pay_range, pay_point=point, pay_point_since=since
    )
    member.refresh_from_db()
    return member


def open_review(school: School, key: str = "classic-objectives", **changes: Any) -> PayReview:
    policy(school, key, **changes)
    scales(school)
    place(school.teacher, "MPR", "M3", dt.date(2025, 9, 1))
    place(school.ups_teacher, "UPR", "U1", dt.date(2025, 9, 1))
    place(school.support, "SCP", "12", dt.date(2025, 4, 1))
    place(school.headteacher, "LSP", "L20", dt.date(2024, 9, 1))
    return services.pay_review_open(
        actor=user(school.hr), academy=school.academy, pay_year=PAY_YEAR
    )


def rec_for(review: PayReview, member: StaffMember) -> PayRecommendation:
    return PayRecommendation.objects.select_related("policy_version", "review").get(
        review=review, staff=member
    )
