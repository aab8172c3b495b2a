"""Hostile input: every text field takes it, and every page, PDF and XLSX renders it inert.

The hostile values: `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>`, the formula starts
`=HYPERLINK(…)`, `+cmd|' /C calc'!A0`, `-2+3`, `@SUM(A1)`, a NUL, the control characters \\x01-\\x1f, the
RTL override, zero-width and combining characters, and texts exactly as long as a column takes or
5,000 characters long.

1. **The database** (`seed`): every free-text column of the registry, roadmap, monitoring and exchange
   models — found through `_meta`, so a new one is picked up (`NOT_FREE_TEXT` lists, with the reason, the
   few that cannot hold free text) — is filled directly, bypassing the forms, in three variants: markup,
   formulas, and stress (control characters, NUL, bidi and zero-width characters, longest values).
   Every page of the project (`PAGES`, checked against the project's URL names) is then rendered as the
   methodist and the curator: the raw markup never appears, and the main pages show the values escaped.
2. **Every file the app writes**, downloaded through the views: the bases (in the request and as a
   background job), the roadmap, the indicator table, the analytic report, the contingent template and
   the subject's extract. An XLSX has no formula and no hyperlink from user text, and a text that starts
   like a formula is stored as text with Excel's quote prefix (what common/files/writers.py does), while
   numbers stay numbers; control characters do not break it. A PDF is rendered, in reasonable CPU time,
   shows the script text as text and has no /URI or /JavaScript action.
3. **The real forms** (`FORM_CASES`): each form is fetched and posted as its users post it, every
   free-text field set to one kind of hostile value at a time (`FORM_KINDS`). It stores the value exactly
   as typed, or refuses it with a Russian message and the database unchanged; never a 500. A NUL is
   refused with Django's own message, in Russian. `test_every_free_text_column_is_reached_by_…` keeps
   the form cases complete.
4. **Uploads**: an evidence document's own file name, an .xlsx base with hostile cells and file name, a
   pasted roadmap, a contingent workbook — reported, saved and shown inert.
"""

from __future__ import annotations

