"""Reminders are about any record: each dispatch names its subject, the cycle is optional.

Every row so far was about its cycle, so it becomes subject ("appraisal_cycle", cycle_id)
and keeps its place in the idempotency key: a sweep after the upgrade inserts nothing it
already recorded before it.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def subject_is_the_cycle(apps, schema_editor):  # type: ignore[no-untyped-def]
    dispatch = apps.get_model("reminders", "ReminderDispatch")
    dispatch.objects.filter(subject_id__isnull=True).update(
        subject_kind="appraisal_cycle", subject_id=F("cycle_id")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cycles", "0002_initial"),
        ("reminders", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="reminderdispatch",
            name="subject_kind",
            field=models.CharField(default="appraisal_cycle", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="reminderdispatch",
            name="subject_id",
            field=models.PositiveBigIntegerField(null=True),
        ),
        migrations.RunPython(subject_is_the_cycle, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="reminderdispatch",
            name="subject_id",
            field=models.PositiveBigIntegerField(),
        ),
        migrations.AlterField(
            model_name="reminderdispatch",
            name="cycle",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="cycles.appraisalcycle",
            ),
        ),
        migrations.AlterField(
            model_name="reminderdispatch",
            name="recipient_role",
            field=models.CharField(
                help_text="The role the reminder was for, e.g. reviewer.", max_length=40
            ),
        ),
        migrations.RemoveConstraint(
            model_name="reminderdispatch",
            name="reminder_dispatch_once",
        ),
        migrations.AddConstraint(
            model_name="reminderdispatch",
            constraint=models.UniqueConstraint(
                fields=(
                    "subject_kind",
                    "subject_id",
                    "deadline_kind",
                    "recipient",
                    "stage",
                    "occurrence",
                    "due_on",
                ),
                name="reminder_dispatch_once_per_subject",
            ),
        ),
    ]
