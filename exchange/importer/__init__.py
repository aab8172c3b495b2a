"""Importing «База наставляемых» and «База наставников» into one organisation's registry.

`run_import(data, filename, kind, organisation, user, commit=…)` reads the workbook
(exchange.reading), checks every row, matches the people and pairs already in the
registry and returns an `ImportReport`: counts, one line per row saying what happens to it, and
every problem with its row, column and a Russian message. It never raises for a bad file.

Preview and saving do the same work. Everything is written inside one `transaction.atomic()`;
a preview (commit=False), or a file with any problem at all, is rolled back at the end, so the
preview reports exactly what the database would refuse, constraints included, and a file is
saved whole or not at all.

Matching — importing the same file twice creates nothing new:
- People of the organisation (current, not archived) by `name_key` (ФИО, ё=е, any case), and by
  birth year when the file gives one: a person of that year, else one whose year is unknown (the
  year is then filled in). Without a year one namesake matches; two are a problem («укажите год
  рождения»; the mentors' base has no year column, so a year may follow the name: «Иванов Иван
  Иванович (2011)»). People first named earlier in the same file are matched the same way.
- A mentor's workplace («Место работы наставника», «Место работы») decides where the mentor is
  looked for: empty or naming this organisation — here; naming another organisation of the same
  department (its short or full name, quotes, case and «№ 5»/«№5» aside, or contained whole in
  the text) — among that organisation's people, and a mentor not found there is a problem (a
  curator never writes into another organisation's base, and that organisation's base is the
  place to register its teacher); anything else — an external participant of this organisation
  with `workplace` set to the text, matched by name like everyone here.
- A pair is (organisation, mentor, form, entry date). Rows with the same key are one pair or
  group: in the mentees' base one row per mentee, in the mentors' base a row names one or more
  mentees (separated by line breaks, «;» or commas; a comma separates names only when every
  piece is itself a name of 2–4 words).
- A matched pair gets the mentees it lacks. Existing values are never overwritten: an empty
  field of a person, pair or participation is filled from the file, a different value already in
  the registry is kept, and the row's line says which. People of another organisation are never
  changed.

Category of a new person, from the form's name «X – Y» (X the mentor's side, Y the mentee's):
- a form for students only / staff only (MentoringFormat.participants) gives «обучающийся» /
  «педагог» to the organisation's own people whatever its name says;
- otherwise ученик/обучающийся/воспитанник → STUDENT; учитель/педагог/руководитель/
  преподаватель/воспитатель/специалист → TEACHER; студент → STUDENT in a college (its own
  students), COLLEGE_STUDENT elsewhere; работодатель/работник/сотрудник → EMPLOYEE;
  выпускник → GRADUATE; a side not recognised → TEACHER for a mentor, STUDENT for a mentee;
- a mentor from outside the department (see above) gets the external category that fits:
  студент → COLLEGE_STUDENT, ученик/выпускник → GRADUATE, anyone else (an employer's
  employee, a teacher of a school not in the registry) → EMPLOYEE. A students-only or staff-only
  form then refuses such a mentor, and the message says why the mentor counts as external.
A new pair that is completed gets the stage «Результативный»; an active one keeps the default.
Hidden forms (is_active=False) are still recognised: old bases use them.

Rules: every pair is checked with registry.services.pairs.check_pair (its Russian messages,
placed on the rows and columns they concern); a mentee named twice with one mentor in active pairs
of one form within the file is caught here (several mentors of one form are allowed), before the
database sees either; whatever still slips through is refused by the database constraints and
reported on its row (integrity_message).

Speed: lookups are prefetched in a few queries (the people named in the file, the forms, the
organisations, the mentors' pairs and their participations), new people, pairs and
participations are written at once (common/bulk.py: COPY on PostgreSQL, bulk_create elsewhere),
filled fields with bulk_update; their audit-trail entries (django-auditlog, as its signals would
write them, with the user as actor) are written the same way, and freshness.touch is called once.
check_pair costs one query per active pair that gains mentees already in the registry (people new
to it have no pairs to clash with). Figures: bench/imports.py.

The package: `run_import` is here, the rest in
- `report.py` — `Problem` and `ImportReport`, what run_import returns;
- `cells.py` — one cell read: `cell_text`, `parse_name`, `split_names`, `parse_birth_year`,
  `parse_url`, `parse_mark`, the keys forms and organisations are compared by, a form's sides;
- `rows.py` — what the work keeps per row, person, pair and participation, and the columns each
  base requires;
- `engine.py` — `_Import`: its state and its steps, with the steps' code in `matching.py`
  (reading the rows, finding or creating people and pairs, filling empty fields, the rules
  checked within the file) and `writing.py` (the bulk writes in one transaction, check_pair,
  the report's counts and lines);
- `audit.py` — the audit-trail entries of the bulk writes.
"""

