"""Every stored policy document carries its schema version and is upgraded to version 2.

Version 2 drops ``wellbeing.notes_only_with_consent`` (the same rule as
``conversations.notes_need_consent``, and never read) and replaces the search for "ceo" in
the headteacher's committee list with ``headteacher.ceo_on_committee`` (see
``policies.schema.upgrades._v1_to_v2``). The documents' history rows are left as they were
written: they are the record of what was stored, and read through the same upgrade.
"""

from django.db import migrations

from policies.schema.upgrades import SCHEMA_VERSION_KEY, document_version, upgrade_document

TO_VERSION = 2
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
    """Back to version 1 for the code before this migration: the version key and the typed
    CEO setting go (the committee list's wording decides again); the dropped wellbeing
    setting was never read, so its default is as good as its old value."""
    PolicyVersion = apps.get_model("policies", "PolicyVersion")
    changed = []
    for version in PolicyVersion.objects.only("pk", "settings").iterator(chunk_size=BATCH):
        doc = dict(version.settings)
        if doc.pop(SCHEMA_VERSION_KEY, None) is None:
            continue
        headteacher = doc.get("headteacher")
        if isinstance(headteacher, dict):
            doc["headteacher"] = {k: v for k, v in headteacher.items() if k != "ceo_on_committee"}
        version.settings = doc
        changed.append(version)
    PolicyVersion.objects.bulk_update(changed, ["settings"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("policies", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(upgrade_documents, downgrade_documents, elidable=False),
    ]
