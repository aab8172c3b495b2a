"""Personal data under 152-ФЗ: the access log, a subject's extract, and erasure.

- `record_view` / `record_shown` / `record_export`: each view of a minor's record, each page or
  answer that showed minors (a list, a pair, a form, the picker: one entry naming the minors it
  showed) and each export of a base is written to `PersonalDataAccess` (who, when, from where,
  what), in the request's transaction.
- `subject_extract` (served by registry/exports.py, logged by `record_extract`): everything the
  registry holds about one person, with its change history and access log, as an XLSX for a subject
  request (itself logged).
- `erase`: when consent is withdrawn or the purpose is achieved, the person's data is destroyed:
  every text that identifies or describes them is wiped, their consents, change history and access
  log are deleted; the row stays, depersonalised (organisation, category, birth year), so that pairs
  of other people keep their mentor or mentee and past years' indicators keep their counts. An
  `Erasure` record without any personal data says when, why, by whom and how much was removed.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from openpyxl import Workbook

from common.files.writers import Sheet
from common.text import name_part
from common.web import client_ip
from jobs.models import Job, JobKind
from registry import audit, freshness
from registry.models import (
    AccessKind,
    Consent,
    Erasure,
    ErasureReason,
    Meeting,
    MentoringPair,
    Organisation,
    PairMentee,
    Person,
    PersonalDataAccess,
    User,
)
from registry.models.people import DESCRIBING_FIELDS

# --- The access log ------------------------------------------------------------------------------


def _address(request: HttpRequest | None) -> str | None:
    return client_ip(request) if request is not None else None


def user_label(user: User) -> str:
    name = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return f"{name} ({user.get_username()})" if name else user.get_username()


def _entry(
    request: HttpRequest,
    kind: str,
    *,
    person: Person | None,
    organisation: Organisation | None,
    department_id: int,
    what: str,
    rows: int | None = None,
) -> PersonalDataAccess:
    return PersonalDataAccess.objects.create(
        user=request.user,
        user_name=user_label(request.user)[:300],
        kind=kind,
        person=person,
        organisation=organisation,
        department_id=department_id,
        what=what[:500],
        rows=rows,
        address=_address(request),
    )


def record_view(request: HttpRequest, person: Person) -> None:
    """A minor's record was shown; adults' records are not logged (152-ФЗ asks it for minors here)."""
    if person.is_minor() and person.erased_at is None:
        _entry(
            request,
            AccessKind.VIEW,
            person=person,
            organisation=person.organisation,
            department_id=person.organisation.department_id,
            what=f"карточка: {person.full_name}",
        )


def record_shown(request: HttpRequest, people: Iterable[Person | None], *, what: str) -> None:
    """A page or an answer showed these people: the minors among them are logged, in one entry per
    department naming them all (a list logs the minors of the page it showed, not the whole base).

    `what` names the page, never a person: the entry outlives the erasure of one of those it names.
    """
    minors = {
        person.pk: person
        for person in people
        if person is not None and person.pk is not None and person.erased_at is None and person.is_minor()
    }
    if not minors:
        return
    # Each person's department: from the organisation a list already fetched, else in one query.
    organisation_field = Person._meta.get_field("organisation")
    departments = {
        person.organisation_id: person.organisation.department_id
        for person in minors.values()
        if organisation_field.is_cached(person)
    }
    if unknown := {person.organisation_id for person in minors.values()} - departments.keys():
        departments.update(Organisation.objects.filter(pk__in=unknown).values_list("pk", "department_id"))
    by_department: dict[int, list[Person]] = {}
    for person in minors.values():
        by_department.setdefault(departments[person.organisation_id], []).append(person)
    through = PersonalDataAccess.people.through
    for department_id, shown in by_department.items():
        organisations = {person.organisation_id for person in shown}
        entry = PersonalDataAccess.objects.create(
            user=request.user,
            user_name=user_label(request.user)[:300],
            kind=AccessKind.LIST,
            person=shown[0] if len(shown) == 1 else None,
            organisation_id=organisations.pop() if len(organisations) == 1 else None,
            department_id=department_id,
            what=f"{what} ({request.path})"[:500],
            rows=len(shown),
            address=_address(request),
        )
        through.objects.bulk_create([through(personaldataaccess_id=entry.pk, person_id=person.pk) for person in shown])


def record_export(request: HttpRequest, *, what: str, rows: int, organisations: list[Organisation]) -> None:
    """An export of a base: one entry per department it reaches (one organisation named when alone)."""
    by_department: dict[int, list[Organisation]] = {}
    for organisation in organisations:
        by_department.setdefault(organisation.department_id, []).append(organisation)
    for department_id, members in by_department.items():
        _entry(
            request,
            AccessKind.EXPORT,
            person=None,
            organisation=members[0] if len(members) == 1 else None,
            department_id=department_id,
            what=what,
            rows=rows,
        )


def log_for(scope, queryset: QuerySet[PersonalDataAccess] | None = None) -> QuerySet[PersonalDataAccess]:
    """The entries a methodist reads: their departments' (access layer: `Scope.methodist_departments`)."""
    queryset = PersonalDataAccess.objects.all() if queryset is None else queryset
    return queryset.filter(department_id__in=scope.methodist_departments)


