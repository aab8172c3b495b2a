"""«Nothing lost» findings of the independent attack (issue 24): what a user keeps asking for after the
server lost it, and what a second click or a second worker must not double."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.apps import apps
from django.core.files.base import ContentFile
from django.db.models import F
from django.urls import reverse

from common.forms import CONFLICT_MESSAGE
from jobs import exports, runner
from monitoring.models import Contingent
from roadmap.models import ResponsibleKind
from tests import factories
from tests.conftest import client_for
from tests.roadmap.conftest import make_roadmap
from tests.security.hostile.forms_world import FORM_CASES, forms_on
from tests.test_permissions import C1, MATRIX, M

APPS = {"registry", "roadmap", "monitoring", "jobs"}


def edit_pages(world):
    """Every GET of the permission matrix whose page edits a saved row (a ModelForm with an instance),
    with the persona that may save it."""
    for name, kwargs, method, expected in MATRIX:
        if method != "get":
            continue
        persona = next((p for p in (M, C1) if expected[p] == 200), None)
        if persona is None:
            continue
        arguments = kwargs(world)
        query = arguments.pop("_query", "")
        url = reverse(name, kwargs=arguments) + (f"?{query}" if query else "")
        client = client_for(world, persona)
        response = client.get(url)
        form = (response.context or {}).get("form") if response.status_code == 200 else None
        if isinstance(form, forms.BaseModelForm) and form.instance.pk:
            yield name, url, client, form, response.context


def posted(context) -> dict:
    """What a browser posts back for every form of the page as it was shown (formsets with their
    management forms)."""
    data: dict = {}
    values = [context[key] for key in context.keys()]  # noqa: SIM118 — a ContextList iterates contexts
    shown = {id(v): v for v in values if isinstance(v, (forms.BaseForm, forms.BaseFormSet))}
    for thing in shown.values():
        if isinstance(thing, forms.BaseFormSet):
            data.update(_fields(thing.management_form))
            for form in thing.forms:  # rows of saved records get their required fields filled
                data.update(_fields(form, fill=bool(getattr(getattr(form, "instance", None), "pk", None))))
        else:
            data.update(_fields(thing, fill=thing is context["form"]))
    return data


def _fields(form, fill: bool = False) -> dict:
    """The form's values as shown, and a plausible value in a required field left empty (a stale save
    must be refused for its version, not for a missing date)."""
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False or value == "":
            if fill and field.field.required and not isinstance(field.field.widget, forms.HiddenInput):
                data[field.html_name] = _plausible(field.field)
            continue
        if isinstance(value, (list, tuple)):
            data[field.html_name] = [str(v) for v in value]
        elif hasattr(value, "strftime"):
            data[field.html_name] = value.strftime("%d.%m.%Y")
        else:
            data[field.html_name] = "on" if value is True else str(value)
    return data


def _plausible(field: forms.Field) -> str:
    if isinstance(field, forms.DateField):
        return "25.05.2026"
    if isinstance(field, forms.ChoiceField):
        return next(str(value) for value, _ in field.choices if value not in ("", None))
    if isinstance(field, forms.IntegerField):
        return "1"
    return "Итоги программы"


def test_every_edit_page_refuses_a_stale_save_and_keeps_what_was_saved(world):
    """Two people open the same form; the first saves; the second's save is refused, the first's kept."""
    make_roadmap(world.department_a, items=[("1", "Совещание", "Ежегодно", ResponsibleKind.ORGANISATION)])
    factories.pair(
        factories.student(world.school_a1, birth_year=2008), [factories.student(world.school_a1, birth_year=2012)]
    )
    Contingent.objects.create(organisation=world.school_a1, year=2025, students_total=500)
    seen = []
    for name, url, client, form, context in edit_pages(world):
        seen.append(name)
        model = type(form.instance)
        version = model._concurrencymeta.field.name if hasattr(model, "_concurrencymeta") else "version"
        assert version in form.fields, f"{name}: the form edits a shared row without a version"
        model.objects.filter(pk=form.instance.pk).update(**{version: F(version) + 1})  # someone saved meanwhile
        before = model.objects.filter(pk=form.instance.pk).values().get()
        response = client.post(url, posted(context))
        assert response.status_code == 200, f"{name}: a stale save answered {response.status_code}"
        assert CONFLICT_MESSAGE in response.content.decode(), name
        assert model.objects.filter(pk=form.instance.pk).values().get() == before, f"{name}: the row changed"
    assert {"organisation_edit", "roadmap_section_edit", "reference_edit", "contingent_edit"} <= set(seen)


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


# --- 2. Double submit --------------------------------------------------------------------------------------

# Optional fields that the form's rules ask for together with others.
FILLED_BY_HAND = {
    "consent_create": {"representative_name": "Иванова Мария Петровна", "representative_relation": "мать"},
    "pair_create": {"order_number": "112-од"},
}
CREATE_CASES = [case for case in FORM_CASES if "create" in case.id or case.id in ("curator_invite", "roadmap_copy")]


def one_time_token(page) -> str:
    found = re.search(r'name="submission" value="([0-9a-f-]{36})"', page.content.decode())
    assert found, "the form carries no one-time token"
    return found.group(1)


@pytest.mark.parametrize("case", CREATE_CASES, ids=[case.id for case in CREATE_CASES])
def test_a_create_form_sent_twice_creates_once(form_world, case):
    """A double click, a resent form, the back button: the second sending creates nothing and leads where
    the first did."""
    client = client_for(form_world.world, case.persona)
    url = case.url(form_world)
    page = client.get(url)
    main = page.context["form"]
    data = {}
    for form in forms_on(page):
        data.update(_fields(form, fill=form is main))  # the main form's required fields filled plausibly
    data.update(case.base(form_world, 1) if case.base else {})
    data.update(FILLED_BY_HAND.get(case.id, {}))
    data["submission"] = one_time_token(page)
    counts = {model: model.objects.count() for model in apps.get_models() if model._meta.app_label in APPS}

    first = client.post(url, data)
    assert first.status_code == 302, f"{case.id}: the first sending answered {first.status_code}"
    created = {model: model.objects.count() for model in counts}
    second = client.post(url, data)

    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert {model: model.objects.count() for model in counts} == created, f"{case.id}: the second sending created"
    assert any(created[model] > counts[model] for model in counts), f"{case.id}: the first sending created nothing"
    assert "Эта форма уже отправлена" in client.get(second["Location"]).content.decode()


def test_every_create_page_carries_a_one_time_token(form_world):
    for case in CREATE_CASES:
        page = client_for(form_world.world, case.persona).get(case.url(form_world))
        one_time_token(page)


def test_an_export_and_an_upload_sent_twice_start_one_job(world, as_persona, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from exchange.exports import BasesExporter
    from jobs.models import Job
    from tests.exchange.test_workbook import mentees_file

    monkeypatch.setitem(BasesExporter.background_after, "xlsx", 0)  # every export of a row or more: a job
    factories.pair(factories.student(world.school_a1, birth_year=2008), [factories.student(world.school_a1)])
    client = as_persona("curator_a1")
    token = one_time_token(client.get(reverse("export")))
    data = {"base": "mentees", "period": "all", "file_format": "xlsx", "submission": token}
    first, second = client.post(reverse("export"), data), client.post(reverse("export"), data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Job.objects.count() == 1

    token = one_time_token(client.get(reverse("import_file")))
    sent = []
    for _ in range(2):
        upload = SimpleUploadedFile("база.xlsx", mentees_file())
        sent.append(
            client.post(
                reverse("import_file"),
                {"base": "mentees", "organisation": world.school_a1.pk, "file": upload, "submission": token},
            )
        )
    assert sent[0]["Location"] == sent[1]["Location"] and Job.objects.count() == 2
