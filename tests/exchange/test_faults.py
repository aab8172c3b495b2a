"""Faults around files and jobs: the disk full, the worker down, an import interrupted.

Each ends with a clear Russian message, nothing half-saved (no row, no part of a file), and a way to
do the same again once the cause is gone. The disk is made full at the point where bytes are
written (the file's chunks raise ENOSPC after the first one), so the real storage code runs.
"""

import errno
import os
import re
import shutil
import subprocess
import time
from datetime import timedelta

import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from exchange import uploads
from exchange.exports import BasesExporter
from exchange.official import MENTEES
from jobs import runner
from jobs.models import Job, JobKind, JobStatus
from tests import factories
from tests.exchange.test_import_pages import upload
from tests.exchange.test_importer import CLEAN_MENTEES, counts, workbook

pytestmark = pytest.mark.django_db


def files_in(folder):
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@pytest.fixture
def full_disk(monkeypatch):
    """Writing any stored file fails with «No space left on device» after its first chunk."""

    def chunks(self, chunk_size=None):
        first = next(iter(chunks.originals[type(self)](self)), b"")
        yield first[:64]
        raise OSError(errno.ENOSPC, "No space left on device")

    chunks.originals = {File: File.chunks, InMemoryUploadedFile: InMemoryUploadedFile.chunks}
    monkeypatch.setattr(File, "chunks", chunks)
    monkeypatch.setattr(InMemoryUploadedFile, "chunks", chunks)
    return monkeypatch


@pytest.fixture
def pairs_of_a1(world):
    mentor = factories.student(world.school_a1, birth_year=2008)
    factories.pair(mentor, [factories.student(world.school_a1), factories.student(world.school_a1)])


def test_an_upload_onto_a_full_disk_says_so_and_leaves_nothing(
    world, as_persona, settings, full_disk, django_capture_on_commit_callbacks
):
    before = counts()
    response = upload(
        as_persona("curator_a1"),
        workbook(MENTEES, CLEAN_MENTEES),
        organisation=world.school_a1,
        capture=django_capture_on_commit_callbacks,
    )
    page = response.content.decode()
    assert response.status_code == 507
    assert "на сервере закончилось место" in page and "ничего не сохранено наполовину" in page
    assert not Job.objects.exists() and counts() == before
    assert files_in(settings.MEDIA_ROOT) == [], "the part already written is removed"

    full_disk.undo()  # the administrator freed space: the same upload works
    again = upload(
        as_persona("curator_a1"),
        workbook(MENTEES, CLEAN_MENTEES),
        organisation=world.school_a1,
        capture=django_capture_on_commit_callbacks,
    )
    assert again.status_code == 302 and Job.objects.get().status == JobStatus.DONE


def test_a_large_upload_onto_a_full_disk_says_so_before_any_view_reads_it(
    world, as_persona, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Past FILE_UPLOAD_MAX_MEMORY_SIZE Django spools an upload to a temporary file while the form is read —
    by the CSRF check, before any view. A full disk there is the same Russian page, with nothing saved."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # the workbook goes to a temporary file, as a large one does
    client = as_persona("curator_a1")
    client.handler.enforce_csrf_checks = True  # as a browser meets it: the check reads the form first
    token = str(client.get(reverse("import_file")).context["csrf_token"])
    form = {"base": "mentees", "organisation": world.school_a1.pk, "csrfmiddlewaretoken": token}

    def no_space(self, raw_data, start):
        raise OSError(errno.ENOSPC, "No space left on device")

    before = counts()
    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", no_space)
    response = client.post(
        reverse("import_file"), {**form, "file": SimpleUploadedFile("база.xlsx", workbook(MENTEES, CLEAN_MENTEES))}
    )
    assert response.status_code == 507
    assert "на сервере закончилось место" in response.content.decode()
    assert response.has_header("Content-Security-Policy")  # the page went out through the usual headers
    assert not Job.objects.exists() and counts() == before
    # Its forms work: the logout button's token matches the CSRF cookie.
    logout_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode()).group(1)
    assert client.post(reverse("logout"), {"csrfmiddlewaretoken": logout_token}).status_code == 302
    client = as_persona("curator_a1")
    client.handler.enforce_csrf_checks = True
    token = str(client.get(reverse("import_file")).context["csrf_token"])
    form["csrfmiddlewaretoken"] = token

    monkeypatch.undo()  # space freed: the same upload goes through the CSRF check and is checked
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(
            reverse("import_file"), {**form, "file": SimpleUploadedFile("база.xlsx", workbook(MENTEES, CLEAN_MENTEES))}
        )
    assert again.status_code == 302 and Job.objects.get().status == JobStatus.DONE


