"""The real queue: a job enqueued by the page waits in the database until `db_worker` runs it."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from exchange.exports import BasesExporter
from jobs.models import Job, JobStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_large_export_waits_for_the_worker_and_is_done_by_it(
    world, as_persona, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    monkeypatch.setitem(BasesExporter.background_after, "xlsx", 0)
    mentor = factories.student(world.school_a1, birth_year=2008)
    factories.pair(mentor, [factories.student(world.school_a1)])
    client = as_persona("curator_a1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("export"), {"base": "mentees", "period": "all", "file_format": "xlsx"})
    job = Job.objects.get()
    assert job.status == JobStatus.QUEUED
    assert "в очереди" in client.get(reverse("job_detail", args=[job.pk])).content.decode()

    # The worker drops connections not in autocommit mode, as the test's transaction is: keep it.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.total == 1 and job.file
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 200
