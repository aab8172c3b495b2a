"""The import's steps before writing (part of `_Import`, engine.py): each row's cells read, its
people found or created, its pair or group found or started, empty fields filled."""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from common import bulk
from common.files.cells import parse_date
from common.text import normalise
from exchange.official import Kind
from registry.models import (
    MentoringFormat,
    MentoringPair,
    Organisation,
    OrganisationKind,
    PairMentee,
    Participants,
    Person,
    PersonCategory,
)
from registry.models.dates import EARLIEST, LATEST

from .cells import (
    Name,
    _contains_words,
    cell_text,
    format_key,
    organisation_key,
    parse_birth_year,
    parse_mark,
    parse_name,
    parse_url,
    short_name,
    split_names,
)
from .rows import _AMBIGUOUS, EMPTY_HINTS, REQUIRED, _chunks, _Group, _Member, _Row, _Who


def program_date(value):
    """A date of the program (entry, completion): as `parse_date` reads it, within the registry's years."""
    day = parse_date(value)
    if day is not None and not EARLIEST <= day <= LATEST:
        raise ValueError(f"Дата {day:%d.%m.%Y} вне разумных пределов: ожидается дата не раньше 2000 года.")
    return day


def _differs(old, new) -> bool:
    if isinstance(old, str) and isinstance(new, str):
        return normalise(old) != normalise(new)
    return old != new