def test_an_upload_broken_off_by_the_client_is_refused_as_before_not_a_server_error(
    world, as_persona, settings, monkeypatch
):
    """The connection lost mid-upload: the CSRF check refuses the half-read form (403), as it always did."""
    from django.core.files.uploadhandler import TemporaryFileUploadHandler
    from django.http import UnreadablePostError

    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = as_persona("curator_a1")
    client.handler.enforce_csrf_checks = True
    token = str(client.get(reverse("import_file")).context["csrf_token"])

    def gone(self, raw_data, start):
        raise UnreadablePostError("request data read error")

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", gone)
    response = client.post(
        reverse("import_file"),
        {
            "base": "mentees",
            "organisation": world.school_a1.pk,
            "csrfmiddlewaretoken": token,
            "file": SimpleUploadedFile("база.xlsx", workbook(MENTEES, CLEAN_MENTEES)),
        },
    )
    assert response.status_code == 403 and not Job.objects.exists()


@pytest.fixture
def small_disk(tmp_path):
    """A real filesystem of 1 MB (tmpfs) for the test's files; mounting needs root, as CI has."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", str(disk)], capture_output=True, text=True
    )
    if mounted.returncode:
        pytest.skip(f"a tmpfs cannot be mounted here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk) -> None:
    """Write until the kernel says «No space left on device»."""
    with open(disk / "filler", "wb") as filler:
        try:
            while True:
                filler.write(b"\0" * 65536)
                filler.flush()
        except OSError as error:
            assert error.errno == errno.ENOSPC


@pytest.mark.parametrize("where", ["spooling the upload", "saving the file"])
def test_a_really_full_disk_says_so_and_leaves_nothing(
    world, as_persona, settings, small_disk, where, django_capture_on_commit_callbacks
):
    """No stand-in: the media folder (and the upload's temporary file) on a tmpfs filled to the last byte."""
    settings.MEDIA_ROOT = small_disk / "media"
    if where == "spooling the upload":
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
        settings.FILE_UPLOAD_TEMP_DIR = str(small_disk)
    fill(small_disk)
    client = as_persona("curator_a1")
    client.handler.enforce_csrf_checks = True
    token = str(client.get(reverse("import_file")).context["csrf_token"])
    form = {"base": "mentees", "organisation": world.school_a1.pk, "csrfmiddlewaretoken": token}
    before = counts()

    def send():
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                reverse("import_file"),
                {**form, "file": SimpleUploadedFile("база.xlsx", workbook(MENTEES, CLEAN_MENTEES))},
            )

    response = send()
    assert response.status_code == 507
    assert "на сервере закончилось место" in response.content.decode()
    assert not Job.objects.exists() and counts() == before
    assert sorted(p.name for p in small_disk.rglob("*") if p.is_file()) == ["filler"], "nothing half-written"

    (small_disk / "filler").unlink()  # the administrator freed space: the same upload goes through
    again = send()
    assert again.status_code == 302 and Job.objects.get().status == JobStatus.DONE


def test_an_export_job_on_a_full_disk_fails_clearly_and_runs_again(
    world, as_persona, settings, full_disk, pairs_of_a1, django_capture_on_commit_callbacks
):
    full_disk.setitem(BasesExporter.background_after, "xlsx", 0)
    client = as_persona("curator_a1")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("export"), {"base": "mentees", "period": "all", "file_format": "xlsx"})
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and job.message == runner.DISK_FULL_MESSAGE and not job.file
    assert files_in(settings.MEDIA_ROOT) == []
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "закончилось место на диске" in page and "Запустить заново" in page

    full_disk.undo()
    full_disk.setitem(BasesExporter.background_after, "xlsx", 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("job_retry", args=[job.pk]))
    again = Job.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("job_detail", args=[again.pk])
    assert again.status == JobStatus.DONE and again.total == 2 and again.params == job.params
    assert client.get(reverse("job_download", args=[again.pk])).status_code == 200


def test_with_the_worker_down_an_export_waits_says_why_and_can_be_cancelled_or_finished(
    world, as_persona, settings, monkeypatch, pairs_of_a1, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    monkeypatch.setitem(BasesExporter.background_after, "xlsx", 0)
    client = as_persona("curator_a1")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("export"), {"base": "mentees", "period": "all", "file_format": "xlsx"})
    waiting, cancelled = Job.objects.order_by("pk")
    assert "не запущен" not in client.get(reverse("job_detail", args=[waiting.pk])).content.decode()
    Job.objects.update(created_at=timezone.now() - timedelta(minutes=5))  # nobody took them for 5 minutes
    page = client.get(reverse("job_detail", args=[waiting.pk])).content.decode()
    assert "фоновый обработчик заданий, похоже, не запущен" in page and "Отменить задание" in page

    client.post(reverse("job_cancel", args=[cancelled.pk]))
    cancelled.refresh_from_db()
    assert cancelled.status == JobStatus.FAILED and "отменено" in cancelled.message

    # The worker is started again: it runs the waiting job and skips the cancelled one.
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    waiting.refresh_from_db()
    cancelled.refresh_from_db()
    assert (
        waiting.status == JobStatus.DONE and client.get(reverse("job_download", args=[waiting.pk])).status_code == 200
    )
    assert cancelled.status == JobStatus.FAILED and not cancelled.file
    assert client.post(reverse("job_cancel", args=[waiting.pk])).status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.DONE, "a finished job is not cancelled"


