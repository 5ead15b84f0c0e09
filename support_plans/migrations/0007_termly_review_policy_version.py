"""Termly meetings pin a policy version, whose retention years the purge reads.

Meetings scheduled before this pin the version of the academy's teachers' policy in force
on the day the meeting was scheduled for (else that policy's first version): the academy's
own assignment before the trust-wide one, as ``support_plans.termly.academy_policy`` chooses.
"""

import django.db.models.deletion
from django.db import migrations, models


def pin_versions(apps, schema_editor):
    TermlyReview = apps.get_model("support_plans", "TermlyReview")
    PolicyAssignment = apps.get_model("policies", "PolicyAssignment")
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    for review in TermlyReview.objects.filter(policy_version__isnull=True).order_by("pk"):
        assignments = PolicyAssignment.objects.filter(
            trust_id=review.trust_id, staff_group="teaching", job_role__isnull=True
        )
        chosen = assignments.filter(academy_id=review.academy_id).first()
        if chosen is None:
            chosen = assignments.filter(academy__isnull=True).first()
        if chosen is None:
            continue
        versions = PolicyVersion.objects.filter(policy_id=chosen.policy_id)
        version = (
            versions.filter(effective_from__lte=review.scheduled_for)
            .order_by("-effective_from")
            .first()
            or versions.order_by("effective_from").first()
        )
        if version is not None:
            TermlyReview.objects.filter(pk=review.pk).update(policy_version=version)


class Migration(migrations.Migration):

    dependencies = [
        ('policies', '0003_policy_documents_schema_version_3'),
        ('support_plans', '0006_plan_event_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicaltermlyreview',
            name='policy_version',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='policies.policyversion'),
        ),
        migrations.AddField(
            model_name='termlyreview',
            name='policy_version',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='policies.policyversion'),
        ),
        migrations.RunPython(pin_versions, migrations.RunPython.noop),
    ]
