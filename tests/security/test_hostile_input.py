"""Hostile input: every text field takes it, and every page, PDF and XLSX renders it inert.

Three ways in are covered:

1. **The real forms** (`FORM_CASES`): each form is fetched and posted by the client as the methodist or
   the curator, with every free-text field of the form set to one hostile value at a time
   (`FORM_KINDS`). A form either stores the value exactly as typed and redirects, or refuses it with a
   Russian message and leaves the database as it was; never a 500. A NUL is refused with Django's
   (Russian) message. The saved value is then shown escaped on the page the form redirects to.
2. **The database** (`seed`): every free-text column of the registry, roadmap, monitoring and exchange
   models (found through `_meta`, so a new one is picked up) is filled directly, bypassing the forms,
   in three variants: markup (`<script>…`, `"><img onerror>`), spreadsheet formulas (`=`, `+`, `-`, `@`)
   and stress (control characters, NUL, RTL override, zero-width and combining characters, and the
   longest value the column takes: its max_length, or 5,000 characters). Then every page of the project
   is rendered (`PAGES`, checked against the project's URL names) and the raw markup never appears.
3. **Every file the app writes**: the bases (in the request and as a background job), the roadmap, the
   indicator table, the analytic report (XLSX and PDF) and the contingent template (XLSX). In an XLSX no
   cell is a formula or carries a hyperlink, and a text that starts like a formula is stored as text with
   Excel's quote prefix (what exchange/writers.py does), while real numbers stay numbers. A PDF is
   rendered without error, shows the script text literally and has no /URI or /JavaScript action.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from exchange import jobs
from exchange.models import Job, JobKind, JobStatus
from monitoring.models import Contingent
from registry.models import (
    Consent,
    MeetingKind,
    MentoringFormat,
    MentoringKind,
    MentoringPair,
    Meeting,
    Participants,
    PairMentee,
    Person,
    RoleModel,
)
from registry.services.pairs import save_pair
from roadmap.models import Occurrence, ResponsibleKind, Section
from tests import factories
from tests.conftest import client_for
from tests.roadmap.conftest import ddmmyyyy, make_roadmap
from tests.test_permissions import _url_names

# --- The hostile values ----------------------------------------------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
HYPERLINK = '=HYPERLINK("http://evil.example","клик")'
CMD = "+cmd|' /C calc'!A0"
MINUS = "-2+3"
AT = "@SUM(A1)"
FORMULAS = (HYPERLINK, CMD, MINUS, AT)
FORMULA_STARTS = ("=", "+", "-", "@")
RTL = "Иванов\u202eвонавИ"  # RIGHT-TO-LEFT OVERRIDE in the middle of a name
ZERO_WIDTH = "Ив\u200bа\u200cн\u200dо\u2060в\ufeffа\u0301\u0336"  # ZWSP, ZWNJ, ZWJ, WJ, BOM, combining marks
NUL = "Иван\x00ов"
CONTROL = "".join(chr(code) for code in range(1, 32))  # \x01 … \x1f, the characters XML 1.0 forbids and more
LONG = 5000  # characters in a text field without a max_length

# What may never reach a page unescaped. The project's own <script> tags all have a src attribute.
RAW_MARKUP = re.compile(r"<script(?![^>]*\bsrc=)|<img src=x|<img\s[^>]*onerror", re.IGNORECASE)
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
ENGLISH_DJANGO = ("Ensure this", "Enter a", "This field", "Null characters", "Select a valid", "is not")


def fit(text: str, limit: int | None) -> str:
    return text if limit is None else text[:limit]


def raw_markup(html: str) -> list[str]:
    return [html[max(0, m.start() - 60):m.end() + 60] for m in RAW_MARKUP.finditer(html)]


# --- The text columns of the models -----------------------------------------------------------------

TEXT_APPS = ("registry", "roadmap", "monitoring", "exchange")

# Text columns that cannot hold free text. Everything else that is a CharField or TextField (URLField,
# EmailField …) or a FileField (its stored name) in TEXT_APPS is fed hostile input below. Left out by
# rule as well (see `free_text_fields`): fields with choices (a CheckConstraint refuses any other value)
# and fields that are not editable (search_text, name_key and PairMentee's copies of the pair's facts,
# computed from the fields fed here).
NOT_FREE_TEXT = {
    "registry.User.password": "a salted hash written by set_password; never typed as text, never shown",
    "registry.EducationDepartment.code": "code_validator: Latin letters, digits, . - _ (else refused in Russian)",
    "registry.Organisation.code": "code_validator: Latin letters, digits, . - _ (else refused in Russian)",
    "roadmap.Occurrence.key": "the schedule's key («2025», «2025-09») that sync_occurrences matches rows by; "
                              "written by code, never typed, never shown",
}


def label(model_field: models.Field) -> str:
    meta = model_field.model._meta
    return f"{meta.app_label}.{meta.object_name}.{model_field.name}"


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    found = []
    for model_field in model._meta.concrete_fields:
        if not isinstance(model_field, (models.CharField, models.TextField, models.FileField)):
            continue
        if model_field.choices or not model_field.editable or label(model_field) in NOT_FREE_TEXT:
            continue
        found.append(model_field)
    return found


def all_free_text_fields() -> set[str]:
    return {
        label(model_field)
        for app in TEXT_APPS
        for model in apps.get_app_config(app).get_models()
        for model_field in free_text_fields(model)
    }


# --- Filling the database directly ------------------------------------------------------------------


class Payload:
    """The value a column gets in one variant of the hostile world; `tag` names the column and row."""

    name = ""

    def text(self, model_field: models.Field, tag: str, index: int) -> str:
        raise NotImplementedError

    def file_name(self, tag: str) -> str:
        raise NotImplementedError


class Markup(Payload):
    name = "markup"

    def text(self, model_field, tag, index):
        limit = model_field.max_length
        for candidate in (f"{SCRIPT}{IMG} {tag}", f"{SCRIPT} {tag}"):
            if limit is None or len(candidate) <= limit:
                return candidate
        return fit(SCRIPT, limit)  # a short column still opens a <script> tag

    def file_name(self, tag):
        return f"{IMG}.pdf"


class Formula(Payload):
    name = "formula"

    def text(self, model_field, tag, index):
        return fit(f"{FORMULAS[index % len(FORMULAS)]} {tag}", model_field.max_length)

    def file_name(self, tag):
        return "=1+2.pdf"


class Stress(Payload):
    """Control characters (NUL included: SQLite keeps it; PostgreSQL refuses it, and the forms refuse it
    first), bidi and zero-width characters, and the longest value the column takes."""

    name = "stress"

    def text(self, model_field, tag, index):
        start = f"\x00{CONTROL}{RTL}{ZERO_WIDTH} {tag} "
        length = model_field.max_length or LONG
        return (start + "ж" * length)[:length]

    def file_name(self, tag):
        return f"{CONTROL}{RTL}.pdf"  # a file name cannot hold NUL


PAYLOADS = {payload.name: payload for payload in (Markup(), Formula(), Stress())}


class Filler:
    def __init__(self, payload: Payload) -> None:
        self.payload = payload
        self.seeded: set[str] = set()
        self.values: dict[tuple[str, int, str], str] = {}
        self.index = 0

    def __call__(self, obj: models.Model) -> models.Model:
        for model_field in free_text_fields(type(obj)):
            tag = f"{type(obj).__name__}.{model_field.name}.{obj.pk}"
            if isinstance(model_field, models.FileField):
                name = f"hostile/{obj.pk}/{self.payload.file_name(tag)}"
                path = Path(settings.MEDIA_ROOT) / name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(b"%PDF-1.4\n")
                value = name
            else:
                value = self.payload.text(model_field, tag, self.index)
                self.index += 1
            setattr(obj, model_field.attname, value)
            self.seeded.add(label(model_field))
            self.values[(type(obj).__name__, obj.pk, model_field.name)] = value
        obj.save()
        return obj

    def value(self, obj: models.Model, name: str) -> str:
        return self.values[(type(obj).__name__, obj.pk, name)]


@dataclass
class Hostile:
    world: object
    fill: Filler
    today: date
    format: MentoringFormat
    role_model: RoleModel
    kind: MentoringKind
    meeting_kind: MeetingKind
    mentor: Person
    young: Person
    student: Person
    lonely: Person
    archived: Person
    consent: Consent
    program: object
    pair: MentoringPair
    participation: PairMentee
    meeting: Meeting
    roadmap: object
    section: Section
    empty_section: Section
    item: object  # the roadmap's own item, overdue
    each_item: object  # «каждая ОО»
    occurrence: Occurrence  # of `item`
    part: Occurrence  # school A1's part of `each_item`
    job: Job
    extra: dict = field(default_factory=dict)

    def value(self, obj, name: str) -> str:
        return self.fill.value(obj, name)


def seed(world, payload: Payload) -> Hostile:
    """Department A with every free-text column of every kind of record filled with `payload`."""
    today = timezone.localdate()
    year = today.year
    fill = Filler(payload)
    school = world.school_a1
    fill(world.department_a)
    fill(school)
    world.school_a1.department = world.department_a
    fill(world.methodist_a)
    fill(world.curator_a1)

    own = {"department": world.department_a}
    mentoring_format = fill(MentoringFormat.objects.create(name="форма", participants=Participants.ANY, **own))
    role_model = fill(RoleModel.objects.create(name="модель", format=mentoring_format, **own))
    mentoring_kind = fill(MentoringKind.objects.create(name="вид", **own))
    meeting_kind = fill(MeetingKind.objects.create(name="встреча", **own))

    mentor = fill(factories.teacher(school, max_mentees=1))  # two mentees: overloaded (quality)
    young = fill(factories.teacher(school, is_young_teacher=True, is_young_specialist=True, birth_year=year - 25))
    student = fill(factories.student(school, birth_year=year - 13))
    lonely = fill(factories.student(school, birth_year=year - 12))  # a minor without a consent (quality)
    factories.student(school, birth_year=year - 12, last_name=lonely.last_name, first_name=lonely.first_name,
                      patronymic=lonely.patronymic)  # and a possible duplicate of them (quality)
    archived = fill(factories.teacher(school))
    archived.archived_at = timezone.now()
    archived.save()
    consent = fill(factories.ConsentFactory(person=student))
    program = fill(factories.ProgramFactory(organisation=school, start_date=date(year - 1, 9, 1)))
    program.formats.add(mentoring_format)

    pair = save_pair(MentoringPair(
        organisation=school, program=program, mentor=mentor, format=mentoring_format, role_model=role_model,
        kind=mentoring_kind, entry_date=today - timedelta(days=200), planned_end_date=today - timedelta(days=10),
        order_number="1", order_date=today - timedelta(days=201),
    ), [young, student])  # past its planned end (quality)
    fill(pair)
    for participation in pair.participations.all():
        fill(participation)
    save_pair(MentoringPair(organisation=school, mentor=young, format=mentoring_format,
                            entry_date=today - timedelta(days=100)), [lonely])  # without an order (quality)
    meeting = fill(Meeting.objects.create(pair=pair, date=today - timedelta(days=150), kind=meeting_kind))
    Contingent.objects.create(organisation=school, year=year, students_total=500, students_10_18=400, teachers=40,
                              young_specialists=5, young_teachers=5)

    roadmap = make_roadmap(world.department_a, period_text=f"{year - 1}–{year + 1} гг.", items=[
        ("1.1.", "пункт", f"До {ddmmyyyy(today - timedelta(days=5))}", ResponsibleKind.ORGANISATION),
        ("1.2.", "пункт", f"До {ddmmyyyy(today + timedelta(days=10))}", ResponsibleKind.EACH_ORGANISATION),
    ])
    roadmap.order_date = date(year - 1, 1, 10)
    fill(roadmap)
    section = fill(roadmap.sections.get())
    empty_section = fill(Section.objects.create(roadmap=roadmap, position=1, title="пустой"))
    item, each_item = roadmap.items.order_by("position")
    fill(item)
    fill(each_item)
    for occurrence in Occurrence.objects.filter(item__roadmap=roadmap):
        fill(occurrence)
    occurrence = item.occurrences.get()
    part = each_item.occurrences.get(organisation=school)

    job = Job.objects.create(owner=world.methodist_a, kind=JobKind.EXPORT, status=JobStatus.DONE, title="База",
                             filename="База.xlsx", total=1, done=1, finished_at=timezone.now())
    fill(job)
    participation = pair.participations.get(mentee=student)
    return Hostile(world, fill, today, mentoring_format, role_model, mentoring_kind, meeting_kind, mentor, young,
                   student, lonely, archived, consent, program, pair, participation, meeting, roadmap, section,
                   empty_section, item, each_item, occurrence, part, job)


@pytest.fixture(params=["markup", "stress"])
def hostile(request, world) -> Hostile:
    return seed(world, PAYLOADS[request.param])


def test_every_free_text_column_is_fed_hostile_input(world):
    """A text column added to a model of these apps fails here until `seed` fills it (or it is listed
    in NOT_FREE_TEXT with the reason it cannot hold free text)."""
    hostile = seed(world, Markup())
    missing = all_free_text_fields() - hostile.fill.seeded
    assert not missing, f"text columns no hostile value reaches: {sorted(missing)}"
    stale = set(NOT_FREE_TEXT) - {
        label(f) for app in TEXT_APPS for m in apps.get_app_config(app).get_models() for f in m._meta.concrete_fields
    }
    assert not stale, f"NOT_FREE_TEXT names columns that no longer exist: {sorted(stale)}"