def test_an_interrupted_import_is_reported_and_saved_once_when_run_again(
    world, as_persona, django_capture_on_commit_callbacks
):
    client = as_persona("curator_a1")
    before = counts()
    upload(
        client,
        workbook(MENTEES, CLEAN_MENTEES),
        organisation=world.school_a1,
        capture=django_capture_on_commit_callbacks,
    )
    check = Job.objects.get(kind=JobKind.IMPORT_CHECK)
    # The worker was killed while saving: its transaction never committed, the job row says «running».
    interrupted = Job.objects.create(
        owner=world.curator_a1,
        kind=JobKind.IMPORT_SAVE,
        title="Загрузка файла",
        status=JobStatus.RUNNING,
        params={**check.params, "checked": check.pk},
        file=check.file.name,
        heartbeat_at=timezone.now() - timedelta(minutes=10),
    )
    page = client.get(reverse("job_detail", args=[interrupted.pk])).content.decode()
    assert "Задание прервано" in page and "Ничего не сохранено наполовину" in page and "hx-trigger" not in page
    assert counts() == before

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("job_retry", args=[interrupted.pk]))
    interrupted.refresh_from_db()
    assert interrupted.status == JobStatus.FAILED and interrupted.message == runner.INTERRUPTED_MESSAGE
    again = Job.objects.get(kind=JobKind.IMPORT_SAVE, status=JobStatus.DONE)
    assert response["Location"] == reverse("job_detail", args=[again.pk]) and again.report["saved"]
    saved = counts()
    assert saved[0] > before[0]

    # Run again once more (a second click on an old page): the upload is not saved twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("job_retry", args=[interrupted.pk]))
    third = Job.objects.filter(kind=JobKind.IMPORT_SAVE).latest("pk")
    assert third.status == JobStatus.FAILED and third.message == uploads.ALREADY_SAVED_MESSAGE
    assert counts() == saved


def test_a_running_job_with_a_recent_heartbeat_is_not_interrupted(world, as_persona):
    job = Job.objects.create(
        owner=world.curator_a1,
        kind=JobKind.EXPORT,
        title="База",
        status=JobStatus.RUNNING,
        heartbeat_at=timezone.now() - timedelta(seconds=20),
        params=factories.export_params(),
    )
    page = as_persona("curator_a1").get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "прервано" not in page and "hx-trigger" in page
    assert as_persona("curator_a1").post(reverse("job_retry", args=[job.pk])).status_code == 302
    assert Job.objects.count() == 1, "a job still running is not started twice"


@pytest.mark.django_db(transaction=True)  # real transactions: two connections
def test_two_workers_saving_the_same_file_at_once_save_its_people_once(world, as_persona, monkeypatch):
    """Two uploads of one file, confirmed together and saved by two workers at the same moment: the
    second waits for the first (a lock on the organisation) and matches what it saved."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time: two workers never save together there")
    import importlib
    import threading

    from django.apps import apps
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    # Transactional tests run last, after the browser tests' flushes took the seeded reference lists away.
    importlib.import_module("registry.migrations.0003_seed_reference_lists").seed(apps, None)

    # Two uploads of the same file, each checked (as the check job leaves them), both confirmed.
    name = default_storage.save("exchange/база.xlsx", ContentFile(workbook(MENTEES, CLEAN_MENTEES)))
    params = {"base": "mentees", "organisation": world.school_a1.pk, "filename": "база.xlsx"}
    checks = [
        Job.objects.create(
            owner=world.curator_a1,
            kind=JobKind.IMPORT_CHECK,
            status=JobStatus.DONE,
            title="Проверка файла",
            params=params,
            file=name,
            report={"ok": True},
        )
        for _ in range(2)
    ]
    before = counts()
    savings = [
        Job.objects.create(
            owner=world.curator_a1,
            kind=JobKind.IMPORT_SAVE,
            title="Загрузка файла",
            params={**params, "checked": check.pk},
            file=name,
        )
        for check in checks
    ]
    start = threading.Barrier(2)
    # Matching done, writing not yet: long enough for the other worker to match the same organisation.
    from exchange.importer.engine import _Import

    check_clashes = _Import.check_file_clashes
    monkeypatch.setattr(_Import, "check_file_clashes", lambda self: (time.sleep(1), check_clashes(self))[1])

    def worker(job: Job) -> None:
        try:
            start.wait()
            runner.run_job.call(job.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in savings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    done = Job.objects.filter(pk__in=[job.pk for job in savings])
    assert sorted(done.values_list("status", flat=True)) == [JobStatus.DONE, JobStatus.DONE]
    assert all(job.report["saved"] for job in done), [job.report.get("problems") for job in done]
    created = sorted(job.report["created"].get("people", 0) for job in done)
    assert created[0] == 0 < created[1], f"both savings created people: {created}"
    once = counts()
    assert once[0] > before[0]
    # Checking the file once more finds everyone: nothing new.
    third = Job.objects.create(
        owner=world.curator_a1, kind=JobKind.IMPORT_CHECK, title="Проверка файла", params=params, file=name
    )
    runner.run_job.call(third.pk)
    third.refresh_from_db()
    assert third.status == JobStatus.DONE and third.report["created"].get("people", 0) == 0
    assert counts() == once
