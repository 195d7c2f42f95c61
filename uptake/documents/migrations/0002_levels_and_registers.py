"""#14: a compilation per coordinating level; numbers from the issuing office's register."""

import django.db.models.deletion
from django.db import migrations, models


def forwards(apps, schema_editor):
    Compilation = apps.get_model("documents", "Compilation")
    Counter = apps.get_model("documents", "Counter")
    Campaign = apps.get_model("campaigns", "Campaign")
    for campaign in Campaign.objects.all():
        Compilation.objects.filter(campaign=campaign).update(
            unit_id=campaign.root_id, office_id=campaign.coordinator_id
        )
    # Numbers already handed out stay as printed. Where two campaigns of one office used the
    # same number (the defect #14 fixes), the first approved keeps its place in the register and
    # the others are kept outside it; the register continues after the highest.
    seen = set()
    last = {}
    numbered = Compilation.objects.filter(number__isnull=False).order_by("approved_at", "pk")
    for c in numbered:
        key = (c.office_id, c.year, c.symbol, c.number)
        if key in seen:
            c.registered = False
            c.save(update_fields=["registered"])
        seen.add(key)
        register = (c.office_id, c.year, c.symbol)
        last[register] = max(last.get(register, 0), c.number)
    Counter.objects.all().delete()
    for (office_id, year, symbol), number in last.items():
        Counter.objects.create(office_id=office_id, year=year, symbol=symbol, last_number=number)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_coordination"),
        ("documents", "0001_initial"),
        ("units", "0003_unit_path_pattern_ops"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="compilation", name="compilation_unique_day"),
        migrations.RemoveConstraint(model_name="compilation", name="compilation_unique_number"),
        migrations.RemoveConstraint(model_name="counter", name="counter_unique_year"),
        migrations.AddField(
            model_name="compilation",
            name="unit",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="units.unit",
            ),
        ),
        migrations.AddField(
            model_name="compilation",
            name="office",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="units.unit",
            ),
        ),
        migrations.AddField(
            model_name="compilation",
            name="registered",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddField(
            model_name="counter",
            name="office",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="units.unit",
            ),
        ),
        migrations.AddField(
            model_name="counter",
            name="symbol",
            field=models.CharField(blank=True, max_length=40, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="counter", name="campaign"),
        migrations.AlterField(
            model_name="counter",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="units.unit"
            ),
        ),
        migrations.AlterField(
            model_name="compilation",
            name="unit",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="units.unit"
            ),
        ),
        migrations.AlterField(
            model_name="compilation",
            name="office",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="units.unit"
            ),
        ),
        migrations.AddConstraint(
            model_name="compilation",
            constraint=models.UniqueConstraint(
                fields=("campaign", "unit", "date"), name="compilation_unique_level_day"
            ),
        ),
        migrations.AddConstraint(
            model_name="compilation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("registered", True)),
                fields=("office", "year", "symbol", "number"),
                name="compilation_unique_office_number",
            ),
        ),
        migrations.AddConstraint(
            model_name="counter",
            constraint=models.UniqueConstraint(
                fields=("office", "year", "symbol"), name="counter_unique_register"
            ),
        ),
    ]
