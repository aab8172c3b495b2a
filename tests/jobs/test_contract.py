"""The export contract: every file a user downloads comes from a registered exporter through the one
view, and any of them runs as a background job for its owner, with the same file as the request gives."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from jobs import exports, runner
from jobs.models import Job, JobKind, JobStatus
from jobs.views import download
from registry.models import Membership
from roadmap.models import ResponsibleKind
from tests import factories
from tests.roadmap.conftest import make_roadmap


def download_urls() -> dict[str, str]:
    """URL name → exporter identifier, for every URL the download view serves."""
    found: dict[str, str] = {}

    def walk(patterns) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif isinstance(pattern, URLPattern) and pattern.callback is download:
                found[pattern.name] = pattern.default_args["exporter"]

    walk(get_resolver().url_patterns)
    return found


def test_every_exporter_has_a_download_url_and_every_download_an_exporter():
    urls = download_urls()
    assert set(urls.values()) == set(exports.EXPORTERS)
    assert urls == {
        "export": "bases",
        "roadmap_export": "roadmap",
        "register_export": "document-register",
        "indicators_export": "indicators",
        "indicators_report": "report",
        "contingent_template": "contingent-template",
        "person_extract": "person-extract",
        "influence_results_export": "influence-results",
        "paperwork_pair_order_download": "pair-order",
        "paperwork_consent": "consent",
        "mentor_portfolio": "mentor-portfolio",
        "mentor_nomination": "mentor-nomination",
    }
    for identifier, exporter in exports.EXPORTERS.items():
        assert exporter.identifier == identifier and exporter.verbose_name
        assert exporter.formats and set(exporter.formats) <= set(exports.FORMAT_LABELS)


def _document_register(world):
    """Department A's document register with one document (roadmap/register.py)."""
    from roadmap import register

    found = register.open_register(world.department_a, register.academic_period(2026), user=None)
    item = register.new_requirement(found)
    item.content = "Положение о наставничестве"
    register.save_requirement(item, date(2026, 9, 20))
    return found


@pytest.fixture
def files(world):
    """Something in every file: a pair, a roadmap, a person."""
    mentor = factories.student(world.school_a1, last_name="Соколова", birth_year=2008)
    mentee = factories.student(world.school_a1, last_name="Иванов", birth_year=2010)
    factories.pair(mentor, [mentee], entry_date=date(2026, 9, 1))
    roadmap = make_roadmap(
        world.department_a, items=[("1.1", "Совещание кураторов", "Ежеквартально", ResponsibleKind.ORGANISATION)]
    )
    return {
        "bases": {"base": "mentees", "period": "current", "organisations": [], "filters": {}},
        "roadmap": {"pk": roadmap.pk},
        "document-register": {"pk": _document_register(world).pk},
        "indicators": {},
        "report": {},
        "contingent-template": {"year": 2026},
        "person-extract": {"pk": mentee.pk},
        "influence-results": {},
        "pair-order": {"pk": world.school_a1.pk, "pairs": []},
        "consent": {"pk": mentee.pk, "consent": "data"},
        "mentor-portfolio": {"pk": mentor.pk},
        "mentor-nomination": {"pk": mentor.pk},
    }


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Start a job as a request does: it is enqueued when the transaction commits (run at once in tests)."""

    def started(start, *args, **kwargs) -> Job:
        with django_capture_on_commit_callbacks(execute=True):
            job = start(*args, **kwargs)
        job.refresh_from_db()
        return job

    return started


def signature(file_format: str) -> bytes:
    return b"%PDF" if file_format == "pdf" else b"PK\x03\x04"


@pytest.mark.parametrize(
    ("identifier", "file_format"),
    [
        (identifier, file_format)
        for identifier in sorted(exports.EXPORTERS)
        for file_format in exports.EXPORTERS[identifier].formats
    ],
)
def test_any_exporter_runs_as_a_job_and_gives_the_file_of_the_request(world, files, run, identifier, file_format):
    exporter = exports.get(identifier)(world.methodist_a, {**files[identifier], "format": file_format})
    direct = io.BytesIO()
    rows = exporter.render(file_format, direct)

    job = run(runner.start_export, world.methodist_a, exporter, total=exporter.count())

    assert job.kind == JobKind.EXPORT and job.status == JobStatus.DONE, job.message
    assert job.filename == exporter.filename(file_format) and job.filename.endswith(f".{file_format}")
    assert job.done == rows
    content = job.file.open("rb").read()
    assert content.startswith(signature(file_format)) and direct.getvalue().startswith(signature(file_format))
    if file_format == "xlsx":
        with zipfile.ZipFile(io.BytesIO(content)) as made, zipfile.ZipFile(direct) as asked:
            sheets = sorted(name for name in made.namelist() if name.startswith("xl/worksheets/"))
            assert sheets == sorted(name for name in asked.namelist() if name.startswith("xl/worksheets/"))
            assert [made.read(name) for name in sheets] == [asked.read(name) for name in sheets]


def test_a_job_applies_its_owners_scope_again_in_the_worker(world, files, run):
    """A curator who lost the role before the worker ran gets no file, and a Russian reason."""
    exporter = exports.get("roadmap")(world.curator_a1, {**files["roadmap"], "format": "xlsx"})
    Membership.objects.filter(user=world.curator_a1).delete()
    job = run(runner.start_export, world.curator_a1, exporter, total=1)
    assert job.status == JobStatus.FAILED and job.message == runner.NO_LONGER_ALLOWED_MESSAGE and not job.file


def test_a_job_started_before_the_contract_still_runs(world, files, run):
    """Jobs queued by the previous release hold the bases' choices without an exporter's name."""
    job = run(
        runner.start,
        Job(
            owner=world.methodist_a,
            kind=JobKind.EXPORT,
            title="База наставляемых",
            params={"base": "mentees", "file_format": "xlsx", "period": "current", "organisations": [], "filters": {}},
            total=1,
        ),
    )
    assert job.status == JobStatus.DONE and job.filename.startswith("База наставляемых")


def test_a_download_past_its_threshold_becomes_a_job_with_a_progress_page(
    world, files, monkeypatch, as_persona, django_capture_on_commit_callbacks
):
    from exchange.exports import BasesExporter

    monkeypatch.setitem(BasesExporter.background_after, "xlsx", 0)
    with django_capture_on_commit_callbacks(execute=True):
        response = as_persona("methodist_a").post(
            reverse("export"), {"base": "mentees", "period": "current", "file_format": "xlsx"}
        )
    job = Job.objects.get(owner=world.methodist_a)
    assert response.status_code == 302 and response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.params["exporter"] == "bases" and job.status == JobStatus.DONE


def test_an_unknown_format_in_a_link_is_404_in_russian(world, files, as_persona):
    response = as_persona("methodist_a").get(
        reverse("roadmap_export", args=[files["roadmap"]["pk"]]), {"format": "docx"}
    )
    assert response.status_code == 404


def test_a_job_is_its_owners_alone(world, files, as_persona, run):
    exporter = exports.get("roadmap")(world.methodist_a, {**files["roadmap"], "format": "xlsx"})
    job = run(runner.start_export, world.methodist_a, exporter, total=1)
    assert as_persona("methodist_a").get(reverse("job_download", args=[job.pk])).status_code == 200
    for persona in ("head_a", "curator_a1", "methodist_b"):
        assert as_persona(persona).get(reverse("job_download", args=[job.pk])).status_code == 404
    assert list(Job.objects.for_user(world.head_a)) == []