class _Matching:
    """Reading the rows and matching them with the registry; mixed into `_Import` (engine.py)."""

    # --- one row: cells ----------------------------------------------------------------------

    def parse(self, row: _Row) -> None:
        values, fields = row.values, row.fields
        for key in REQUIRED[self.kind]:
            if values.get(key) is None:
                header = self.form.column(key).header
                self.problem(row, key, f"Не заполнено «{header}»: {EMPTY_HINTS[key]}")
        fields["entry_date"] = self.parse_cell(row, "entry_date", program_date)
        fields["end_date"] = self.parse_cell(row, "end_date", program_date)
        if fields["entry_date"] and fields["end_date"] and fields["end_date"] < fields["entry_date"]:
            self.problem(
                row,
                "end_date",
                f"Дата завершения {fields['end_date']:%d.%m.%Y} раньше даты вхождения в программу "
                f"{fields['entry_date']:%d.%m.%Y}: исправьте одну из дат.",
            )
        fields["format"] = self.parse_cell(row, "format", self.find_format)
        fields["mentor"] = self.parse_cell(row, "mentor", lambda value: parse_name(cell_text(value)))
        fields["mentor_workplace"] = self.text(row, "mentor_workplace", 300)
        fields["results"] = self.text(row, "results", multiline=True)
        fields["feedback"] = self.parse_cell(row, "feedback", parse_url) or ""
        if self.kind == Kind.MENTEES:
            mentee = self.parse_cell(row, "mentee", lambda value: parse_name(cell_text(value)))
            year = self.parse_cell(row, "mentee_birth_year", parse_birth_year)
            if mentee and year:
                mentee = replace(mentee, year=year)
            fields["mentees"] = [mentee] if mentee else []
            fields["request"] = self.text(row, "request", multiline=True)
            fields["mark"] = self.parse_cell(row, "completion_mark", parse_mark) or ""
        else:
            fields["mentees"] = self.parse_cell(row, "mentees", self.parse_names) or []
            fields["competencies"] = self.text(row, "competencies", multiline=True)
            fields["achievements"] = self.text(row, "achievements", multiline=True)
            fields["interests"] = self.text(row, "interests", multiline=True)
            fields["desired_age"] = self.text(row, "desired_age", 100)
            fields["time_available"] = self.text(row, "time_available", 200)
            fields["mentee_workplace"] = self.text(row, "mentee_workplace")

    def parse_cell(self, row: _Row, key: str, parse: Callable):
        value = row.values.get(key)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as error:
            self.problem(row, key, str(error))
            return None

    def text(self, row: _Row, key: str, max_length: int | None = None, *, multiline: bool = False) -> str:
        text = cell_text(row.values.get(key), multiline=multiline)
        if max_length and len(text) > max_length:
            self.problem(row, key, f"Слишком длинный текст ({len(text)} знаков): не больше {max_length}.")
            return ""
        return text

    def parse_names(self, value) -> list[Name]:
        names, errors = [], []
        for text in split_names(cell_text(value, multiline=True)):
            try:
                names.append(parse_name(text))
            except ValueError as error:
                errors.append(str(error))
        if errors:
            raise ValueError(
                " ".join(errors) + " Наставляемых разделяйте переводом строки (Alt+Enter в ячейке) или «;»."
            )
        return names

    def find_format(self, value) -> MentoringFormat:
        found = self.format_by_key.get(format_key(cell_text(value)))
        if found is None:
            available = ", ".join(f"«{item.name}»" for item in self.formats if item.is_active)
            raise ValueError(f"Форма наставничества «{cell_text(value)}» не найдена. Доступные формы: {available}.")
        return found

    # --- one row: people ---------------------------------------------------------------------

    def named_organisation(self, text: str) -> Organisation | None:
        """The department's organisation a workplace names, or None (somewhere outside)."""
        key = organisation_key(text)
        if key not in self._workplaces:
            found = next((o for name, o in self.organisation_names if name == key), None)
            if found is None:
                found = next((o for name, o in self.organisation_names if _contains_words(key, name)), None)
            self._workplaces[key] = found
        return self._workplaces[key]

    def mentor_home(self, row: _Row) -> Organisation | None:
        workplace = row.fields["mentor_workplace"]
        return self.named_organisation(workplace) if workplace else self.organisation

    def load_people(self) -> None:
        """The current people the file names: of this organisation, and mentors of others."""
        own, elsewhere = set(), defaultdict(set)
        for row in self.rows:
            for name in row.fields["mentees"]:
                own.add(name.key)
            mentor = row.fields["mentor"]
            if mentor:
                home = self.mentor_home(row)
                if home is None or home.pk == self.organisation.pk:
                    own.add(mentor.key)
                else:
                    elsewhere[home.pk].add(mentor.key)
        by_pk = {o.pk: o for _, o in self.organisation_names} | {self.organisation.pk: self.organisation}
        queries = [(self.organisation.pk, own)] + list(elsewhere.items())
        for organisation_id, keys in queries:
            for chunk in _chunks(sorted(keys)):
                people = Person.objects.current().filter(organisation_id=organisation_id, name_key__in=chunk)
                for person in people.order_by("pk"):
                    person.organisation = by_pk.get(organisation_id, self.organisation)
                    self.pools[organisation_id][person.name_key].append(_Who(person))

    def resolve(self, row: _Row) -> None:
        fields = row.fields
        mentor_name, fmt = fields["mentor"], fields["format"]
        sides = self.format_sides.get(fmt.pk, (None, None)) if fmt else (None, None)
        if mentor_name:
            row.mentor = self.resolve_mentor(row, mentor_name, fmt, sides[0])
        for name in fields["mentees"]:
            who = self.find(row, self.mentee_key, name, self.organisation)
            if who is None and fmt is not None:
                who = self.create(row, name, self.category(sides[1], fmt, mentor=False))
            if who is None or who is _AMBIGUOUS:
                continue
            who.refs.append((row, self.mentee_key))
            row.mentees.append(who)
            if name.year:
                self.fill(row, self.mentee_key, who.person, "birth_year", name.year, "год рождения", who=who)
            if self.kind == Kind.MENTEES:
                self.fill(row, "request", who.person, "main_request", fields["request"], "основной запрос", who=who)
        if self.kind == Kind.MENTORS and fields["mentee_workplace"]:
            home = self.named_organisation(fields["mentee_workplace"])
            if home is None or home.pk != self.organisation.pk:
                name = self.organisation.short_name
                row.notes.append(
                    f"место работы наставляемого «{fields['mentee_workplace']}» — не {name}: "
                    f"наставляемые внесены в базу {name}"
                )

    def resolve_mentor(self, row: _Row, name: Name, fmt: MentoringFormat | None, side: str | None):
        home = self.mentor_home(row)
        workplace = row.fields["mentor_workplace"]
        if home is not None and home.pk != self.organisation.pk:
            who = self.find(row, "mentor", name, home)
            if who is None:
                self.problem(
                    row,
                    "mentor",
                    f"В базе «{home.short_name}» (место работы наставника) нет участника «{name.full}». "
                    "Сначала внесите наставника в базу той организации или исправьте ФИО и место работы.",
                )
            if who is None or who is _AMBIGUOUS:
                return None
            row.notes.append(f"наставник из {home.short_name}")
        else:
            who = self.find(row, "mentor", name, self.organisation)
            if who is _AMBIGUOUS:
                return None
            if who is None:
                if fmt is None:
                    return None
                external = home is None
                category = self.category(side, fmt, mentor=True, external=external)
                who = self.create(row, name, category, workplace=workplace if external else "")
                who.external = external
            elif home is None and who.person.category in (
                PersonCategory.COLLEGE_STUDENT,
                PersonCategory.EMPLOYEE,
                PersonCategory.GRADUATE,
            ):
                self.fill(
                    row, "mentor_workplace", who.person, "workplace", workplace, "место работы наставника", who=who
                )
        who.refs.append((row, "mentor"))
        if name.year:
            self.fill(row, "mentor", who.person, "birth_year", name.year, "год рождения наставника", who=who)
        if self.kind == Kind.MENTORS:
            fields = row.fields
            for attr, key in (
                ("competencies", "competencies"),
                ("achievements", "achievements"),
                ("interests", "interests"),
                ("desired_mentee_age", "desired_age"),
                ("time_resource", "time_available"),
            ):
                label = self.form.column(key).header[0].lower() + self.form.column(key).header[1:]
                self.fill(row, key, who.person, attr, fields[key], label, who=who)
        return who

    def find(self, row: _Row, key: str, name: Name, organisation: Organisation):
        """The one person `name` means in `organisation`; None: nobody; _AMBIGUOUS: a problem was noted."""
        candidates = self.pools[organisation.pk].get(name.key, [])
        if name.year:
            same = [who for who in candidates if who.person.birth_year == name.year]
            if not same:
                same = [who for who in candidates if who.person.birth_year is None]
        else:
            same = candidates
        if len(same) == 1:
            return same[0]
        if not same:
            return None
        where = "В реестре" if organisation.pk == self.organisation.pk else f"В базе «{organisation.short_name}»"
        if name.year:
            self.problem(
                row,
                key,
                f"{where} несколько участников «{name.full}» {name.year} г. р. — это дубликаты: "
                "объедините или архивируйте лишние записи в реестре и загрузите файл снова.",
            )
        else:
            if key == "mentee":
                how = "в столбце «Год рождения наставляемого»"
            else:
                how = f"в скобках после ФИО, например «{name.full} (2011)»"
            self.problem(
                row,
                key,
                f"{where} несколько участников с ФИО «{name.full}» — укажите год рождения {how}, "
                "чтобы было понятно, о ком речь.",
            )
        return _AMBIGUOUS

    def category(self, side: str | None, fmt: MentoringFormat, *, mentor: bool, external: bool = False) -> str:
        if external:
            return {
                "student": PersonCategory.COLLEGE_STUDENT,
                "pupil": PersonCategory.GRADUATE,
                "graduate": PersonCategory.GRADUATE,
            }.get(side, PersonCategory.EMPLOYEE)
        if fmt.participants == Participants.STUDENTS:
            return PersonCategory.STUDENT
        if fmt.participants == Participants.STAFF:
            return PersonCategory.TEACHER
        if side == "student":
            college = self.organisation.kind == OrganisationKind.COLLEGE
            return PersonCategory.STUDENT if college else PersonCategory.COLLEGE_STUDENT
        return {
            "pupil": PersonCategory.STUDENT,
            "teacher": PersonCategory.TEACHER,
            "employer": PersonCategory.EMPLOYEE,
            "graduate": PersonCategory.GRADUATE,
        }.get(side, PersonCategory.TEACHER if mentor else PersonCategory.STUDENT)

    def create(self, row: _Row, name: Name, category: str, *, workplace: str = "") -> _Who:
        person = bulk.new(
            Person,
            organisation=self.organisation,
            last_name=name.last,
            first_name=name.first,
            patronymic=name.patronymic,
            birth_year=name.year,
            category=category,
            workplace=workplace,
        )
        person.name_key = person.search_text = name.key  # as Person.save() computes them
        who = _Who(person, new=True, introduced=row)
        self.pools[self.organisation.pk][name.key].append(who)
        self.whos.append(who)
        return who

    def fill(self, row: _Row, key: str, obj, attr: str, value, label: str, *, who: _Who | None = None) -> None:
        """Fill an empty field from the file; a different value already there is kept."""
        if value in (None, ""):
            return
        current = getattr(obj, attr)
        if who is not None and who.new:
            if current in (None, ""):
                setattr(obj, attr, value)
            return
        if isinstance(obj, Person) and obj.organisation_id != self.organisation.pk:
            return  # another organisation's people are not changed here
        if current in (None, ""):
            self.change(obj, attr, value)
            self.blame[id(obj)].append((row, key))
            row.filled.append(label)
        elif _differs(current, value) and label not in row.kept:
            row.kept.append(label)

    def change(self, obj, attr: str, value) -> None:
        changes = self.changes[type(obj)]
        if id(obj) not in changes:
            changes[id(obj)] = (copy.copy(obj), obj, set())
        changes[id(obj)][2].add(attr)
        setattr(obj, attr, value)

    # --- pairs -------------------------------------------------------------------------------

    def load_pairs(self) -> None:
        mentor_ids = sorted({row.mentor.person.pk for row in self.rows if row.mentor and not row.mentor.new})
        for chunk in _chunks(mentor_ids):
            pairs = MentoringPair.objects.filter(organisation=self.organisation, mentor_id__in=chunk).order_by("pk")
            for pair in pairs:
                self.pairs.setdefault((pair.mentor_id, pair.format_id, pair.entry_date), pair)
        pair_ids = sorted(pair.pk for pair in self.pairs.values())
        for chunk in _chunks(pair_ids):
            for participation in PairMentee.objects.filter(pair_id__in=chunk):
                self.participations[(participation.pair_id, participation.mentee_id)] = participation

    def join_group(self, row: _Row) -> None:
        fields = row.fields
        fmt, entry = fields["format"], fields["entry_date"]
        key = (row.mentor, fmt.pk, entry)
        group = self.groups.get(key)
        if group is None:
            group = _Group(row.mentor, fmt, entry)
            if not row.mentor.new:
                pair = self.pairs.get((row.mentor.person.pk, fmt.pk, entry))
                if pair is not None:
                    pair.mentor, pair.format, pair.organisation = row.mentor.person, fmt, self.organisation
                    group.pair, group.new = pair, False
            self.groups[key] = group
        end = fields["end_date"]
        if end and group.end_date and end != group.end_date:
            self.problem(
                row,
                "end_date",
                f"У этой пары (наставник {row.mentor.person.full_name}, «{fmt.name}», с {entry:%d.%m.%Y}) "
                f"в строке {group.end_row.number} указана другая дата завершения — {group.end_date:%d.%m.%Y}. "
                "У пары или группы одна дата завершения: исправьте одну из строк.",
            )
            return
        if end and not group.end_date:
            group.end_date, group.end_row = end, row
        if self.kind == Kind.MENTORS:
            if fields["results"] and not group.results:
                group.results, group.results_row = fields["results"], row
            if fields["feedback"] and not group.feedback_url:
                group.feedback_url, group.feedback_row = fields["feedback"], row
        group.rows.append(row)
        row.group = group
        for who in row.mentees:
            member = group.members.get(who)
            if member is None:
                existing = None
                if group.pair is not None and not who.new:
                    existing = self.participations.get((group.pair.pk, who.person.pk))
                    if existing is not None:  # named for the audit trail without queries
                        existing.pair, existing.mentee, existing.mentor = group.pair, who.person, group.pair.mentor
                member = group.members[who] = _Member(who, row, existing)
            elif member in row.members:
                continue  # named twice in one cell
            else:
                row.notes.append(f"{short_name(who.person)} уже в этой паре по строке {member.row.number}")
            row.members.append(member)
            if self.kind == Kind.MENTEES:
                for key, attr, value, label in (
                    ("results", "results", fields["results"], "результаты программы"),
                    ("feedback", "feedback_url", fields["feedback"], "ссылка на отзыв"),
                    ("completion_mark", "completion_mark", fields["mark"], "отметка о прохождении"),
                ):
                    if member.existing is not None:
                        self.fill(row, key, member.existing, attr, value, label)
                    elif value and not getattr(member, attr):
                        setattr(member, attr, value)

    def fill_pairs(self) -> None:
        for group in self.groups.values():
            if group.new:
                continue
            if group.end_row:
                self.fill(group.end_row, "end_date", group.pair, "end_date", group.end_date, "дата завершения")
            if group.results:
                self.fill(group.results_row, "results", group.pair, "results", group.results, "результаты программы")
            if group.feedback_url:
                self.fill(
                    group.feedback_row,
                    "feedback",
                    group.pair,
                    "mentor_feedback_url",
                    group.feedback_url,
                    "ссылка на отзыв наставника",
                )

    def end_of(self, group: _Group) -> date | None:
        return group.end_date if group.new else group.pair.end_date

    def check_file_clashes(self) -> None:
        """A mentee named twice with one mentor in active pairs of one form within the file (several
        mentors of one form are allowed; the registry's own pairs are check_pair's business)."""
        seen: dict[tuple, tuple[_Group, _Member]] = {}
        members = [
            (member.row.number, group, member)
            for group in self.groups.values()
            if self.end_of(group) is None
            for member in group.members.values()
            if member.existing is None
        ]
        for _, group, member in sorted(members, key=lambda item: item[0]):
            if not member.row.ok:
                continue
            first = seen.setdefault((member.who, group.mentor, group.format.pk), (group, member))
            if first[0] is group:
                continue
            self.problem(
                member.row,
                self.mentee_key,
                f"{member.who.person.full_name} уже в другой действующей паре формы «{group.format.name}» "
                f"с тем же наставником ({group.mentor.person.full_name}, строка {first[1].row.number}): "
                "одна и та же пара дважды не нужна. Укажите дату завершения той пары или исправьте строку.",
            )
