"""The table, its index and its constraints named after this app (`jobs_job_*`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_job_moved_from_exchange"),
        ("exchange", "0003_job_moved_to_jobs"),
    ]

    operations = [
        migrations.AlterModelTable(name="job", table=None),
        migrations.RenameIndex(
            model_name="job", new_name="jobs_job_owner_recent", old_name="exchange_job_owner_recent"
        ),
        migrations.RemoveConstraint(model_name="job", name="exchange_job_kind_valid"),
        migrations.RemoveConstraint(model_name="job", name="exchange_job_status_valid"),
        migrations.RemoveConstraint(model_name="job", name="exchange_job_done_within_total"),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["export", "import_check", "import_save"])),
                name="jobs_job_kind_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["queued", "running", "done", "failed"])),
                name="jobs_job_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="job",
            constraint=models.CheckConstraint(
                condition=models.Q(("done__lte", models.F("total"))), name="jobs_job_done_within_total"
            ),
        ),
    ]
