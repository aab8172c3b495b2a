"""A curator uploads a school's Excel file: checked first, saved only on confirmation, bad files refused."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchange.official import MENTEES
from jobs.models import Job, JobKind, JobStatus
from tests.exchange.test_importer import CLEAN_MENTEES, counts, mentee_row, workbook

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name="база.xlsx", base="mentees", organisation=None, capture=None):
    form = {"base": base, "file": SimpleUploadedFile(name, data)}
    if organisation is not None:
        form["organisation"] = organisation.pk
    with capture(execute=True):
        return client.post(reverse("import_file"), form)


def test_check_then_confirm_saves_once(world, as_persona, django_capture_on_commit_callbacks):
    client = as_persona("curator_a1")
    before = counts()
    response = upload(
        client,
        workbook(MENTEES, CLEAN_MENTEES),
        organisation=world.school_a1,
        capture=django_capture_on_commit_callbacks,
    )
    check = Job.objects.get(kind=JobKind.IMPORT_CHECK)
    assert response["Location"] == reverse("job_detail", args=[check.pk])
    assert check.status == JobStatus.DONE and check.report["ok"] and counts() == before  # nothing saved yet
    page = client.get(response["Location"]).content.decode()
    assert "ошибок нет" in page and "Пока ничего не сохранено" in page and "Загрузить в реестр" in page

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("job_confirm", args=[check.pk]))
    save = Job.objects.get(kind=JobKind.IMPORT_SAVE)
    assert confirmed["Location"] == reverse("job_detail", args=[save.pk])
    assert save.status == JobStatus.DONE and save.report["saved"]
    after = counts()
    assert after[0] > before[0] and after[1] > before[1]
    assert "Загружено в реестр" in client.get(confirmed["Location"]).content.decode()
    # A second click on the same check opens the same saving: nothing is saved twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("job_confirm", args=[check.pk]))
    assert again["Location"] == confirmed["Location"] and counts() == after
    assert "Загрузить в реестр" not in client.get(response["Location"]).content.decode()


def test_a_file_with_mistakes_shows_where_and_cannot_be_saved(world, as_persona, django_capture_on_commit_callbacks):
    client = as_persona("curator_a1")
    before = counts()
    rows = [mentee_row(entry_date="31.02.2025"), mentee_row(mentee="Петров", format="ученик – робот")]
    upload(client, workbook(MENTEES, rows), organisation=world.school_a1, capture=django_capture_on_commit_callbacks)
    check = Job.objects.get()
    page = client.get(reverse("job_detail", args=[check.pk])).content.decode()
    assert f"В файле есть ошибки: {check.report['problem_count']}." in page and check.report["problem_count"] >= 2
    assert "31.02.2025" in page and "ученик – робот" in page
    assert "Загрузить в реестр" not in page
    response = client.post(reverse("job_confirm", args=[check.pk]), follow=True)
    assert "нельзя загрузить" in response.content.decode()
    assert not Job.objects.filter(kind=JobKind.IMPORT_SAVE).exists() and counts() == before


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("база.xlsx", "ФИО;Год\nИванов;2011".encode(), "Это текстовый файл, а не таблица"),
        ("база.xlsx", _zip({"word/document.xml": b"<w/>", "[Content_Types].xml": b"<Types/>"}), "не таблица Excel"),
        (
            "база.xlsx",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600,
            "защищён паролем",
        ),
        ("база.xlsm", _zip({"xl/workbook.xml": b"<w/>", "xl/vbaProject.bin": b"\0"}), "макросами"),
        ("база.xlsx", b"\0" * (10 * 2**20 + 1), "больше 10 МБ"),
    ],
)
def test_bad_files_are_refused_at_once_and_nothing_changes(
    world, as_persona, django_capture_on_commit_callbacks, name, data, message
):
    before = counts()
    response = upload(
        as_persona("curator_a1"),
        data,
        name=name,
        organisation=world.school_a1,
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200 and message in response.content.decode()
    assert not Job.objects.exists() and counts() == before


def test_a_curator_cannot_import_into_another_school(world, as_persona, django_capture_on_commit_callbacks):
    response = upload(
        as_persona("curator_a1"),
        workbook(MENTEES, CLEAN_MENTEES),
        organisation=world.school_a2,
        capture=django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200 and "Выберите корректный вариант" in response.content.decode()
    assert not Job.objects.exists()


def test_an_unrecognised_column_is_mapped_once_and_remembered_for_the_organisation(
    world, as_persona, django_capture_on_commit_callbacks
):
    """Issue 17: instead of refusing a base whose mentor column is headed «Руководитель», the page shows
    the file's other columns; the curator picks one, the file is checked again, and the school's next
    file with that header is read at once. Another school's file is not."""
    from exchange.models import ColumnMapping
    from exchange.official import MENTEES
    from tests.exchange.test_importer import mentee_row, workbook

    headers = [h if h != "ФИО наставника" else "Руководитель" for h in MENTEES.headers]
    content = workbook(MENTEES, [mentee_row()], headers=headers)

    def checked(client, organisation):
        response = upload(client, content, organisation=organisation, capture=django_capture_on_commit_callbacks)
        return Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))

    client = as_persona("curator_a1")
    job = checked(client, world.school_a1)
    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Не узнали столбцы: подскажите, где они" in page
    assert "«ФИО наставника» — это столбец" in page and "F: «Руководитель»" in page

    # No answer changes nothing.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_map", args=[job.pk]), {"mentor": ""})
    assert response.status_code == 302 and not ColumnMapping.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("import_map", args=[job.pk]), {"mentor": "F"})
    again = Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    assert again.pk != job.pk and again.report["ok"], again.report
    mapping = ColumnMapping.objects.get()
    assert (mapping.organisation, mapping.kind, mapping.header, mapping.key) == (
        world.school_a1,
        "mentees",
        "руководитель",
        "mentor",
    )
    # The school's next file is read with it; another school's is not.
    assert checked(client, world.school_a1).report["ok"]
    other = checked(as_persona("curator_a2"), world.school_a2)
    assert not other.report["ok"] and other.report["mapping"]["missing"] == [["mentor", "ФИО наставника"]]
