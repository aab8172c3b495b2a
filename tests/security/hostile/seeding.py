"""The hostile values, the free-text columns of the models, and `seed`: a world whose every free-text
column holds a hostile value (markup, formulas, stress), filled directly past the forms."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from exchange.models import ColumnMapping
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

TEXT_APPS = ("registry", "roadmap", "monitoring", "exchange", "jobs", "events")

# Text columns that cannot hold free text. Everything else that is a CharField or TextField (URLField,
# EmailField …) or a FileField (its stored name) in TEXT_APPS is fed hostile input below. Left out by
# rule as well (see `free_text_fields`): fields with choices (a CheckConstraint refuses any other value)
# and fields that are not editable (search_text, name_key and PairMentee's copies of the pair's facts,
# computed from the fields fed here).
NOT_FREE_TEXT = {
    "registry.User.password": "a salted hash written by set_password; never typed as text, never shown",
    "registry.EducationDepartment.code": "code_validator: Latin letters, digits, . - _ (else refused in Russian)",
    "registry.Organisation.code": "code_validator: Latin letters, digits, . - _ (else refused in Russian)",
    "registry.Region.code": "code_validator: Latin letters, digits, . - _ (else refused in Russian)",
    "roadmap.Occurrence.key": "the schedule's key («2025», «2025-09») that sync_occurrences matches rows by; "
    "written by code, never typed, never shown",
    "roadmap.ImportPreview.token": "secrets.token_urlsafe, written by code; the preview's texts are in its JSON",
    "jobs.Submission.path": "the form's own address (request.path), written by code, never shown",
    "jobs.Submission.result_url": "where the first sending led (a redirect of ours), written by code, never shown",
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
    fill(world.region)
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

    bases = {"base": "mentees", "period": "current", "organisations": [], "filters": {}, "format": "xlsx"}
    job = Job.objects.create(
        owner=world.methodist_a,
        kind=JobKind.EXPORT,
        status=JobStatus.DONE,
        title="База",
        filename="База.xlsx",
        params={"exporter": "bases", "params": bases},
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
            params={"exporter": "bases", "params": bases},
            finished_at=timezone.now(),
        )
    )
    participation = pair.participations.get(mentee=student)
    fill(ColumnMapping.objects.create(organisation=school, kind="mentees", header="руководитель", key="mentor"))

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
    events = seed_events(world, fill, today, mentor, pair, occurrence)
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
        extra={"failed_job": failed_job, **events},
    )


def seed_events(world, fill, today, mentor, pair, occurrence) -> dict:
    """A department's own kind of event, a training event holding the roadmap's occurrence, its document, a
    person and a pair taking part with certificates: every text of the events hostile."""
    from events.models import Event, EventDocument, EventKind, EventParticipant

    kind = fill(EventKind.objects.create(name="вид", is_training=True, department=world.department_a))
    event = fill(
        Event.objects.create(
            department=world.department_a,
            kind=kind,
            title="мероприятие",
            start_date=today - timedelta(days=3),
            end_date=today - timedelta(days=2),
            roadmap_occurrence=occurrence,
        )
    )
    document = fill(EventDocument.objects.create(event=event, file="events/д.pdf", original_name="д.pdf"))
    person = fill(EventParticipant.objects.create(event=event, person=mentor, training_hours=8, result="winner"))
    with_pair = fill(EventParticipant.objects.create(event=event, pair=pair))
    return {
        "event": event,
        "event_kind": kind,
        "event_document": document,
        "event_person": person,
        "event_pair": with_pair,
    }


# --- Shared by the stories -----------------------------------------------------------------------------


M, C1, R = "methodist_a", "curator_a1", "coordinator"


def lenient_client(world, persona):
    """A client that answers a crash with the 500 page (and its exception), so that one test can list
    every failure instead of stopping at the first."""
    client = client_for(world, persona)
    client.raise_request_exception = False
    return client


def failure(response) -> str:
    error = getattr(response, "exc_info", None)
    return f"status {response.status_code}" + (f": {error[0].__name__}: {error[1]}"[:300] if error else "")


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def download(client, method: str, url: str, data=None) -> tuple[bytes | None, str]:
    response = getattr(client, method)(url, data or {})
    if response.status_code != 200:
        return None, failure(response)
    return content(response), ""


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
