# AuditEntry now belongs to uptake.audit (#14): out of reports' state only. The table
# reports_auditentry and its rows are kept; audit/0001 holds the model on that same table.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEntry")],
            database_operations=[],
        ),
    ]
