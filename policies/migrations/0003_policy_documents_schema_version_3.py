"""Every stored policy document is upgraded to schema version 3: the "academy governing
body" leaves the readers of a person's record (governors see anonymised reports only; see
``policies.schema.upgrades._v2_to_v3``). The documents' history rows are left as written."""

from django.db import migrations

from policies.schema.upgrades import SCHEMA_VERSION_KEY, document_version, upgrade_document

TO_VERSION = 3
BATCH = 500


def upgrade_documents(apps, schema_editor):
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    changed = []
    for version in PolicyVersion.objects.only("pk", "settings").iterator(chunk_size=BATCH):
        if document_version(version.settings) >= TO_VERSION:
            continue
        version.settings = upgrade_document(version.settings, to_version=TO_VERSION)
        changed.append(version)
    PolicyVersion.objects.bulk_update(changed, ["settings"], batch_size=BATCH)


def downgrade_documents(apps, schema_editor):
    """Back to version 2: only the version number changes (the dropped reader never let a
    governor read, so its absence is as good as its old value)."""
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    changed = []
    for version in PolicyVersion.objects.only("pk", "settings").iterator(chunk_size=BATCH):
        if version.settings.get(SCHEMA_VERSION_KEY) != TO_VERSION:
            continue
        version.settings = {**version.settings, SCHEMA_VERSION_KEY: 2}
        changed.append(version)
    PolicyVersion.objects.bulk_update(changed, ["settings"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0002_policy_documents_schema_version_2"),
    ]

    operations = [
        migrations.RunPython(upgrade_documents, downgrade_documents, elidable=False),
    ]
