"""One open grant of a role to a person in one place: revoking it takes the role away."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from organisation.models import Role, RoleAssignment
from organisation.services import OrganisationError, role_grant, role_revoke
from tests.objectives.support import School, build_school, user


@pytest.fixture
def school(db) -> School:  # type: ignore[no-untyped-def]
    return build_school()


def test_the_same_role_twice_is_refused_with_a_reason(school: School) -> None:
    teacher = user(school.teacher)
    role_grant(user=teacher, role=Role.GOVERNOR, trust=school.trust, academy=school.academy)
    with pytest.raises(OrganisationError, match="already holds Governor"):
        role_grant(user=teacher, role=Role.GOVERNOR, trust=school.trust, academy=school.academy)
    role_grant(user=teacher, role=Role.TRUSTEE, trust=school.trust)
    with pytest.raises(OrganisationError, match="already holds Trustee"):
        role_grant(user=teacher, role=Role.TRUSTEE, trust=school.trust)
    assert RoleAssignment.objects.filter(user=teacher, revoked_at__isnull=True).count() == 2


def test_revoking_the_one_grant_takes_the_role_away(school: School) -> None:
    teacher = user(school.teacher)
    grant = role_grant(user=teacher, role=Role.TRUSTEE, trust=school.trust)
    role_revoke(assignment=grant)
    assert not RoleAssignment.objects.active().filter(user=teacher).exists()
    # And it may be given again afterwards.
    role_grant(user=teacher, role=Role.TRUSTEE, trust=school.trust)


def test_an_expired_grant_is_closed_so_the_role_can_be_given_again(school: School) -> None:
    teacher = user(school.teacher)
    old = role_grant(
        user=teacher,
        role=Role.APPRAISAL_DELEGATE,
        trust=school.trust,
        academy=school.academy,
        starts_at=timezone.now() - dt.timedelta(days=400),
        expires_at=timezone.now() - dt.timedelta(days=35),
    )
    again = role_grant(
        user=teacher, role=Role.APPRAISAL_DELEGATE, trust=school.trust, academy=school.academy
    )
    old.refresh_from_db()
    assert old.revoked_at == old.expires_at  # ended when it ran out, not "revoked now"
    assert list(RoleAssignment.objects.active().filter(user=teacher)) == [again]


def test_the_database_itself_refuses_a_second_open_grant(school: School) -> None:
    teacher = user(school.teacher)
    role_grant(user=teacher, role=Role.HR, trust=school.trust)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(user=teacher, role=Role.HR, trust=school.trust)
    role_grant(user=teacher, role=Role.GOVERNOR, trust=school.trust, academy=school.academy)
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleAssignment.objects.create(
            user=teacher, role=Role.GOVERNOR, trust=school.trust, academy=school.academy
        )
    # The same role at another academy is another grant.
    role_grant(user=teacher, role=Role.GOVERNOR, trust=school.trust, academy=school.other_academy)


def test_the_migration_closes_grants_already_doubled(school: School) -> None:
    """Rows doubled before the constraint existed: one stays open (the longest), the rest
    are closed, so the constraint can be added. The constraint is dropped for the test only
    (PostgreSQL undoes the DDL with the test's transaction)."""
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    migration = import_module("organisation.migrations.0003_one_open_role_grant")
    constraints = [c for c in RoleAssignment._meta.constraints if c.name.startswith("one_open_")]
    with connection.schema_editor() as editor:
        for constraint in constraints:
            editor.remove_constraint(RoleAssignment, constraint)
    teacher = user(school.teacher)
    soon = timezone.now() + dt.timedelta(days=10)
    _, forever, other = (
        RoleAssignment.objects.create(
            user=teacher, role=Role.HR, trust=school.trust, expires_at=soon
        ),
        RoleAssignment.objects.create(user=teacher, role=Role.HR, trust=school.trust),
        RoleAssignment.objects.create(
            user=teacher, role=Role.GOVERNOR, trust=school.trust, academy=school.academy
        ),
    )
    migration.close_duplicate_open_grants(apps, None)
    open_ids = set(
        RoleAssignment.objects.filter(user=teacher, revoked_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    assert open_ids == {forever.pk, other.pk}
    # And the constraints now go on (deferred foreign-key checks first, as PostgreSQL wants).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with connection.schema_editor() as editor:
        for constraint in constraints:
            editor.add_constraint(RoleAssignment, constraint)


def test_a_second_open_cycle_grant_of_the_same_kind_is_refused(school: School) -> None:
    """The same holds for single-cycle grants: one open grant per person and kind."""
    from cycles.services import CycleError, cycle_grant_access
    from organisation.services import account_create

    cycle = school.cycle(
        "classic-objectives", appraisee=school.headteacher, reviewer=None, is_headteacher_cycle=True
    )
    adviser = account_create(
        trust=school.trust, email="adviser@example.org", first_name="Ann", last_name="Adviser"
    )
    grant = {
        "cycle": cycle,
        "user": adviser,
        "permission": "view_cycle_as_adviser",
        "expires_at": timezone.now() + dt.timedelta(days=30),
        "reason": "External adviser",
        "granted_by": user(school.hr),
    }
    cycle_grant_access(**grant)
    with pytest.raises(CycleError, match="already has this access until"):
        cycle_grant_access(**grant)
