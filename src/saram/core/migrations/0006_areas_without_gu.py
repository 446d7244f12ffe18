"""Cities without 구: a dong belongs to its city directly, 구 is optional; 읍·면·동 kind."""

from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

_KINDS = {"읍": "eup", "면": "myeon"}


def fill_city_and_kind(apps: Any, schema_editor: Any) -> None:
    Dong = apps.get_model("core", "Dong")
    for dong in Dong.objects.select_related("gu").all():
        dong.city_id = dong.gu.city_id
        dong.kind = _KINDS.get(dong.name[-1:], "dong")
        dong.save(update_fields=["city", "kind"])


class Migration(migrations.Migration):
    dependencies = [("core", "0005_key_check_value")]

    operations = [
        migrations.AddField(
            model_name="city",
            name="kind",
            field=models.CharField(
                choices=[("si", "시"), ("gun", "군")], default="si", max_length=3, verbose_name="시·군"
            ),
        ),
        migrations.AlterModelOptions(
            name="city", options={"verbose_name": "시·군", "verbose_name_plural": "시·군"}
        ),
        migrations.AddField(
            model_name="dong",
            name="city",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dongs",
                to="core.city",
            ),
        ),
        migrations.AddField(
            model_name="dong",
            name="kind",
            field=models.CharField(
                choices=[("eup", "읍"), ("myeon", "면"), ("dong", "동")],
                default="dong",
                max_length=5,
                verbose_name="읍·면·동",
            ),
        ),
        migrations.AlterField(
            model_name="dong",
            name="gu",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="dongs",
                to="core.gu",
            ),
        ),
        migrations.RunPython(fill_city_and_kind, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="dong",
            name="city",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="dongs", to="core.city"
            ),
        ),
    ]
