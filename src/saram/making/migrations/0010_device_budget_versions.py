"""Device budgets become versioned: a revised amount is a new row from a day, the old one ends
the day before. Existing budgets run from the first day of their year."""

import datetime

from django.db import migrations, models


def from_first_of_year(apps, schema_editor):  # type: ignore[no-untyped-def]
    DeviceBudget = apps.get_model("making", "DeviceBudget")
    for budget in DeviceBudget.objects.filter(valid_from__isnull=True):
        budget.valid_from = datetime.date(budget.year, 1, 1)
        budget.save(update_fields=["valid_from"])


class Migration(migrations.Migration):
    dependencies = [
        ("making", "0009_milestone_progress"),
    ]

    operations = [
        migrations.AddField(
            model_name="devicebudget",
            name="valid_from",
            field=models.DateField(null=True, verbose_name="시행일"),
        ),
        migrations.RunPython(from_first_of_year, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="devicebudget",
            name="valid_from",
            field=models.DateField(verbose_name="시행일"),
        ),
        migrations.AddField(
            model_name="devicebudget",
            name="valid_until",
            field=models.DateField(blank=True, null=True, verbose_name="종료일"),
        ),
        migrations.RemoveConstraint(model_name="devicebudget", name="device_budget_one_per_dong"),
        migrations.RemoveConstraint(model_name="devicebudget", name="device_budget_one_city_pool"),
        migrations.AddConstraint(
            model_name="devicebudget",
            constraint=models.UniqueConstraint(
                condition=models.Q(("valid_until", None)),
                fields=("year", "dong"),
                name="device_budget_one_open_per_dong",
            ),
        ),
        migrations.AddConstraint(
            model_name="devicebudget",
            constraint=models.UniqueConstraint(
                condition=models.Q(("dong", None), ("valid_until", None)),
                fields=("year",),
                name="device_budget_one_open_city_pool",
            ),
        ),
        migrations.AlterModelOptions(
            name="devicebudget",
            options={
                "ordering": ["-year", "dong__name", "valid_from"],
                "verbose_name": "보조기구 예산",
                "verbose_name_plural": "보조기구 예산",
            },
        ),
    ]
