from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisation", "0005_staff_list_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="historicalstaffmember",
            name="pay_point_since",
            field=models.DateField(
                blank=True,
                help_text="When they moved to their pay point.",
                null=True,
                verbose_name="on this pay point since",
            ),
        ),
        migrations.AddField(
            model_name="staffmember",
            name="pay_point_since",
            field=models.DateField(
                blank=True,
                help_text="When they moved to their pay point.",
                null=True,
                verbose_name="on this pay point since",
            ),
        ),
    ]