# --- A subject's extract ----------------------------------------------------------------------------

_PERSON_FIELDS = [
    *DESCRIBING_FIELDS,
    "archived_at",
    "archive_reason",
    "created_at",
    "updated_at",
]


def _shown(value) -> object:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%d.%m.%Y %H:%M")
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return value


@dataclass(frozen=True)
class HeldElsewhere:
    """Personal data about a person that an app above the registry keeps (questionnaire answers, say):
    the registry cannot import it, so the app registers how the subject's extract lists it and how
    erasure destroys it (`register_held`, from the app's `ready()`)."""

    key: str  # its count in `Erasure.removed`
    sheet: str  # the extract's sheet
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    rows: Callable[[Person], list[list]]  # the extract's rows about the person
    erase: Callable[[Person], int]  # destroys it (and its audit entries); how many records went


HELD_ELSEWHERE: dict[str, HeldElsewhere] = {}


def register_held(held: HeldElsewhere) -> None:
    HELD_ELSEWHERE[held.key] = held


def record_extract(request: HttpRequest, person: Person) -> None:
    """A subject's extract is in the access log (and in the extract itself: it is logged first)."""
    _entry(
        request,
        AccessKind.SUBJECT_REQUEST,
        person=person,
        organisation=person.organisation,
        department_id=person.organisation.department_id,
        what=f"выписка для субъекта: {person.full_name}",
    )


