# At most one open (not revoked) grant of a role to a person in one place.
# Before the constraints go on, grants already doubled by double submissions are closed:
# the one that lasts longest (no end date first) stays open, the others are marked revoked
# now. The person keeps the role (the guardian row belongs to the one left open).

from django.db import migrations, models
from django.db.models import F
from django.utils import timezone


def close_duplicate_open_grants(apps, schema_editor):
    RoleAssignment = apps.get_model("organisation", "RoleAssignment")
    seen = set()
    now = timezone.now()
    open_grants = RoleAssignment.objects.filter(revoked_at__isnull=True).order_by(
        "user_id", "trust_id", "role", "academy_id", F("expires_at").desc(nulls_first=True), "pk"
    )
    duplicates = []
    for grant in open_grants.only("pk", "user_id", "trust_id", "role", "academy_id"):
        key = (grant.user_id, grant.trust_id, grant.role, grant.academy_id)
        if key in seen:
            duplicates.append(grant.pk)
        else:
            seen.add(key)
    if duplicates:
        RoleAssignment.objects.filter(pk__in=duplicates).update(revoked_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0002_remove_roleassignment_role_scope_matches_role_and_more"),
    ]

    operations = [
        migrations.RunPython(close_duplicate_open_grants, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("academy__isnull", False), ("revoked_at__isnull", True)),
                fields=("user", "role", "academy"),
                name="one_open_academy_role_grant",
            ),
        ),
        migrations.AddConstraint(
            model_name="roleassignment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("academy__isnull", True), ("revoked_at__isnull", True)),
                fields=("user", "trust", "role"),
                name="one_open_trust_role_grant",
            ),
        ),
    ]
