"""«Nothing lost» findings of the independent attack (issue 24): what a user keeps asking for after the
server lost it, and what a second click or a second worker must not double."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.urls import reverse

from jobs import exports, runner
from roadmap.models import ResponsibleKind
from tests.roadmap.conftest import make_roadmap


def test_a_file_gone_from_the_media_folder_is_a_russian_404_not_a_500(
    world, as_persona, django_capture_on_commit_callbacks
):
    """After a restore without the media folder, or a manual delete: a job's file and an evidence document."""
    roadmap = make_roadmap(world.department_a, items=[("1", "Совещание", "Ежегодно", ResponsibleKind.ORGANISATION)])
    exporter = exports.get("roadmap")(world.methodist_a, {"pk": roadmap.pk, "format": "xlsx"})
    with django_capture_on_commit_callbacks(execute=True):
        job = runner.start_export(world.methodist_a, exporter, total=1)
    job.refresh_from_db()
    occurrence = roadmap.items.get().occurrences.first()
    occurrence.evidence_file.save("Приказ.pdf", ContentFile(b"%PDF-1.4"))
    client = as_persona("methodist_a")
    assert client.get(reverse("job_download", args=[job.pk])).status_code == 200

    job.file.storage.delete(job.file.name)
    occurrence.evidence_file.storage.delete(occurrence.evidence_file.name)

    for url, remedy in (
        (reverse("job_download", args=[job.pk]), "Запустите выгрузку заново"),
        (reverse("roadmap_evidence", args=[occurrence.pk]), "Загрузите документ снова"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        page = response.content.decode()
        assert "Файл больше не хранится на сервере" in page and remedy in page