def subject_extract(person: Person) -> tuple[bytes, str]:
    """The XLSX of a subject request and its file name (registry/exports.py serves it)."""
    workbook = Workbook()
    workbook.remove(workbook.active)

    sheet = Sheet(workbook, "Сведения", [42, 70])
    sheet.line(f"Сведения о субъекте персональных данных на {timezone.localdate():%d.%m.%Y}", bold=True, size=13)
    sheet.line("Оператор", f"{person.organisation.full_name or person.organisation.short_name}", wrap=True)
    sheet.line("Муниципалитет", person.organisation.department.name, wrap=True)
    sheet.line("Цель обработки", "участие в программе наставничества (целевая модель наставничества)", wrap=True)
    sheet.row += 1
    header = sheet.row
    sheet.line("Поле", "Значение", header=True)
    for name in _PERSON_FIELDS:
        field = Person._meta.get_field(name)
        value = getattr(person, f"get_{name}_display")() if field.choices else getattr(person, name)
        sheet.line(str(field.verbose_name).capitalize(), _shown(value), wrap=True, border=True)
    sheet.table(header, 2)

    sheet = Sheet(workbook, "Согласия", [22, 30, 18, 14, 14, 30, 26])
    sheet.line(
        "Кто дал",
        "Законный представитель",
        "Кем приходится",
        "Дата согласия",
        "Дата отзыва",
        "Примечание",
        "Записал",
        header=True,
    )
    consents = list(person.consents.select_related("recorded_by").order_by("given_on", "pk"))
    for consent in consents:
        sheet.line(
            consent.get_given_by_display(),
            _shown(consent.representative_name),
            _shown(consent.representative_relation),
            _shown(consent.given_on),
            _shown(consent.withdrawn_on),
            _shown(consent.note),
            user_label(consent.recorded_by) if consent.recorded_by else "—",
            wrap=True,
            border=True,
        )
    sheet.table(1, 7)

    sheet = Sheet(workbook, "Наставничество", [14, 40, 36, 14, 14, 40])
    sheet.line("Роль", "Пара / группа", "Форма", "Вхождение", "Завершение", "Результаты", header=True)
    for pair in person.mentor_pairs.select_related("format").order_by("entry_date", "pk"):
        sheet.line(
            "наставник",
            f"пара № {pair.pk}",
            pair.format.name,
            _shown(pair.entry_date),
            _shown(pair.end_date),
            _shown(pair.results),
            wrap=True,
            border=True,
        )
    participations = list(
        person.participations.select_related("pair__format", "pair__mentor").order_by("pair__entry_date", "pk")
    )
    for participation in participations:
        pair = participation.pair
        sheet.line(
            "наставляемый",
            f"пара № {pair.pk}, наставник {pair.mentor.full_name}",
            pair.format.name,
            _shown(pair.entry_date),
            _shown(pair.end_date),
            _shown(participation.results),
            wrap=True,
            border=True,
        )
    sheet.table(1, 6)

    for held in HELD_ELSEWHERE.values():
        sheet = Sheet(workbook, held.sheet, list(held.widths))
        sheet.line(*held.headers, header=True)
        for values in held.rows(person):
            sheet.line(*(_shown(value) for value in values), wrap=True, border=True)
        sheet.table(1, len(held.headers))

    sheet = Sheet(workbook, "История изменений", [18, 30, 14, 24, 60])
    sheet.line("Когда", "Кто", "Действие", "Что", "Изменения", header=True)
    entries = audit.entries_for(
        (Person, [person.pk]), (Consent, [c.pk for c in consents]), (PairMentee, [p.pk for p in participations])
    )
    for row in audit.history(entries):
        sheet.line(
            _shown(row.entry.timestamp),
            user_label(row.entry.actor) if row.entry.actor else "система",
            row.action,
            row.what,
            row.text or "—",
            wrap=True,
            border=True,
        )
    sheet.table(1, 5)

    sheet = Sheet(workbook, "Журнал доступа", [18, 30, 28, 60, 16])
    sheet.line("Когда", "Кто", "Действие", "Что", "Адрес", header=True)
    for access in PersonalDataAccess.objects.about(person).order_by("at", "pk"):
        sheet.line(
            _shown(access.at),
            access.user_name,
            access.get_kind_display(),
            access.what,
            _shown(access.address),
            wrap=True,
            border=True,
        )
    sheet.table(1, 5)

    workbook.properties.title = "Выписка по запросу субъекта персональных данных"
    out = io.BytesIO()
    workbook.save(out)
    who = name_part(f"{person.last_name} {person.first_name}")
    return out.getvalue(), f"Выписка ПДн — {who} — {timezone.localdate():%d.%m.%Y}.xlsx"


# --- Erasure -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grounds:
    """Why a person's data may be erased now, or why not (`reason` None and `refusal` says it)."""

    reason: str | None
    basis: str
    refusal: str = ""


def grounds(person: Person) -> Grounds:
    if person.erased_at is not None:
        return Grounds(None, "", "Сведения об этом участнике уже удалены.")
    consents = list(person.consents.all())
    if consents and all(c.withdrawn_on for c in consents):
        last = max(c.withdrawn_on for c in consents)
        return Grounds(ErasureReason.CONSENT_WITHDRAWN, f"согласие отозвано {last:%d.%m.%Y}")
    active = (
        MentoringPair.objects.filter(Q(mentor=person) | Q(participations__mentee=person), end_date__isnull=True)
        .distinct()
        .count()
    )
    if person.archived_at is not None and not active:
        return Grounds(
            ErasureReason.PURPOSE_ACHIEVED,
            f"участник в архиве с {timezone.localtime(person.archived_at):%d.%m.%Y}, незавершённых пар нет",
        )
    if active:
        return Grounds(
            None,
            "",
            (
                f"У участника есть незавершённые пары ({active}). Удалить сведения можно, когда согласие отозвано "
                "или цель обработки достигнута: завершите пары и переместите участника в архив."
            ),
        )
    return Grounds(
        None,
        "",
        (
            "Удалить сведения можно, когда согласие на обработку отозвано или цель обработки достигнута. "
            "Отметьте отзыв согласия или переместите участника в архив."
        ),
    )