import io
import re
import signal
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from exchange.exports import BasesExporter
from jobs.models import Job, JobKind, JobStatus
from monitoring.models import Contingent
from registry.models import (
    AccessKind,
    Consent,
    Erasure,
    ErasureReason,
    Meeting,
    MeetingKind,
    MentoringFormat,
    MentoringKind,
    MentoringPair,
    PairMentee,
    Participants,
    Person,
    PersonalDataAccess,
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
    return [html[max(0, m.start() - 60) : m.end() + 60] for m in RAW_MARKUP.finditer(html)]


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
        # PostgreSQL refuses NUL in text (the database keeps it out on its own): seeded there without it.
        nul = "" if connection.vendor == "postgresql" else "\x00"
        start = f"{nul}{CONTROL}{RTL}{ZERO_WIDTH} {tag} "
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
    factories.student(
        school,
        birth_year=year - 12,
        last_name=lonely.last_name,
        first_name=lonely.first_name,
        patronymic=lonely.patronymic,
    )  # and a possible duplicate of them (quality)
    archived = fill(factories.teacher(school))
    archived.archived_at = timezone.now()
    archived.save()
    consent = fill(factories.ConsentFactory(person=student))
    program = fill(factories.ProgramFactory(organisation=school, start_date=date(year - 1, 9, 1)))
    program.formats.add(mentoring_format)

    pair = save_pair(
        MentoringPair(
            organisation=school,
            program=program,
            mentor=mentor,
            format=mentoring_format,
            role_model=role_model,
            kind=mentoring_kind,
            entry_date=today - timedelta(days=200),
            planned_end_date=today - timedelta(days=10),
            order_number="1",
            order_date=today - timedelta(days=201),
        ),
        [young, student],
    )  # past its planned end (quality)
    fill(pair)
    for participation in pair.participations.all():
        fill(participation)
    save_pair(
        MentoringPair(
            organisation=school, mentor=young, format=mentoring_format, entry_date=today - timedelta(days=100)
        ),
        [lonely],
    )  # without an order (quality)
    meeting = fill(Meeting.objects.create(pair=pair, date=today - timedelta(days=150), kind=meeting_kind))
    Contingent.objects.create(
        organisation=school,
        year=year,
        students_total=500,
        students_10_18=400,
        teachers=40,
        young_specialists=5,
        young_teachers=5,
    )

    roadmap = make_roadmap(
        world.department_a,
        period_text=f"{year - 1}–{year + 1} гг.",
        items=[
            ("1.1.", "пункт", f"До {ddmmyyyy(today - timedelta(days=5))}", ResponsibleKind.ORGANISATION),
            ("1.2.", "пункт", f"До {ddmmyyyy(today + timedelta(days=10))}", ResponsibleKind.EACH_ORGANISATION),
        ],
    )
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

    job = Job.objects.create(
        owner=world.methodist_a,
        kind=JobKind.EXPORT,
        status=JobStatus.DONE,
        title="База",
        filename="База.xlsx",
        total=1,
        done=1,
        finished_at=timezone.now(),
    )
    fill(job)
    failed_job = fill(
        Job.objects.create(
            owner=world.methodist_a,
            kind=JobKind.EXPORT,
            status=JobStatus.FAILED,
            title="База",
            finished_at=timezone.now(),
        )
    )
    participation = pair.participations.get(mentee=student)

    # The personal-data logs: an access to a minor's card, an erasure record.
    fill(
        PersonalDataAccess.objects.create(
            user=world.methodist_a,
            user_name="кто",
            kind=AccessKind.VIEW,
            department=world.department_a,
            organisation=school,
            person=student,
            what="что",
        )
    )
    fill(
        Erasure.objects.create(
            user=world.methodist_a,
            user_name="кто",
            department=world.department_a,
            organisation=school,
            reason=ErasureReason.CONSENT_WITHDRAWN,
            basis="основание",
        )
    )
    return Hostile(
        world,
        fill,
        today,
        mentoring_format,
        role_model,
        mentoring_kind,
        meeting_kind,
        mentor,
        young,
        student,
        lonely,
        archived,
        consent,
        program,
        pair,
        participation,
        meeting,
        roadmap,
        section,
        empty_section,
        item,
        each_item,
        occurrence,
        part,
        job,
        extra={"failed_job": failed_job},
    )


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


# --- Every page ----------------------------------------------------------------------------------------

M, C1 = "methodist_a", "curator_a1"


@dataclass(frozen=True)
class Page:
    name: str
    kwargs: object = None  # Hostile -> dict of URL kwargs
    query: object = None  # Hostile -> query string
    persona: str = M
    # (record, field) of the values this page must show, escaped: the test cannot pass by not showing them
    shows: object = None  # Hostile -> list[(obj, field name)]

    def url(self, h: Hostile) -> str:
        url = reverse(self.name, kwargs=self.kwargs(h) if self.kwargs else None)
        return url + (f"?{self.query(h)}" if self.query else "")


def pk(attr):
    return lambda h: {"pk": getattr(h, attr).pk}


def a1(h):
    return {"pk": h.world.school_a1.pk}


def cell(code):
    return lambda h: f"indicator={code}&year={h.today.year}&department={h.world.department_a.pk}"


def shows(*pairs):
    """shows(("mentor", "last_name"), ("roadmap", "title", 60)) → the records' values the page shows, the
    third item where the page shortens it (truncatechars)."""

    def resolve(h):
        found = []
        for path, name, *limit in pairs:
            obj = h
            for part in path.split("."):
                obj = getattr(obj, part)
            found.append((obj, name, limit[0] if limit else None))
        return found

    return resolve


PEOPLE_NAMES = (("mentor", "last_name"), ("mentor", "first_name"), ("mentor", "patronymic"))
QUALITY_SLUGS = ("orders", "consents", "overdue", "duplicates", "load")
REFERENCE_KINDS = {"formats": "format", "role-models": "role_model", "kinds": "kind", "meeting-kinds": "meeting_kind"}

PAGES = [
    Page("home", shows=shows(("world.department_a", "name"))),
    Page("home", persona=C1, shows=shows(("world.school_a1", "short_name"))),
    Page("organisation_list", shows=shows(("world.school_a1", "short_name"))),
    Page("organisation_create"),
    Page("organisation_list", query=lambda h: f"q={SCRIPT}"),
    Page(
        "organisation_detail",
        a1,
        shows=shows(
            ("world.school_a1", "short_name"),
            ("world.school_a1", "full_name"),
            ("world.curator_a1", "last_name"),
            ("world.curator_a1", "email"),
        ),
    ),
    Page("organisation_edit", a1, shows=shows(("world.school_a1", "full_name"))),
    Page("curator_invite", a1, shows=shows(("world.school_a1", "short_name"))),
    Page("staff_list", shows=shows(("world.methodist_a", "last_name"), ("world.curator_a1", "username"))),
    Page("staff_list", query=lambda h: f"q={IMG}"),
    Page(
        "membership_remove",
        lambda h: {"pk": h.world.curator_a1.memberships.get().pk},
        shows=shows(("world.curator_a1", "last_name")),
    ),
    # People and consents
    Page("person_list", shows=shows(*PEOPLE_NAMES, ("student", "class_or_group"))),
    Page("person_list", query=lambda h: "archived=on", shows=shows(("archived", "last_name"))),
    Page("person_list", query=lambda h: f"q={SCRIPT}&sort={IMG}"),
    Page("person_create"),
    Page(
        "person_detail",
        pk("mentor"),
        shows=shows(
            *PEOPLE_NAMES,
            ("mentor", "position"),
            ("mentor", "competencies"),
            ("mentor", "achievements"),
            ("mentor", "interests"),
            ("mentor", "desired_mentee_age"),
            ("mentor", "time_resource"),
            ("format", "name"),
        ),
    ),
    Page(
        "person_detail",
        pk("student"),
        shows=shows(
            ("student", "last_name"),
            ("student", "class_or_group"),
            ("student", "main_request"),
            ("consent", "representative_name"),
            ("consent", "representative_relation"),
            ("consent", "note"),
        ),
    ),
    Page("person_detail", pk("archived"), shows=shows(("archived", "archive_reason"), ("archived", "workplace"))),
    Page("person_edit", pk("mentor"), shows=shows(("mentor", "competencies"), ("mentor", "last_name"))),
    Page("person_delete", pk("mentor"), shows=shows(("mentor", "last_name"))),
    Page("consent_create", pk("student"), shows=shows(("student", "last_name"))),
    Page("consent_withdraw", pk("consent"), shows=shows(("student", "last_name"))),
    Page("person_erase", pk("student"), shows=shows(("student", "last_name"))),
    # The personal-data logs
    Page("access_log", shows=shows(("world.methodist_a", "last_name"))),
    Page("access_log", query=lambda h: f"q={SCRIPT}"),
    Page("erasure_list", shows=shows(("world.school_a1", "short_name"))),
    # Programs
    Page("program_list", shows=shows(("program", "name"))),
    Page("program_list", query=lambda h: f"q={SCRIPT}"),
    Page("program_create", shows=shows(("format", "name"))),
    Page(
        "program_detail",
        pk("program"),
        shows=shows(("program", "name"), ("program", "description"), ("format", "name"), ("mentor", "last_name")),
    ),
    Page("program_edit", pk("program"), shows=shows(("program", "description"))),
    # Pairs and meetings
    Page("pair_list", shows=shows(("mentor", "last_name"), ("student", "last_name"), ("format", "name"))),
    Page("pair_list", query=lambda h: f"q={SCRIPT}"),
    Page("pair_create", shows=shows(("format", "name"), ("kind", "name"), ("program", "name"))),
    Page(
        "pair_detail",
        pk("pair"),
        shows=shows(
            ("pair", "order_number"),
            ("pair", "results"),
            ("pair", "mentor_feedback_url"),
            ("format", "name"),
            ("role_model", "name"),
            ("kind", "name"),
            ("program", "name"),
            ("mentor", "last_name"),
            ("participation", "results"),
            ("meeting", "note"),
            ("meeting", "feedback"),
            ("meeting_kind", "name"),
        ),
    ),
    Page("pair_edit", pk("pair"), shows=shows(("pair", "order_number"), ("mentor", "last_name"))),
    Page(
        "pair_complete",
        pk("pair"),
        shows=shows(("pair", "results"), ("participation", "results"), ("student", "last_name")),
    ),
    Page("meeting_create", pk("pair"), shows=shows(("meeting_kind", "name"))),
    # Data quality and reference lists
    Page("quality", shows=shows(("lonely", "last_name"), ("mentor", "last_name"))),
    *[Page("quality", query=lambda h, slug=slug: f"section={slug}") for slug in QUALITY_SLUGS],
    Page("quality_summary"),
    Page(
        "reference_list",
        shows=shows(("format", "name"), ("role_model", "name"), ("kind", "name"), ("meeting_kind", "name")),
    ),
    *[Page("reference_create", lambda h, kind=kind: {"kind": kind}) for kind in REFERENCE_KINDS],
    *[
        Page(
            "reference_edit",
            lambda h, kind=kind, attr=attr: {"kind": kind, "pk": getattr(h, attr).pk},
            shows=shows((attr, "name")),
        )
        for kind, attr in REFERENCE_KINDS.items()
    ],
    # Exchange
    Page("export", shows=shows(("world.school_a1", "short_name"))),
    Page("export", query=lambda h: f"q={SCRIPT}&format={IMG}"),
    Page("import_file", shows=shows(("world.school_a1", "short_name"))),
    Page("job_list", shows=shows(("job", "title"))),
    Page("job_detail", pk("job"), shows=shows(("job", "title"), ("job", "filename"))),
    Page(
        "job_detail",
        lambda h: {"pk": h.extra["failed_job"].pk},
        shows=lambda h: [(h.extra["failed_job"], "title", None), (h.extra["failed_job"], "message", None)],
    ),
    # Roadmaps
    Page("roadmap_list", shows=shows(("roadmap", "title"))),
    Page("roadmap_list", query=lambda h: f"q={SCRIPT}"),
    Page("roadmap_agenda", shows=shows(("occurrence", "label"))),
    Page("roadmap_agenda", persona=C1),
    Page("roadmap_create", shows=shows(("world.department_a", "name"))),
    Page("roadmap_import", shows=shows(("world.department_a", "name"))),
    Page(
        "roadmap_detail",
        pk("roadmap"),
        shows=shows(
            ("roadmap", "title"),
            ("roadmap", "order_number"),
            ("roadmap", "period_text"),
            ("section", "number"),
            ("section", "title"),
            ("item", "number"),
            ("item", "content"),
            ("item", "deadline_text"),
            ("item", "result"),
            ("item", "indicator"),
            ("item", "responsible"),
            ("item", "schedule_problem"),
            ("occurrence", "label"),
        ),
    ),
    Page("roadmap_detail", pk("roadmap"), persona=C1, shows=shows(("part", "label"))),
    Page("roadmap_matrix", pk("roadmap"), shows=shows(("world.school_a1", "short_name"), ("part", "label"))),
    Page("roadmap_edit", pk("roadmap"), shows=shows(("roadmap", "title"))),
    Page("roadmap_delete", pk("roadmap"), shows=shows(("roadmap", "title"))),
    Page("roadmap_copy", pk("roadmap"), shows=shows(("roadmap", "title", 60))),
    Page("roadmap_section_create", pk("roadmap"), shows=shows(("roadmap", "title", 60))),
    Page("roadmap_section_edit", pk("section"), shows=shows(("section", "title"))),
    Page("roadmap_section_delete", pk("empty_section"), shows=shows(("empty_section", "title"))),
    Page("roadmap_item_create", pk("roadmap"), shows=shows(("section", "title"))),
    Page("roadmap_item_edit", pk("item"), shows=shows(("item", "content"), ("item", "schedule_problem"))),
    Page("roadmap_item_delete", pk("item"), shows=shows(("item", "number"))),
    Page(
        "roadmap_occurrence_edit",
        pk("occurrence"),
        shows=shows(("occurrence", "comment"), ("occurrence", "evidence_url"), ("item", "deadline_text")),
    ),
    Page("roadmap_occurrence_edit", pk("part"), persona=C1, shows=shows(("part", "comment"))),
    Page("roadmap_occurrence_edit", pk("occurrence"), query=lambda h: f"next={IMG}"),
    # Monitoring
    Page("indicators", shows=shows(("world.department_a", "name"))),
    *[
        Page("indicator_breakdown", query=cell(code), shows=shows(("world.school_a1", "short_name")))
        for code in ("orgs_share", "teachers_mentors_share")
    ],
    Page("indicator_drilldown", query=cell("orgs_share"), shows=shows(("world.school_a1", "short_name"))),
    Page("indicator_drilldown", query=cell("programs_count"), shows=shows(("program", "name"))),
    Page("indicator_drilldown", query=cell("teachers_mentors_share"), shows=shows(("mentor", "last_name"))),
    Page("indicator_drilldown", query=cell("students_mentees_share"), shows=shows(("student", "last_name"))),
    Page("contingent_list", shows=shows(("world.school_a1", "short_name"))),
    Page("contingent_list", persona=C1, shows=shows(("world.school_a1", "short_name"))),
    Page(
        "contingent_edit",
        lambda h: {"pk": h.world.school_a1.pk, "year": h.today.year},
        shows=shows(("world.school_a1", "short_name")),
    ),
    Page("contingent_upload", shows=shows(("world.department_a", "name"))),
    # Accounts
    Page("password_change", shows=shows(("world.methodist_a", "last_name"))),
    Page("password_change_done"),
]

# Files, not pages: their content is checked in the export tests below.
FILES = {
    "job_download",
    "roadmap_evidence",
    "roadmap_export",
    "indicators_export",
    "indicators_report",
    "contingent_template",
    "person_autocomplete",
    "person_extract",
}
# Not pages that show records: POST-only actions that redirect, and the anonymous account pages.
NOT_PAGES = {
    "membership_reinvite": "POST only: sends an e-mail and redirects",
    "person_restore": "POST only: redirects",
    "roadmap_section_move": "POST only: redirects",
    "roadmap_item_move": "POST only: redirects",
    "job_confirm": "POST only: starts a job and redirects",
    "roadmap_import_confirm": "POST only: saves the preview and redirects (the preview page is tested below)",
    "logout": "POST only",
    "job_retry": "POST only: starts the job again and redirects",
    "job_cancel": "POST only: marks the job failed and redirects",
    "health": "no login: answers «ok» from the database, shows no data",
    "login": "anonymous: shows no registry data",
    "password_reset": "anonymous: shows no registry data",
    "password_reset_done": "anonymous: shows no registry data",
    "password_reset_confirm": "anonymous: shows no registry data",
    "password_reset_complete": "anonymous: shows no registry data",
}


def test_every_url_of_the_project_is_rendered_with_hostile_data():
    names = set(_url_names())
    covered = {page.name for page in PAGES} | FILES | set(NOT_PAGES)
    assert not names - covered, f"URLs no hostile page test reaches: {sorted(names - covered)}"
    assert not covered - names, f"names that are no longer URLs: {sorted(covered - names)}"


def lenient_client(world, persona):
    """A client that answers a crash with the 500 page (and its exception), so that one test can list
    every failure instead of stopping at the first."""
    client = client_for(world, persona)
    client.raise_request_exception = False
    return client


def failure(response) -> str:
    error = getattr(response, "exc_info", None)
    return f"status {response.status_code}" + (f": {error[0].__name__}: {error[1]}"[:300] if error else "")


def test_every_page_renders_hostile_data_inert(hostile):
    """Markup never reaches a page unescaped; the control, bidi and overlong values do not break one."""
    clients = {persona: lenient_client(hostile.world, persona) for persona in (M, C1)}
    problems = []
    for page in PAGES:
        url = page.url(hostile)
        response = clients[page.persona].get(url)
        if response.status_code != 200:
            problems.append(f"{url} ({page.persona}): {failure(response)}")
            continue
        html = response.content.decode()
        if raw := raw_markup(html):
            problems.append(f"{url} ({page.persona}): unescaped markup {raw[:2]}")
        if hostile.fill.payload.name == "markup" and page.shows:
            for obj, name, limit in page.shows(hostile):
                value = hostile.value(obj, name)
                if limit is not None and len(value) > limit:
                    value = value[: limit - 1]  # truncatechars: the start and «…»
                if escape(value) not in html:
                    problems.append(f"{url} ({page.persona}): does not show {type(obj).__name__}.{name} escaped")
    problems += overlong_values()  # what the pages wrote (the access log of a minor's card)
    assert not problems, "\n".join(problems)


def test_person_search_answers_json_that_a_browser_will_not_sniff_as_html(hostile):
    client = client_for(hostile.world, M)
    response = client.get(reverse("person_autocomplete"), {"q": ""})
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    labels = [row["text"] for row in response.json()["results"]]
    assert any(hostile.value(hostile.mentor, "last_name") in text for text in labels), "the value comes back as data"


# --- Every file ------------------------------------------------------------------------------------------

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def download(client, method: str, url: str, data=None) -> tuple[bytes | None, str]:
    response = getattr(client, method)(url, data or {})
    if response.status_code != 200:
        return None, failure(response)
    return content(response), ""


def export_files(h: Hostile, file_format: str, capture) -> dict[str, tuple[bytes | None, str]]:
    """Every XLSX the app writes, downloaded the way users download it."""
    client = lenient_client(h.world, M)
    files = {}
    for base in ("mentors", "mentees"):
        files[f"base {base}"] = download(
            client, "post", reverse("export"), {"base": base, "period": "all", "file_format": file_format}
        )
    files["roadmap"] = download(client, "get", reverse("roadmap_export", args=[h.roadmap.pk]), {"format": file_format})
    files["indicator table"] = download(client, "get", reverse("indicators_export"), {"format": file_format})
    files["analytic report"] = download(client, "get", reverse("indicators_report"), {"format": file_format})
    if file_format == "xlsx":
        files["contingent template"] = download(client, "get", reverse("contingent_template"), {"year": h.today.year})
        files["subject extract"] = download(client, "post", reverse("person_extract", args=[h.student.pk]))
        # A large base is written by a background job: the same writer, through the job's file.
        original = dict(BasesExporter.background_after)
        BasesExporter.background_after["xlsx"] = 0
        try:
            with capture(execute=True):  # one school: its full name is in the job's title
                response = client.post(
                    reverse("export"),
                    {
                        "base": "mentees",
                        "period": "all",
                        "file_format": "xlsx",
                        "organisations": [h.world.school_a1.pk],
                    },
                )
        finally:
            BasesExporter.background_after.update(original)
        job = Job.objects.filter(owner=h.world.methodist_a, kind=JobKind.EXPORT).exclude(pk=h.job.pk).first()
        if response.status_code != 302 or job is None:
            files["base mentees (background job)"] = (None, failure(response))
        elif job.status != JobStatus.DONE:
            files["base mentees (background job)"] = (None, f"job {job.get_status_display()}: {job.message}")
        else:
            files["base mentees (background job)"] = download(client, "get", reverse("job_download", args=[job.pk]))
    return files


def xlsx_problems(name: str, data: bytes) -> list[str]:
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.namelist():
            if member.startswith("xl/worksheets/") and member.endswith(".xml"):
                xml = archive.read(member).decode()
                if re.search(r"<f[ >]", xml):
                    problems.append(f"{name}: {member} holds a formula (<f>)")
            if "hyperlink" in member.lower() or member.endswith(".rels") and b"hyperlink" in archive.read(member):
                problems.append(f"{name}: {member} holds a hyperlink")
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                where = f"{name}: {sheet.title}!{cell.coordinate}"
                if cell.data_type == "f":
                    problems.append(f"{where} is a formula: {str(cell.value)[:60]!r}")
                if cell.hyperlink is not None:
                    problems.append(f"{where} has a hyperlink to {cell.hyperlink.target!r}")
                value = cell.value
                if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not cell.quotePrefix:
                    problems.append(f"{where} starts like a formula without the quote prefix: {value[:40]!r}")
    return problems


@pytest.fixture(params=["markup", "formula", "stress"])
def hostile_any(request, world) -> Hostile:
    return seed(world, PAYLOADS[request.param])


def overlong_values() -> list[str]:
    """Values the app wrote that do not fit their column: SQLite keeps them, PostgreSQL refuses them (a 500)."""
    found = []
    for app in TEXT_APPS:
        for model in apps.get_app_config(app).get_models():
            for model_field in model._meta.concrete_fields:
                if isinstance(model_field, models.CharField) and model_field.max_length:
                    for pk, value in model.objects.values_list("pk", model_field.attname):
                        if value and len(value) > model_field.max_length:
                            found.append(
                                f"{label(model_field)} of #{pk}: {len(value)} characters, "
                                f"the column takes {model_field.max_length}: {value[:60]!r}…"
                            )
    return found


def test_every_xlsx_stores_hostile_text_as_text(hostile_any, django_capture_on_commit_callbacks):
    """No formula and no hyperlink from user text in any XLSX; a text starting with = + - @ keeps Excel's
    quote prefix (common/files/writers.py); control characters, NUL and overlong texts do not break a file,
    and what the app writes of them (a job's title, the access log) fits its columns."""
    problems = []
    files = export_files(hostile_any, "xlsx", django_capture_on_commit_callbacks)
    problems += overlong_values()
    for name, (data, error) in files.items():
        if data is None:
            problems.append(f"{name}: {error}")
            continue
        problems += xlsx_problems(name, data)
    assert not problems, "\n".join(problems[:40])


def test_formula_texts_reach_the_xlsx_as_typed(world, django_capture_on_commit_callbacks):
    """The texts are not dropped or rewritten to dodge the check above: each hostile start is in the files,
    as typed, with the quote prefix; the row numbers and years stay numbers."""
    hostile = seed(world, Formula())
    files = export_files(hostile, "xlsx", django_capture_on_commit_callbacks)
    data, error = files["base mentees"]
    assert data is not None, error
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    header = next(c.row for c in sheet["A"] if c.value == "№ п/п")
    rows = list(sheet.iter_rows(min_row=header + 1))  # the data rows (the title block: the test above)
    texts = [c for row in rows for c in row if isinstance(c.value, str)]
    for start in FORMULA_STARTS:
        quoted = [c for c in texts if c.value.startswith(start)]
        assert quoted, f"no text starting with {start!r} reached the file"
        assert all(c.quotePrefix and c.data_type == "s" for c in quoted), start
    name = f"{hostile.value(hostile.student, 'last_name')} {hostile.value(hostile.student, 'first_name')}"
    assert any(c.value.startswith(name) for c in texts), "the mentee's name is in the file as typed"
    numbers = [row[0] for row in rows if row[0].value is not None]
    years = [row[2] for row in rows if row[2].value is not None]
    assert numbers and all(c.data_type == "n" and isinstance(c.value, int) for c in numbers + years)


def test_the_xlsx_writer_keeps_numbers_numbers_and_quotes_texts_that_look_like_formulas():
    """common/files/writers.py types a cell by the exporter's value, not by how it looks: a negative number
    (an int, a Decimal, a float) stays a number; a text stays text, quote-prefixed when it starts like a
    formula («-2+3», «-5» typed into a text field), and a date stays a date."""
    from decimal import Decimal
    from types import SimpleNamespace

    from common.files.tables import Column, Layout
    from common.files.writers import write_xlsx

    values = [-5, Decimal("-2.5"), -0.5, MINUS, "-5", HYPERLINK, date(2025, 9, 1), "текст"]
    columns = tuple(Column(f"c{i}", f"Столбец {i}", 12) for i in range(len(values)))
    exporter = SimpleNamespace(
        form=Layout("Проверка", columns),
        params=SimpleNamespace(file_format="xlsx"),
        title_lines=lambda: ["Строка заголовка"],
        count=lambda: 1,
        rows=lambda: iter([values]),
    )
    out = io.BytesIO()
    write_xlsx(exporter, out)
    sheet = openpyxl.load_workbook(io.BytesIO(out.getvalue())).active
    row = next(r for r in sheet.iter_rows() if r[0].value == -5)
    assert [(c.data_type, bool(c.quotePrefix)) for c in row[:6]] == [
        ("n", False),
        ("n", False),
        ("n", False),
        ("s", True),
        ("s", True),
        ("s", True),
    ]
    assert [c.value for c in row[:6]] == [-5, -2.5, -0.5, MINUS, "-5", HYPERLINK]
    assert row[6].is_date and row[7].value == "текст" and not row[7].quotePrefix


def pdf_downloads(h: Hostile):
    """The PDFs one at a time, the quick ones first (so that a slow one is named and the others checked)."""
    client = lenient_client(h.world, M)
    yield "indicator table", lambda: download(client, "get", reverse("indicators_export"), {"format": "pdf"})
    yield "analytic report", lambda: download(client, "get", reverse("indicators_report"), {"format": "pdf"})
    yield "roadmap", lambda: download(client, "get", reverse("roadmap_export", args=[h.roadmap.pk]), {"format": "pdf"})
    for base in ("mentees", "mentors"):
        yield (
            f"base {base}",
            lambda base=base: download(
                client, "post", reverse("export"), {"base": base, "period": "all", "file_format": "pdf"}
            ),
        )


def pdf_problems(name: str, data: bytes, expected: list[str]) -> list[str]:
    from pypdf import PdfReader

    problems = []
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    for key in ("/OpenAction", "/AA"):
        if key in root:
            problems.append(f"{name}: the document has {key}")
    if "/Names" in root and "/JavaScript" in root["/Names"]:
        problems.append(f"{name}: the document has JavaScript")
    text = ""
    for number, page in enumerate(reader.pages, start=1):
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None:
                action = action.get_object()
                problems.append(f"{name}: page {number} has a {action.get('/S')} action {action.get('/URI', '')!r}")
        text += page.extract_text() or ""
    squashed = re.sub(r"\s+", "", text)
    for shown in expected:
        if re.sub(r"\s+", "", shown) not in squashed:
            problems.append(f"{name}: the text {shown!r} is not in the PDF as text")
    return problems


# What each PDF shows of the markup world, literally (WeasyPrint would have parsed unescaped markup).
PDF_SHOWS = {
    "base mentors": [SCRIPT, IMG],
    "base mentees": [SCRIPT, IMG],
    "roadmap": [SCRIPT, IMG],
    "indicator table": [SCRIPT, IMG],
    "analytic report": [SCRIPT, IMG],
}


# The five PDFs of the markup world take ≈4 s of CPU together; with the longest texts the forms take (a
# row is then several pages tall) a base of two rows took 100-440 s, and every PDF export of up to
# BasesExporter.background_after["pdf"] rows is written inside the web request (gunicorn timeout: 60 s). Past this many
# seconds of this process's CPU time (not wall time: other work on the machine does not count) the render
# is stopped and the test fails: a user's text must not make an export run for minutes.
PDF_CPU_SECONDS = 30


class TooSlow(BaseException):
    """Raised by the timer inside the render; a BaseException, so that no `except Exception` of the
    view or of WeasyPrint turns it into a 500 and renders on."""


@contextmanager
def cpu_deadline(seconds: float):
    def stop(signum, frame):
        raise TooSlow

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def test_every_pdf_renders_hostile_text_as_text(hostile):
    """Rendered without error and in reasonable time; the script text is in the PDF as text (WeasyPrint
    would have parsed it had it not been escaped); no link or script action is made of user text."""
    problems = []
    files = {}
    started = time.process_time()
    try:
        with cpu_deadline(PDF_CPU_SECONDS):
            for name, download_one in pdf_downloads(hostile):
                files[name] = download_one()
    except TooSlow:
        problems.append(
            f"the PDFs took over {PDF_CPU_SECONDS} s of CPU: done {', '.join(files) or 'none'}; "
            f"stopped while rendering «{name}» ({time.process_time() - started:.0f} s)"
        )
    for name, (data, error) in files.items():
        if data is None:
            problems.append(f"{name}: {error}")
            continue
        expected = PDF_SHOWS[name] if hostile.fill.payload.name == "markup" else []
        problems += pdf_problems(name, data, expected)
    assert not problems, "\n".join(problems)


# --- The real forms --------------------------------------------------------------------------------------

# One POST per form and kind. "markup": every free-text field gets SCRIPT and IMG; "formula": the fields
# take turns with the four formula starts, each followed by the RTL override and zero-width and combining
# characters; "max_length": each field exactly full (a field without a limit: LONG characters);
# "nul_and_too_long": a NUL and LONG characters (refused: the NUL by Django's own message, which must be
# Russian, a CharField's length likewise). Values are cut to the field's max_length, so that content, not
# length, is tested, except by the last two.
FORM_KINDS = ("markup", "formula", "max_length", "nul_and_too_long")
# Form fields whose content has a structure of its own: they keep a valid value while the free-text
# fields are tested, and get the hostile values in posts of their own (accepted in any normal form, or
# refused in Russian). Besides these names: URL, e-mail and regex fields, and fields with validators
# (an organisation's code).
STRUCTURED = {"period": "the roadmap's period, read by roadmap.deadlines.parse_period"}
PLAIN_VALIDATORS = ("MaxLengthValidator", "MinLengthValidator", "ProhibitNullCharactersValidator")
NUL_MESSAGE = "Данные содержат запрещённый символ: ноль-байт"


def free_value(kind: str, form_field: forms.CharField, index: int) -> str:
    limit = form_field.max_length
    if kind == "max_length":
        return "ж" * (limit or LONG)
    if kind == "nul_and_too_long":
        return NUL + "ж" * LONG
    value = {
        "markup": SCRIPT + IMG,
        "formula": f"{FORMULAS[index % len(FORMULAS)]} {RTL} {ZERO_WIDTH}",
        "nul": NUL,
    }[kind]
    return fit(value, limit)


def url_value(kind: str, form_field: forms.CharField, index: int) -> str:
    """A link that carries the hostile text in its path (a link is what the field takes)."""
    start = "https://evil.example/"
    value = start + free_value(kind, form_field, index).replace(" ", "_")
    return value if kind == "nul_and_too_long" else fit(value, form_field.max_length)


def is_structured(name: str, form_field: forms.Field) -> bool:
    if name in STRUCTURED or isinstance(form_field, (forms.EmailField, forms.RegexField)):
        return True
    return any(type(v).__name__ not in PLAIN_VALIDATORS for v in form_field.validators) and not isinstance(
        form_field, forms.URLField
    )


@dataclass(frozen=True)
class FormCase:
    id: str
    url: object  # FormWorld -> url
    persona: str = C1
    base: object = None  # (FormWorld, n) -> valid values of the fields the GET does not fill; n: a unique number
    prefixes: tuple | None = None  # the forms whose fields are filled ("" the main form); None: all
    targets: dict = field(default_factory=dict)  # a plain form's field → "app.Model.field" it is saved to
    shown_at: object = None  # FormWorld -> the page that shows the saved text (default: where the form redirects)


@dataclass
class FormWorld:
    world: object
    person: Person  # a student of school A1, the mentor of `pair`
    pair: MentoringPair
    program: object
    own_format: MentoringFormat
    roadmap: object
    section: Section
    item: object
    occurrence: Occurrence


@pytest.fixture
def form_world(world) -> FormWorld:
    person = factories.student(world.school_a1, last_name="Наставников", birth_year=2008)
    pair = factories.pair(person, [factories.student(world.school_a1, last_name="Учеников")])
    roadmap = make_roadmap(
        world.department_a,
        period_text="2025",
        items=[("1.1.", "Приказ", "До 01.05.2025", ResponsibleKind.ORGANISATION)],
    )
    item = roadmap.items.get()
    return FormWorld(
        world,
        person,
        pair,
        factories.ProgramFactory(organisation=world.school_a1),
        MentoringFormat.objects.create(department=world.department_a, name="своя форма"),
        roadmap,
        roadmap.sections.get(),
        item,
        item.occurrences.get(),
    )


def url(name, attr=None, **kwargs):
    def build(w: FormWorld) -> str:
        arguments = {k: (v(w) if callable(v) else v) for k, v in kwargs.items()}
        if attr:
            obj = w
            for part in attr.split("."):
                obj = getattr(obj, part)
            arguments["pk"] = obj.pk
        return reverse(name, kwargs=arguments or None)

    return build


NEW_STUDENT = {"last_name": "Ёлкин", "first_name": "Пётр", "birth_year": "2012", "category": "student"}
NEW_PEOPLE = {
    "new_mentor-last_name": "Соколов",
    "new_mentor-first_name": "Артём",
    "new_mentor-birth_year": "2008",
    "new_mentor-category": "student",
    "new_mentee-0-last_name": "Ёлкина",
    "new_mentee-0-first_name": "Вера",
    "new_mentee-0-birth_year": "2013",
    "new_mentee-0-category": "student",
}

FORM_CASES = [
    FormCase(
        "organisation_create",
        url("organisation_create"),
        M,
        base=lambda w, n: {"kind": "school", "code": f"hostile{n}", "short_name": "СОШ", "full_name": "СОШ"},
    ),
    FormCase("organisation_edit", url("organisation_edit", "world.school_a1"), M),
    FormCase(
        "curator_invite",
        url("curator_invite", "world.school_a1"),
        M,
        base=lambda w, n: {
            "email": f"curator{n}@example.test",
            "username": f"curator{n}",
            "first_name": "А",
            "last_name": "Б",
        },
        targets={
            "last_name": "registry.User.last_name",
            "first_name": "registry.User.first_name",
            "patronymic": "registry.User.patronymic",
            "email": "registry.User.email",
            "username": "registry.User.username",
        },
    ),
    FormCase("person_create", url("person_create"), base=lambda w, n: dict(NEW_STUDENT)),
    FormCase("person_edit", url("person_edit", "person")),
    FormCase("person_archive", url("person_delete", "person"), targets={"reason": "registry.Person.archive_reason"}),
    FormCase(
        "consent_create",
        url("consent_create", "person"),
        base=lambda w, n: {"given_by": "representative", "given_on": "01.09.2025"},
    ),
    FormCase("program_create", url("program_create"), base=lambda w, n: {"start_date": "01.09.2025"}),
    FormCase("program_edit", url("program_edit", "program")),
    FormCase(
        "pair_create",
        url("pair_create"),
        prefixes=("", "new_mentor", "new_mentee-0"),
        base=lambda w, n: {
            "format": factories.mentoring_format("ученик – ученик").pk,
            "entry_date": "15.09.2025",
            "order_date": "12.09.2025",
            "stage": "preparation",
            **NEW_PEOPLE,
        },
    ),
    FormCase("pair_edit", url("pair_edit", "pair"), prefixes=("",), base=lambda w, n: {"order_date": "12.09.2025"}),
    FormCase(
        "pair_complete",
        url("pair_complete", "pair"),
        base=lambda w, n: {"end_date": "25.05.2026", "mentee-0-completion_mark": "passed"},
    ),
    FormCase(
        "meeting_create",
        url("meeting_create", "pair"),
        base=lambda w, n: {"date": "20.09.2025", "kind": MeetingKind.objects.get(name="встреча-знакомство").pk},
    ),
    *[
        FormCase(
            f"reference_create_{kind}",
            url("reference_create", kind=kind),
            M,
            base=lambda w, n: {"format": factories.mentoring_format("ученик – ученик").pk},
        )
        for kind in ("formats", "role-models", "kinds", "meeting-kinds")
    ],
    FormCase("reference_edit", url("reference_edit", "own_format", kind="formats"), M),
    FormCase(
        "roadmap_create",
        url("roadmap_create"),
        M,
        base=lambda w, n: {"owner": f"department:{w.world.department_a.pk}", "period": "2025"},
    ),
    FormCase("roadmap_edit", url("roadmap_edit", "roadmap"), M),
    FormCase(
        "roadmap_copy",
        url("roadmap_copy", "roadmap"),
        M,
        base=lambda w, n: {"mode": "period", "period": "2030"},
        targets={"title": "roadmap.Roadmap.title"},
    ),
    FormCase("section_create", url("roadmap_section_create", "roadmap"), M),
    FormCase("section_edit", url("roadmap_section_edit", "section"), M),
    FormCase(
        "item_create",
        url("roadmap_item_create", "roadmap"),
        M,
        base=lambda w, n: {"section": w.section.pk, "responsible_kind": "organisation"},
    ),
    FormCase("item_edit", url("roadmap_item_edit", "item"), M),
    FormCase(
        "occurrence_edit",
        url("roadmap_occurrence_edit", "occurrence"),
        M,
        base=lambda w, n: {"status": "in_progress"},
        shown_at=url("roadmap_occurrence_edit", "occurrence"),
    ),
]


def forms_on(response) -> list[forms.BaseForm]:
    """The forms a page renders (formsets: their management form and forms)."""
    found = []
    for key in sorted(response.context.keys()):
        value = response.context[key]
        if isinstance(value, forms.BaseForm):
            found.append(value)
        elif isinstance(value, forms.BaseFormSet):
            found += [value.management_form, *value.forms]
    return found


def initial_data(form: forms.BaseForm) -> dict:
    """What the browser sends back of an unchanged form."""
    data = {}
    for name, form_field in form.fields.items():
        if isinstance(form_field, forms.FileField):
            continue
        value = form[name].value()
        if value is None or value is False:
            continue
        if isinstance(value, (date, datetime)):
            value = value.strftime("%d.%m.%Y")
        elif value is True:
            value = "on"
        elif isinstance(value, (list, tuple)):
            value = [str(v) for v in value]
        data[form[name].html_name] = value
    return data


def text_fields(case: FormCase, found: list[forms.BaseForm]):
    """(post key, form field, "app.Model.field" or None, structured) of the fields a user types text into."""
    for form in found:
        if case.prefixes is not None and (form.prefix or "") not in case.prefixes:
            continue
        model = getattr(getattr(form, "_meta", None), "model", None)
        for name, form_field in form.fields.items():
            if not isinstance(form_field, forms.CharField) or form_field.disabled:
                continue
            if isinstance(form_field.widget, forms.HiddenInput):
                continue
            target = case.targets.get(name)
            validators = list(form_field.validators)
            if target is None and model is not None:
                try:
                    model_field = model._meta.get_field(name)
                except Exception:  # a form field of its own
                    model_field = None
                if model_field is not None:
                    target = label(model_field)
                    validators += model_field.validators  # checked when the form validates the instance
            structured = is_structured(name, form_field) or (
                not isinstance(form_field, forms.URLField)
                and any(type(v).__name__ not in PLAIN_VALIDATORS for v in validators)
            )
            yield form[name].html_name, form_field, target, structured


def database_state() -> dict:
    state = {}
    for app in (*TEXT_APPS, "auditlog"):
        for model in apps.get_app_config(app).get_models():
            state[model._meta.label] = list(model.objects.order_by("pk").values_list())
    return state


def form_errors(found: list[forms.BaseForm]) -> list[str]:
    messages = []
    for form in found:
        if form.is_bound:
            for errors in form.errors.values():
                messages += [str(e) for e in errors]
    return messages


def russian_problems(messages: list[str]) -> list[str]:
    return [m for m in messages if not CYRILLIC.search(m) or any(english in m for english in ENGLISH_DJANGO)]


def model_of(target: str):
    app, model, name = target.split(".")
    return apps.get_model(app, model), name


class _Rollback(Exception):
    pass


def post_hostile(case: FormCase, w: FormWorld) -> list[str]:
    """Post every kind of hostile value through one form; the problems found."""
    client = lenient_client(w.world, case.persona)
    problems, accepted, refusals = [], set(), {}
    counter = iter(range(10**6))
    page = None

    def post(kind: str, structured: bool = False) -> None:
        nonlocal page
        if page is None:  # a fresh form: the first post, or after a save changed the record's version
            page = client.get(case.url(w))
            assert page.status_code == 200, f"{case.id}: GET {failure(page)}"
        found = forms_on(page)
        data = {}
        for form in found:
            data.update(initial_data(form))
        data.update(case.base(w, next(counter)) if case.base else {})
        typed, has_structured = {}, False
        for index, (key, form_field, target, is_structure) in enumerate(text_fields(case, found)):
            has_structured |= is_structure
            if is_structure and structured:
                data[key] = free_value(kind, form_field, index)
            elif not is_structure and not structured:
                make = url_value if isinstance(form_field, forms.URLField) else free_value
                data[key] = make(kind, form_field, index)
                typed[key] = (data[key], target)
        if structured and not has_structured:
            return
        where = f"{case.id} [{kind}{' in structured fields' if structured else ''}]"
        before = database_state()
        response = client.post(case.url(w), data)
        if response.status_code == 302:
            if any("version" in form.fields for form in found):
                page = None  # the record's version changed: the next post needs the new one
            accepted.add(kind)
            if any("\x00" in str(value) for value in data.values()):
                problems.append(f"{where}: a NUL was accepted")
            for key, (value, target) in typed.items():
                model, name = model_of(target) if target else (None, None)
                if model is not None and not model.objects.filter(**{name: value}).exists():
                    problems.append(f"{where}: {key} was not stored as typed ({target})")
            if kind == "markup" and not structured:
                shown = client.get(case.shown_at(w) if case.shown_at else response["Location"])
                html = shown.content.decode()
                if shown.status_code != 200:
                    problems.append(f"{where}: the page after saving: {failure(shown)}")
                elif raw := raw_markup(html):
                    problems.append(f"{where}: the page after saving shows unescaped markup {raw[:1]}")
                elif typed and escape(SCRIPT) not in html:
                    problems.append(f"{where}: the page after saving does not show the text")
        elif response.status_code in (200, 409):
            messages = form_errors(forms_on(response)) if response.context else []
            refusals[kind] = messages[:3]
            if not messages:
                problems.append(f"{where}: refused without a message")
            if bad := russian_problems(messages):
                problems.append(f"{where}: refused with a message that is not Russian: {bad[:2]}")
            if "nul" in kind and not any(NUL_MESSAGE in m for m in messages):
                problems.append(f"{where}: a NUL was refused without saying so: {messages[:2]}")
            if database_state() != before:
                problems.append(f"{where}: refused, yet the database changed")
        else:
            problems.append(f"{where}: {failure(response)}")

    for kind in FORM_KINDS:
        post(kind)
    for kind in ("markup", "nul"):
        post(kind, structured=True)  # an e-mail, a code, a link, a period: accepted as such, or refused
    for kind in ("markup", "formula", "max_length"):
        if kind not in accepted:
            problems.append(
                f"{case.id}: refuses free text ({kind}), so nothing stored could be checked: {refusals.get(kind)}"
            )
    return problems


def test_every_form_stores_hostile_text_verbatim_or_refuses_it_in_russian(form_world):
    """Each form, posted as its users post it: the hostile text is stored as typed, or refused in Russian
    with the database unchanged; never a 500. Each form starts from the same database (a savepoint)."""
    from django.db import transaction

    problems = []
    for case in FORM_CASES:
        try:
            with transaction.atomic():
                problems += post_hostile(case, form_world)
                raise _Rollback
        except _Rollback:
            pass
    assert not problems, "\n".join(problems)


def test_every_free_text_column_is_reached_by_a_form_or_listed_as_formless(form_world):
    """A text column that a new form field writes is tested above; one that no form writes is listed here
    with where its text comes from (the database tests above feed it all the same)."""
    formless = {
        "registry.EducationDepartment.name": "the system administrator's admin",
        "registry.EducationDepartment.region": "the system administrator's admin",
        "registry.EducationDepartment.municipality": "the system administrator's admin",
        "registry.EducationDepartment.methodical_centre": "the system administrator's admin",
        "roadmap.Roadmap.period_text": "the form's period field (STRUCTURED), stored as parse_period's label",
        "roadmap.RoadmapItem.schedule_problem": "written by parse_deadline about the deadline text",
        "roadmap.Occurrence.label": "written by sync_occurrences from the schedule",
        "roadmap.Occurrence.evidence_file": "an upload: the storage keeps a safe file name",
        "roadmap.Occurrence.evidence_original_name": "an upload's own file name: test_an_uploaded_file_name_*",
        "exchange.Job.title": "written by the export and import views (an upload's file name in it)",
        "exchange.Job.filename": "written by the export view from the exporter's file name",
        "exchange.Job.message": "written by the job runner",
        "exchange.Job.file": "written by the job runner or an upload: the storage keeps a safe file name",
        "registry.PersonalDataAccess.user_name": "written by registry.privacy from the user's name",
        "registry.PersonalDataAccess.what": "written by registry.privacy",
        "registry.Erasure.user_name": "written by registry.privacy from the user's name",
        "registry.Erasure.basis": "written by registry.privacy",
    }
    reached = set()
    for case in FORM_CASES:
        client = client_for(form_world.world, case.persona)
        found = forms_on(client.get(case.url(form_world)))
        reached |= {target for _key, _field, target, _structured in text_fields(case, found) if target}
    missing = all_free_text_fields() - reached - set(formless)
    assert not missing, f"text columns that no form case posts hostile text to: {sorted(missing)}"
    assert not set(formless) & reached, f"listed as formless, yet a form writes them: {sorted(set(formless) & reached)}"


# --- Uploads: a file's own name and the texts inside it ----------------------------------------------------

HOSTILE_FILE_NAME = f"{IMG}.pdf"  # a name without a slash: the whole of it is the file name


def test_an_uploaded_file_name_is_shown_inert(form_world):
    """The evidence document's own file name (kept as uploaded, for the page and the download) is markup
    in the user's hands: the mark's page shows it escaped, the download names it in a well-formed header."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = lenient_client(form_world.world, M)
    mark = reverse("roadmap_occurrence_edit", args=[form_world.occurrence.pk])
    problems = []
    for name in (HOSTILE_FILE_NAME, f"Приказ {RTL}.pdf", f"{HYPERLINK}.pdf".replace("/", "_")):
        data = initial_data(client.get(mark).context["form"])
        data.update(status="in_progress", evidence_file=SimpleUploadedFile(name, b"%PDF-1.4\n"))
        response = client.post(mark, data)
        if response.status_code != 302:
            problems.append(f"{name!r}: the upload: {failure(response)}")
            continue
        occurrence = Occurrence.objects.get(pk=form_world.occurrence.pk)
        if "\u202e" in occurrence.evidence_name:
            problems.append(f"{name!r}: the bidi override is kept in the name shown: {occurrence.evidence_name!r}")
        for url in (mark, reverse("roadmap_detail", args=[form_world.roadmap.pk]), reverse("roadmap_agenda")):
            page = client.get(url)
            if page.status_code != 200:
                problems.append(f"{name!r}: {url}: {failure(page)}")
            elif raw := raw_markup(page.content.decode()):
                problems.append(f"{name!r}: {url} shows the file name unescaped: {raw[:1]}")
        download_response = client.get(reverse("roadmap_evidence", args=[form_world.occurrence.pk]))
        header = download_response.get("Content-Disposition", "")
        quoted = r'attachment; filename="(?:[^"\\\r\n]|\\.)*"|attachment; filename\*=utf-8\'\'[^\s"]+'
        if download_response.status_code != 200 or not re.fullmatch(quoted, header):
            problems.append(f"{name!r}: the download: {failure(download_response)} {header!r}")
    assert not problems, "\n".join(problems)


def official_workbook(form, rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(form.headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_uploaded_base_with_hostile_cells_and_name_is_reported_and_saved_inert(
    form_world, django_capture_on_commit_callbacks
):
    """An .xlsx of «База наставляемых» whose file name and cells are hostile. Names with markup are refused
    (the check's report quotes them, escaped); free texts with markup and formulas are saved as they are in
    the file and shown escaped; nothing crashes."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from exchange.official import MENTEES

    client = lenient_client(form_world.world, C1)

    def check(rows) -> tuple[object, Job]:
        upload = SimpleUploadedFile(f"{IMG}.xlsx", official_workbook(MENTEES, rows))
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("import_file"),
                {"base": "mentees", "organisation": form_world.world.school_a1.pk, "file": upload},
            )
        assert response.status_code == 302, failure(response)
        job = Job.objects.filter(kind=JobKind.IMPORT_CHECK).latest("pk")
        assert job.status == JobStatus.DONE, f"the check job: {job.get_status_display()} {job.message}"
        return response, job

    names = [
        1,
        f"{SCRIPT} Иванов Иван",
        2012,
        "Запрос",
        "01.09.2025",
        f"{IMG} Петров Пётр",
        "ученик – ученик",
        None,
        None,
        None,
        None,
        None,
    ]
    refused, refused_job = check([names])
    assert not refused_job.report["ok"], "names with markup are not names"
    texts = [
        1,
        "Иванов Иван",
        2012,
        SCRIPT + IMG,
        "01.09.2025",
        "Петров Пётр Петрович",
        "ученик – ученик",
        HYPERLINK,
        None,
        CMD,
        None,
        None,
    ]
    accepted, accepted_job = check([texts])
    assert accepted_job.report["ok"], accepted_job.report["problems"]
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = client.post(reverse("job_confirm", args=[accepted_job.pk]))
    saved = Job.objects.get(kind=JobKind.IMPORT_SAVE)
    assert saved.status == JobStatus.DONE, f"the saving job: {saved.get_status_display()} {saved.message}"
    mentee = Person.objects.get(last_name="Иванов")
    assert mentee.main_request == SCRIPT + IMG, "the cell's text is stored as it was in the file"
    pages = {  # the page → what it must show, escaped: the file's name, a refused name, a saved text
        refused["Location"]: [IMG, f"{SCRIPT} Иванов Иван"],
        accepted["Location"]: [IMG],
        confirmed["Location"]: [IMG],
        reverse("job_list"): [IMG],
        reverse("person_detail", args=[mentee.pk]): [SCRIPT + IMG],
        reverse("pair_list"): [],
    }
    problems = []
    for url, shown in pages.items():
        page = client.get(url)
        html = page.content.decode()
        if page.status_code != 200:
            problems.append(f"{url}: {failure(page)}")
        elif raw := raw_markup(html):
            problems.append(f"{url}: unescaped markup {raw[:1]}")
        problems += [f"{url}: does not show {text!r} escaped" for text in shown if escape(text) not in html]
    assert not problems, "\n".join(problems)


def test_a_pasted_roadmap_with_hostile_cells_is_previewed_and_saved_inert(form_world):
    client = lenient_client(form_world.world, M)
    text = (
        "№\tСодержание\tСроки\tОтветственный\r\n"
        f"1.1.\t{SCRIPT}\tДо 01.05.2025\t{IMG}\r\n"
        f"1.2.\t{HYPERLINK}\t{MINUS}\t{AT}\r\n"
        f"1.3.\t{RTL} {ZERO_WIDTH}\t{CMD}\t{'ж' * LONG}\r\n"
    )
    preview = client.post(
        reverse("roadmap_import"),
        {
            "owner": f"department:{form_world.world.department_a.pk}",
            "title": f"{SCRIPT}{IMG}",
            "period": "2025",
            "text": text,
        },
    )
    assert preview.status_code == 200 and "token" in preview.context, failure(preview)
    html = preview.content.decode()
    assert not raw_markup(html), raw_markup(html)[:1]
    assert escape(SCRIPT) in html and escape(IMG) in html
    saved = client.post(reverse("roadmap_import_confirm"), {"token": preview.context["token"]})
    assert saved.status_code == 302, failure(saved)
    roadmap_page = client.get(saved["Location"])
    html = roadmap_page.content.decode()
    assert roadmap_page.status_code == 200 and not raw_markup(html), raw_markup(html)[:1]
    assert escape(SCRIPT) in html and escape(HYPERLINK) in html


def test_an_uploaded_contingent_with_hostile_cells_and_name_is_reported_inert(form_world):
    """The contingent upload's report quotes the file's cells (an unknown organisation, a bad number)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = lenient_client(form_world.world, M)
    template = client.get(reverse("contingent_template"), {"year": 2025})
    assert template.status_code == 200, failure(template)
    workbook = openpyxl.load_workbook(io.BytesIO(content(template)))
    sheet = workbook.active
    header = next(c.row for c in sheet["A"] if c.value and "Код" in str(c.value))
    sheet.cell(row=header + 1, column=3, value=SCRIPT)  # a number expected
    sheet.append([f"{IMG}", f"{SCRIPT}", HYPERLINK, MINUS, AT, CMD, "-5"])  # an organisation nobody knows
    out = io.BytesIO()
    workbook.save(out)
    response = client.post(
        reverse("contingent_upload"), {"year": 2025, "file": SimpleUploadedFile(f"{IMG}.xlsx", out.getvalue())}
    )
    assert response.status_code == 200, failure(response)
    html = response.content.decode()
    assert not raw_markup(html), raw_markup(html)[:1]
    assert escape(SCRIPT) in html or escape(IMG) in html, "the report quotes the file's cells"


def test_a_curator_is_invited_to_a_school_whose_name_holds_control_characters(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    """The invitation's subject quotes the school's short name; a line break typed into the name (the form
    takes it) must not stop the invitation with a 500 (BadHeaderError) — nor reach the mail's headers."""
    client = lenient_client(world, M)
    edit = reverse("organisation_edit", args=[world.school_a1.pk])
    data = initial_data(client.get(edit).context["form"])
    data["short_name"] = "МБОУ СОШ № 1\r\nBcc: evil@evil.example"
    response = client.post(edit, data)
    assert response.status_code == 302, failure(response)
    from django.core.mail import BadHeaderError

    try:
        with django_capture_on_commit_callbacks(execute=True):  # the invitation is sent once the request commits
            response = client.post(
                reverse("curator_invite", args=[world.school_a1.pk]),
                {
                    "last_name": "Петрова",
                    "first_name": "Анна",
                    "email": "new.curator@example.test",
                    "username": "new.curator",
                },
            )
    except BadHeaderError as error:  # in a request: a 500 after the curator's role is committed, and no mail
        pytest.fail(f"the invitation crashed: {error}")
    assert response.status_code == 302, failure(response)
    assert len(mailoutbox) == 1
    message = mailoutbox[0].message()
    # The subject is one line (an encoded header may still be folded by the mail library, which is not a break).
    assert "\n" not in mailoutbox[0].subject and "\r" not in mailoutbox[0].subject
    assert message["Bcc"] is None and mailoutbox[0].recipients() == ["new.curator@example.test"]


def test_a_text_pasted_from_word_does_not_break_the_exports(form_world):
    """A control character typed or pasted into a form (Word's manual line break is \\x0b; Django's forms
    refuse only NUL) must not stop the XLSX files made of that text from downloading."""
    client = lenient_client(form_world.world, M)
    pasted = "Олимпиадная математика\x0bи физика\x07"
    edits = [
        (reverse("person_edit", args=[form_world.person.pk]), "competencies"),
        (reverse("roadmap_item_edit", args=[form_world.item.pk]), "content"),
    ]
    for edit, name in edits:
        data = initial_data(client.get(edit).context["form"])
        data[name] = pasted
        response = client.post(edit, data)
        assert response.status_code == 302, f"{edit}: {failure(response)}"
    assert Person.objects.get(pk=form_world.person.pk).competencies == pasted
    problems = []
    for name, method, address, data in [
        ("base mentors", "post", reverse("export"), {"base": "mentors", "period": "all", "file_format": "xlsx"}),
        ("roadmap", "get", reverse("roadmap_export", args=[form_world.roadmap.pk]), {"format": "xlsx"}),
    ]:
        content_bytes, error = download(client, method, address, data)
        if content_bytes is None:
            problems.append(f"{name}: {error}")
    assert not problems, "\n".join(problems)
