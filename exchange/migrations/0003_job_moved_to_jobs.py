"""`Job` now belongs to the jobs app (jobs 0001 took over its state; the table is kept)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0002_job_heartbeat"),
        ("jobs", "0001_job_moved_from_exchange"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Job")], database_operations=[]
        ),
    ]
