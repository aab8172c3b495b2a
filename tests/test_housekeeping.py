"""Housekeeping: exports and uploads leave the server when their purpose is over, files nothing points to
go, and what is still needed stays — checked file by file on the media folder."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.models import Job, JobKind, JobStatus
from portal import housekeeping
from registry import freshness
from roadmap.models import ResponsibleKind
from tests.roadmap.conftest import make_roadmap

pytestmark = pytest.mark.django_db
DAYS_AGO_40 = timezone.now() - timedelta(days=40)


def job(owner, kind, status, *, name="", shared="", created=None, finished=None) -> Job:
    made = Job.objects.create(owner=owner, kind=kind, status=status, title="Выгрузка базы", file=shared)
    if name:
        made.file.save(name, ContentFile(b"PK personal data"), save=True)
    Job.objects.filter(pk=made.pk).update(created_at=created or timezone.now(), finished_at=finished)
    return Job.objects.get(pk=made.pk)


def media(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def stray(name: str, *, days_old: float) -> Path:
    path = media(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"left behind")
    stamp = time.time() - days_old * 86400
    os.utime(path, (stamp, stamp))
    return path


@pytest.fixture
def server(world):
    """Everything the server holds after a busy month, old and new."""
    owner = world.methodist_a
    now = timezone.now()
    old_export = job(owner, JobKind.EXPORT, JobStatus.DONE, name="old.xlsx", created=DAYS_AGO_40, finished=DAYS_AGO_40)
    new_export = job(owner, JobKind.EXPORT, JobStatus.DONE, name="new.xlsx", finished=now)
    old_check = job(
        owner, JobKind.IMPORT_CHECK, JobStatus.DONE, name="upload.xlsx", created=DAYS_AGO_40, finished=DAYS_AGO_40
    )
    # Confirmed yesterday: the save shares the old check's upload, which must stay.
    job(owner, JobKind.IMPORT_SAVE, JobStatus.QUEUED, shared=old_check.file.name)
    abandoned = job(owner, JobKind.EXPORT, JobStatus.QUEUED, created=DAYS_AGO_40)  # the worker never came
    roadmap = make_roadmap(
        world.department_a, world.school_a1, items=[("1.", "Приказ", "До 01.06.2026", ResponsibleKind.ORGANISATION)]
    )
    occurrence = roadmap.items.get().occurrences.get()
    occurrence.evidence_file.save("Приказ.pdf", ContentFile(b"%PDF-1.4"))
    old_evidence = media(occurrence.evidence_file.name)
    os.utime(old_evidence, (time.time() - 90 * 86400,) * 2)  # old, but the record of what was done
    replaced = stray(f"roadmap/evidence/{roadmap.pk}/Старый приказ.pdf", days_old=3)
    writing = stray("exchange/2026/12/uploading-now.xlsx", days_old=0.01)
    orphan = stray("exchange/2026/10/export-999.xlsx", days_old=5)
    for _ in range(2):
        SessionStore().create()
    Session.objects.update(expire_date=now - timedelta(days=1))
    SessionStore().create()  # a live one
    for finished, status in ((DAYS_AGO_40, "SUCCESSFUL"), (now, "SUCCESSFUL"), (DAYS_AGO_40, "FAILED")):
        DBTaskResult.objects.create(
            status=status,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="x.y",
            backend_name="default",
            run_after=finished,
            finished_at=finished,
            exception_class_path="",
            traceback="",
        )
    freshness._set_many({"expired-1": 1, "expired-2": 2}, timeout=-1)
    cache.set("live", 3)
    return {
        "gone": [media(old_export.file.name), orphan, replaced],
        "kept": [media(new_export.file.name), media(old_check.file.name), old_evidence, writing],
        "jobs gone": [old_export.pk, old_check.pk, abandoned.pk],
        "new export": new_export.pk,
    }


def test_old_exports_uploads_and_files_nothing_needs_are_removed_the_rest_stays(server):
    report = housekeeping.run(30)
    assert report.jobs == 3
    assert not Job.objects.filter(pk__in=server["jobs gone"]).exists()
    assert Job.objects.filter(pk=server["new export"]).exists()
    assert [path.exists() for path in server["gone"]] == [False, False, False]
    assert [path.exists() for path in server["kept"]] == [True, True, True, True]
    assert len(report.files) == 3 and report.bytes > 0
    assert (report.task_results, report.sessions, report.cache_rows) == (2, 2, 2)
    assert DBTaskResult.objects.count() == 1 and Session.objects.count() == 1
    assert cache.get("live") == 3
    again = housekeeping.run(30)  # nothing left to do
    assert (again.jobs, again.files, again.task_results, again.sessions, again.cache_rows) == (0, [], 0, 0, 0)


def test_a_dry_run_tells_the_same_and_removes_nothing(server):
    told = housekeeping.run(30, dry_run=True)
    assert all(path.exists() for path in server["gone"] + server["kept"])
    assert Job.objects.filter(pk__in=server["jobs gone"]).count() == 3
    done = housekeeping.run(30)
    assert (told.jobs, sorted(told.files), told.task_results, told.sessions, told.cache_rows) == (
        done.jobs,
        sorted(done.files),
        done.task_results,
        done.sessions,
        done.cache_rows,
    )


def test_the_command_reports_in_russian_and_refuses_a_wrong_term(server, capsys):
    call_command("housekeeping", "--days", "30", "--dry-run")
    out = capsys.readouterr().out
    assert "Будет удалено" in out and "Заданий (выгрузки, загрузки): 3" in out and "Файлов: 3" in out
    assert all(path.exists() for path in server["gone"])
    with pytest.raises(CommandError, match="не меньше 1"):
        call_command("housekeeping", "--days", "0")
    call_command("housekeeping")
    assert "Удалено:" in capsys.readouterr().out
    assert not any(path.exists() for path in server["gone"])


def test_one_time_form_keys_leave_after_a_day(world):
    import uuid

    from jobs.models import Submission

    old = Submission.objects.create(token=uuid.uuid4(), user=world.curator_a1, path="/people/new/")
    Submission.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))
    fresh = Submission.objects.create(token=uuid.uuid4(), user=world.curator_a1, path="/people/new/")
    report = housekeeping.run()
    assert report.submissions == 1 and list(Submission.objects.all()) == [fresh]
