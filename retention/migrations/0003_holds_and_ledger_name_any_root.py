"""Legal holds and ledger rows name a record by its registered root kind and id instead
of a foreign key to the appraisal cycle, so any root (a support plan, a pay
recommendation) can be held and recorded. Existing rows are carried over: every hold on
a cycle and every ledger row of a cycle becomes ("appraisal_cycle", its number)."""

from django.conf import settings
from django.db import migrations, models

CYCLE_ROOT = "appraisal_cycle"


def carry_over(apps, schema_editor):
    for name in ("LegalHold", "HistoricalLegalHold"):
        model = apps.get_model("retention", name)
        model.objects.filter(cycle_ref__isnull=False).update(
            root_kind=CYCLE_ROOT, root_id=models.F("cycle_ref")
        )
    ledger = apps.get_model("retention", "PurgeLedgerEntry")
    ledger._base_manager.filter(record_type="appraisal_record").update(
        root_kind=CYCLE_ROOT, root_id=models.F("record_id")
    )


def carry_back(apps, schema_editor):
    for name in ("LegalHold", "HistoricalLegalHold"):
        model = apps.get_model("retention", name)
        model.objects.filter(root_kind=CYCLE_ROOT).update(cycle_ref=models.F("root_id"))
    # Holds on other kinds of record cannot be expressed before this migration.
    apps.get_model("retention", "LegalHold").objects.filter(
        staff_member__isnull=True, cycle_ref__isnull=True
    ).delete()


class Migration(migrations.Migration):

    dependencies = [
        ("organisation", "0004_role_requests_wait_for_approval"),
        ("retention", "0002_lifted_hold_goes_with_its_record"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="historicallegalhold",
            name="root_id",
            field=models.BigIntegerField(
                blank=True,
                help_text="The held record's number (the purge looks holds up by it).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicallegalhold",
            name="root_kind",
            field=models.CharField(
                blank=True,
                help_text='The kind of record held, e.g. "appraisal_cycle".',
                max_length=40,
            ),
        ),
        migrations.AddField(
            model_name="legalhold",
            name="root_id",
            field=models.BigIntegerField(
                blank=True,
                help_text="The held record's number (the purge looks holds up by it).",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="legalhold",
            name="root_kind",
            field=models.CharField(
                blank=True,
                help_text='The kind of record held, e.g. "appraisal_cycle".',
                max_length=40,
            ),
        ),
        migrations.AddField(
            model_name="purgeledgerentry",
            name="root_id",
            field=models.BigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="purgeledgerentry",
            name="root_kind",
            field=models.CharField(blank=True, max_length=40),
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.RemoveConstraint(
            model_name="legalhold",
            name="legal_hold_names_a_record",
        ),
        migrations.RemoveIndex(
            model_name="legalhold",
            name="legal_hold_active_cycle",
        ),
        migrations.RemoveField(
            model_name="historicallegalhold",
            name="cycle",
        ),
        migrations.RemoveField(
            model_name="historicallegalhold",
            name="cycle_ref",
        ),
        migrations.RemoveField(
            model_name="legalhold",
            name="cycle",
        ),
        migrations.RemoveField(
            model_name="legalhold",
            name="cycle_ref",
        ),
        migrations.AddIndex(
            model_name="legalhold",
            index=models.Index(
                condition=models.Q(("lifted_at__isnull", True)),
                fields=["root_kind", "root_id"],
                name="legal_hold_active_root",
            ),
        ),
        migrations.AddIndex(
            model_name="purgeledgerentry",
            index=models.Index(fields=["root_kind", "root_id"], name="purge_ledger_root"),
        ),
        migrations.AddConstraint(
            model_name="legalhold",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(
                        ("root_id__isnull", False), models.Q(("root_kind", ""), _negated=True)
                    ),
                    ("staff_member__isnull", False),
                    _connector="OR",
                ),
                name="legal_hold_names_a_record",
            ),
        ),
    ]