_WIPED = {
    "patronymic": "",
    "class_or_group": "",
    "position": "",
    "workplace": "",
    "competencies": "",
    "achievements": "",
    "interests": "",
    "desired_mentee_age": "",
    "time_resource": "",
    "main_request": "",
    "archive_reason": "",
}


REDACTED = "[сведения удалены]"
_ENDINGS = "аяоеуюыиьй"


def name_pattern(person: Person) -> re.Pattern | None:
    """The person's surname, first name and patronymic in any case form («Ласточкина», «Ласточкиной»,
    «Веру»): each word's stem (without a last vowel) and up to three more letters, ё as е, whole words."""
    parts = []
    for word in {w for text in (person.last_name, person.first_name, person.patronymic) for w in text.split()}:
        low = word.lower().replace("ё", "е")
        if len(low) < 3 or not low.isalpha():
            continue
        stem = low[:-1] if len(low) > 3 and low[-1] in _ENDINGS else low
        parts.append(re.escape(stem).replace("е", "[её]") + "[а-яё]{0,3}")
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(sorted(parts, key=len, reverse=True)) + r")(?!\w)", re.IGNORECASE)


def _redact(value, pattern: re.Pattern):
    """`value` (text, or JSON of texts) with every form of the name replaced by REDACTED."""
    if isinstance(value, str):
        return pattern.sub(REDACTED, value)
    if isinstance(value, list):
        return [_redact(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _redact(item, pattern) for key, item in value.items()}
    return value


def _redact_rows(queryset: QuerySet, fields: tuple[str, ...], pattern: re.Pattern) -> int:
    """Redact the name in these fields of these rows; the number of rows changed."""
    changed = 0
    for row in queryset.only("pk", *fields):
        values = {name: _redact(getattr(row, name), pattern) for name in fields}
        if any(values[name] != getattr(row, name) for name in fields):
            type(row).objects.filter(pk=row.pk).update(**values)
            changed += 1
    return changed


def _holds(job: Job, person: Person) -> bool:
    params = job.params or {}
    if job.kind != JobKind.EXPORT:
        return params.get("organisation") == person.organisation_id  # an upload into their organisation
    if "exporter" not in params:
        return True  # a base exported by the release before exporters: its reach is unknown
    if params["exporter"] == "bases":
        reach = params.get("reach")
        return reach is None or person.organisation_id in reach
    return params["exporter"] == "person-extract" and (params.get("params") or {}).get("pk") == person.pk


def _jobs_holding(person: Person, pattern: re.Pattern | None) -> QuerySet[Job]:
    """Jobs whose rows or files may hold the person: the bases exported with their organisation in them,
    their extracts, the uploads into their organisation, and any job whose texts name them."""
    department_id = person.organisation.department_id
    candidates = Job.objects.filter(
        Q(owner__memberships__department_id=department_id) | Q(owner__home_department_id=department_id)
    ).distinct()
    chosen = []
    for job in candidates.only("pk", "kind", "title", "params", "report", "message"):
        texts = [job.title, job.params, job.report, job.message]
        if _holds(job, person) or (pattern is not None and _redact(texts, pattern) != texts):
            chosen.append(job.pk)
    return Job.objects.filter(pk__in=chosen)


def _destroy_jobs(jobs: QuerySet) -> tuple[int, int]:
    """Delete the jobs and their files; (jobs, files)."""
    files = 0
    for job in jobs.only("pk", "file"):
        if job.file and job.file.storage.exists(job.file.name):
            job.file.storage.delete(job.file.name)
            files += 1
    return jobs.delete()[0], files


def _history_of(person: Person, consent_ids: list[int], participation_ids: list[int]) -> QuerySet[LogEntry]:
    condition = Q(content_type=ContentType.objects.get_for_model(Person), object_id=person.pk)
    if consent_ids:
        condition |= Q(content_type=ContentType.objects.get_for_model(Consent), object_id__in=consent_ids)
    if participation_ids:
        condition |= Q(content_type=ContentType.objects.get_for_model(PairMentee), object_id__in=participation_ids)
    return LogEntry.objects.filter(condition)


@transaction.atomic
def erase(person: Person, *, user: User) -> Erasure:
    """Destroy the person's data (see the module's note); all of it or, on any error, nothing."""
    person = Person.objects.select_for_update().select_related("organisation").get(pk=person.pk)
    found = grounds(person)
    if found.reason is None:
        raise ValueError(found.refusal)
    consent_ids = list(person.consents.values_list("pk", flat=True))
    participation_ids = list(person.participations.values_list("pk", flat=True))
    removed = {
        "consents": len(consent_ids),
        "history": _history_of(person, consent_ids, participation_ids).delete()[0],
        # Its own entries go (they may name it); pages that showed it with others forget it.
        "access_log": person.data_accesses.all().delete()[1].get(PersonalDataAccess._meta.label, 0)
        + PersonalDataAccess.people.through.objects.filter(person=person).delete()[0],
    }
    now = timezone.now()
    erasure = Erasure.objects.create(
        at=now,
        user=user,
        user_name=user_label(user)[:300],
        department_id=person.organisation.department_id,
        organisation=person.organisation,
        person=person,
        reason=found.reason,
        basis=found.basis,
        removed=removed,
    )
    # Copies of the name elsewhere: the free texts of their pairs and meetings, the audit entries that
    # carry them, the jobs and files (exports, uploads) whose rows included them.
    pattern = name_pattern(person)
    pair_ids = list(
        MentoringPair.objects.filter(Q(mentor=person) | Q(participations__mentee=person)).values_list("pk", flat=True)
    )
    meeting_ids = list(Meeting.objects.filter(pair_id__in=pair_ids).values_list("pk", flat=True))
    all_participations = list(PairMentee.objects.filter(pair_id__in=pair_ids).values_list("pk", flat=True))
    removed["jobs"], removed["files"] = _destroy_jobs(_jobs_holding(person, pattern))
    # The wiping itself must not leave the old values in the audit trail.
    with disable_auditlog():
        if pattern is not None:
            removed["texts_redacted"] = (
                _redact_rows(MentoringPair.objects.filter(pk__in=pair_ids), ("results",), pattern)
                + _redact_rows(PairMentee.objects.filter(pk__in=all_participations), ("results",), pattern)
                + _redact_rows(Meeting.objects.filter(pk__in=meeting_ids), ("note", "feedback"), pattern)
            )
            entries = LogEntry.objects.filter(
                Q(content_type=ContentType.objects.get_for_model(MentoringPair), object_id__in=pair_ids)
                | Q(content_type=ContentType.objects.get_for_model(Meeting), object_id__in=meeting_ids)
                | Q(content_type=ContentType.objects.get_for_model(PairMentee), object_id__in=all_participations)
            )
            removed["history_redacted"] = _redact_rows(
                entries, ("object_repr", "changes_text", "changes", "serialized_data", "additional_data"), pattern
            )
        Consent.objects.filter(pk__in=consent_ids).delete()
        for held in HELD_ELSEWHERE.values():
            removed[held.key] = held.erase(person)
        removed["texts_of_pairs"] = PairMentee.objects.filter(pk__in=participation_ids).update(
            results="", feedback_url=""
        ) + MentoringPair.objects.filter(mentor=person).update(mentor_feedback_url="")
        for name, value in _WIPED.items():
            setattr(person, name, value)
        person.last_name = "Сведения удалены"
        person.first_name = f"запись № {erasure.pk}"
        person.archived_at = person.archived_at or now
        person.erased_at = now
        person.save()
    erasure.removed = removed
    erasure.save(update_fields=["removed"])
    freshness.touch(person.organisation_id)
    freshness.forget_answers()
    return erasure
