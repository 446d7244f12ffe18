from django.db import migrations, models


def start_keyed_epoch_after_existing_entries(apps, schema_editor):
    # Entries written before keying stay verifiable with plain SHA-256; the first keyed entry's
    # HMAC covers the last plain hash, so they cannot be rewritten unseen either.
    AuditHead = apps.get_model("core", "AuditHead")
    for head in AuditHead.objects.all():
        head.keyed_from_seq = head.last_seq + 1
        head.save(update_fields=["keyed_from_seq"])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_rrn_lookups_and_duplicate_cases")]

    operations = [
        migrations.AddField(
            model_name="audithead",
            name="keyed_from_seq",
            field=models.BigIntegerField(default=1),
        ),
        migrations.RunPython(start_keyed_epoch_after_existing_entries, migrations.RunPython.noop),
    ]
