# Tokens minted on the web are revoked when their user's role or units change (#15).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_profile_phone"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="source",
            # Tokens made before: "web" (a change of role revokes them; the operator gives a
            # script a new one with `manage.py apitoken`).
            field=models.CharField(
                choices=[("web", "account page"), ("command", "manage.py apitoken")],
                default="web",
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[("user", "by its owner"), ("access", "role or units changed")],
                max_length=8,
            ),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="notice_pending",
            field=models.BooleanField(default=False),
        ),
    ]
