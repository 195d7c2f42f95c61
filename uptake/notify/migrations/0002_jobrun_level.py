"""#14: a compile or send run per coordinating level; earlier runs were the top level's."""

from django.db import migrations, models


def top_level(apps, schema_editor):
    JobRun = apps.get_model("notify", "JobRun")
    Campaign = apps.get_model("campaigns", "Campaign")
    for campaign in Campaign.objects.select_related("root"):
        JobRun.objects.filter(campaign=campaign).update(level=campaign.root.code)


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0002_coordination"),
        ("notify", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="jobrun", name="jobrun_once_a_day"),
        migrations.AddField(
            model_name="jobrun",
            name="level",
            field=models.CharField(default="", max_length=64, verbose_name="level"),
            preserve_default=False,
        ),
        migrations.RunPython(top_level, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="jobrun",
            constraint=models.UniqueConstraint(
                fields=("campaign", "job", "day", "level"), name="jobrun_once_a_day_and_level"
            ),
        ),
    ]