from __future__ import annotations

from collections.abc import Callable

from exchange.models import known_headers
from exchange.official import FORMS, Kind
from exchange.reading import WorkbookError, read_form
from registry.models import Organisation, User

from .cells import (
    Name,
    cell_text,
    format_key,
    format_sides,
    organisation_key,
    parse_birth_year,
    parse_mark,
    parse_name,
    parse_url,
    short_name,
    split_names,
)
from .engine import PROGRESS_EVERY, _Import
from .report import COUNTED, MAX_PROBLEMS, ImportReport, Problem
from .rows import BATCH, EMPTY_HINTS, MENTEE_KEY, REQUIRED

__all__ = [
    "BATCH",
    "COUNTED",
    "EMPTY_HINTS",
    "MAX_PROBLEMS",
    "MENTEE_KEY",
    "PROGRESS_EVERY",
    "REQUIRED",
    "ImportReport",
    "Name",
    "Problem",
    "cell_text",
    "format_key",
    "format_sides",
    "organisation_key",
    "parse_birth_year",
    "parse_mark",
    "parse_name",
    "parse_url",
    "run_import",
    "short_name",
    "split_names",
]


def reading_notes(sheet) -> list[str]:
    """What the user should know about how the file was read (none of it stops the import)."""
    notes = [
        f"Таблица найдена на листе «{sheet.sheet_name}», заголовки — в строке {sheet.header_row}.",
    ]
    for key in sheet.split:
        header = sheet.form.column(key).header
        notes.append(f"«{header}» собрано из столбцов «Фамилия», «Имя», «Отчество».")
    if sheet.extra:
        listed = ", ".join(f"«{text}»" for text in sheet.extra[:10])
        more = f" и ещё {len(sheet.extra) - 10}" if len(sheet.extra) > 10 else ""
        notes.append(f"Не входят в форму и не загружаются столбцы: {listed}{more}.")
    return notes


def run_import(
    data,
    filename: str,
    kind: Kind,
    organisation: Organisation,
    user: User | None,
    *,
    commit: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check an uploaded base and, with commit=True and no problem at all, save it in one transaction."""
    kind = Kind(kind)
    form = FORMS[kind]
    report = ImportReport(kind=kind, organisation=organisation, filename=filename)
    try:
        sheet = read_form(data, filename, form, known=known_headers(organisation, kind))
    except WorkbookError as error:
        report.problems.append(Problem(None, None, None, error.message))
        report.problem_count = 1
        return report
    report.rows_read = len(sheet.rows)
    report.notes = reading_notes(sheet)
    for column in sheet.missing:
        if column.key in REQUIRED[kind]:
            report.problems.append(
                Problem(
                    None,
                    None,
                    column.header,
                    f"В строке заголовков (строка {sheet.header_row}, лист «{sheet.sheet_name}») нет столбца "
                    f"«{column.header}». Добавьте его (название может быть и другим, например «ФИО» или "
                    f"«Фамилия | Имя | Отчество» в трёх столбцах) или переименуйте свой столбец так, "
                    f"как в официальной форме «{form.title}».",
                )
            )
    unmapped = [column for column in sheet.missing if column.key in REQUIRED[kind]]
    if unmapped and sheet.unmatched:
        report.mapping = {
            "sheet": sheet.sheet_name,
            "row": sheet.header_row,
            "missing": [[column.key, column.header] for column in unmapped],
            "columns": [list(column) for column in sheet.unmatched],
        }
    if not report.problems and not sheet.rows:
        report.problems.append(
            Problem(
                None,
                None,
                None,
                f"Под строкой заголовков (строка {sheet.header_row}, лист «{sheet.sheet_name}») нет ни одной "
                "заполненной строки — загружать нечего.",
            )
        )
    if report.problems:
        report.problem_count = len(report.problems)
        return report
    _Import(report, sheet, user, commit, progress).run()
    return report
