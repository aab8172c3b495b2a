"""The demo registry: a few schools' people, programs, pairs, consents and meetings.

Every name is invented. Each organisation is filled only while it has no people, so
running the demo again never duplicates anyone, and nothing a demo user typed is lost.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from registry.models import (
    Consent,
    ConsentGiver,
    Meeting,
    MeetingKind,
    MentoringFormat,
    MentoringKind,
    MentoringPair,
    MentoringProgram,
    Organisation,
    PairStage,
    Person,
    PersonCategory,
    RoleModel,
)
from registry.services.pairs import save_pair

S, T, C = PersonCategory.STUDENT, PersonCategory.TEACHER, PersonCategory.COLLEGE_STUDENT

# key: (last, first, patronymic, birth year, category, class or position, extra fields)
PEOPLE = {
    "sosh1": {
        "morozova": (
            "Морозова",
            "Ольга",
            "Викторовна",
            1976,
            T,
            "учитель математики",
            {
                "competencies": "Подготовка к олимпиадам, проектная деятельность",
                "max_mentees": 2,
                "time_resource": "2 часа в неделю",
                "achievements": "Учитель года округа — 2019",
            },
        ),
        "novikov": (
            "Новиков",
            "Илья",
            "Андреевич",
            2001,
            T,
            "учитель физики",
            {
                "is_young_specialist": True,
                "is_young_teacher": True,
                "main_request": "Дисциплина на уроке, планирование",
            },
        ),
        "kravets": (
            "Кравец",
            "Дарья",
            "Олеговна",
            2000,
            T,
            "учитель начальных классов",
            {"is_young_teacher": True, "main_request": "Работа с родителями"},
        ),
        "gavrilov": (
            "Гаврилов",
            "Максим",
            "Сергеевич",
            2009,
            S,
            "11 А",
            {"competencies": "Математика, программирование", "max_mentees": 2},
        ),
        "yolkina": ("Ёлкина", "Вера", "Павловна", 2014, S, "6 В", {"main_request": "Пробелы по дробям"}),
        "zaitsev": ("Зайцев", "Тимур", "Ренатович", 2013, S, "7 Б", {"main_request": "Адаптация в новом классе"}),
        "lebedeva": ("Лебедева", "Софья", "Алексеевна", 2012, S, "8 А", {"main_request": "Выбор профиля"}),
        "orlova": (
            "Орлова",
            "Кристина",
            "Игоревна",
            2005,
            C,
            "",
            {"workplace": "ГПОАУ «Кедровский педагогический колледж»", "competencies": "Профориентация"},
        ),
    },
    "sosh3": {
        "belykh": (
            "Белых",
            "Андрей",
            "Николаевич",
            1970,
            T,
            "учитель истории",
            {"competencies": "Наставничество молодых педагогов", "max_mentees": 1},
        ),
        "smirnova": (
            "Смирнова",
            "Алина",
            "Рустамовна",
            2002,
            T,
            "учитель английского языка",
            {"is_young_specialist": True, "is_young_teacher": True, "main_request": "Оценивание, ведение документации"},
        ),
        "usmanov": (
            "Усманов",
            "Руслан",
            "Маратович",
            2001,
            T,
            "учитель информатики",
            {"is_young_teacher": True, "main_request": "Классное руководство"},
        ),
        "petrenko": ("Петренко", "Кирилл", "Олегович", 2010, S, "10 Б", {"competencies": "Химия"}),
        "akhmedova": (
            "Ахмедова",
            "Лейла",
            "Тимуровна",
            2014,
            S,
            "6 А",
            {"main_request": "Интерес к естественным наукам"},
        ),
        "zaitsev": ("Зайцев", "Тимур", "Ренатович", 2013, S, "7 В", {"main_request": "Переведён из СОШ № 1"}),
    },
}

# (organisation, mentor, mentees, form, role model, entry, planned end, end, order number, results)
PAIRS = [
    (
        "sosh1",
        "morozova",
        ["novikov"],
        "учитель – учитель",
        "опытный педагог – молодой специалист",
        date(2025, 9, 10),
        date(2026, 5, 29),
        date(2026, 5, 29),
        "98-од",
        "Молодой педагог провёл открытый урок",
    ),
    (
        "sosh1",
        "morozova",
        ["novikov", "kravets"],
        "учитель – учитель",
        "опытный педагог – молодой специалист",
        date(2026, 9, 14),
        date(2027, 5, 28),
        None,
        "121-од",
        "",
    ),
    (
        "sosh1",
        "gavrilov",
        ["yolkina"],
        "ученик – ученик",
        "успевающий – неуспевающий",
        date(2026, 9, 21),
        date(2027, 5, 28),
        None,
        "121-од",
        "",
    ),
    (
        "sosh1",
        "gavrilov",
        ["zaitsev"],
        "ученик – ученик",
        "равный – равному",
        date(2026, 10, 5),
        date(2026, 12, 25),
        None,
        "",
        "",
    ),
    ("sosh1", "orlova", ["lebedeva"], "студент – ученик", None, date(2026, 3, 2), date(2026, 6, 30), None, "", ""),
    (
        "sosh3",
        "belykh",
        ["smirnova", "usmanov"],
        "учитель – учитель",
        "опытный педагог – молодой специалист",
        date(2026, 9, 7),
        date(2027, 5, 28),
        None,
        "77",
        "",
    ),
    (
        "sosh3",
        "petrenko",
        ["akhmedova"],
        "ученик – ученик",
        "лидер – пассивный",
        date(2026, 9, 28),
        date(2027, 5, 28),
        None,
        "78",
        "",
    ),
]
# Minors whose consent is missing on purpose: the data-quality page shows them.
WITHOUT_CONSENT = {("sosh1", "lebedeva"), ("sosh3", "zaitsev")}


@transaction.atomic
def fill(organisations: dict[str, Organisation]) -> int:
    """Fill the demo organisations that have no people yet; return how many pairs were formed."""
    formed = 0
    for code, people in PEOPLE.items():
        organisation = organisations[code]
        if organisation.people.exists():
            continue
        persons = {key: _person(organisation, *values) for key, values in people.items()}
        program = MentoringProgram.objects.create(
            organisation=organisation,
            name=f"Программа наставничества {organisation.short_name} на 2026–2027 гг.",
            start_date=date(2026, 9, 1),
            end_date=date(2027, 8, 31),
        )
        program.formats.set(
            MentoringFormat.objects.filter(
                department__isnull=True, name__in=["ученик – ученик", "учитель – учитель", "студент – ученик"]
            )
        )
        for org_code, mentor, mentees, form, role_model, entry, planned, end, order, results in PAIRS:
            if org_code != code:
                continue
            pair = MentoringPair(
                organisation=organisation,
                program=program if entry >= program.start_date else None,
                mentor=persons[mentor],
                format=MentoringFormat.objects.get(name=form, department__isnull=True),
                role_model=RoleModel.objects.filter(name=role_model).first() if role_model else None,
                kind=MentoringKind.objects.filter(name__startswith="традиционное").first(),
                entry_date=entry,
                planned_end_date=planned,
                end_date=end,
                order_number=order,
                order_date=entry if order else None,
                results=results,
                stage=PairStage.RESULT if end else PairStage.IMPLEMENTATION,
            )
            save_pair(pair, [persons[key] for key in mentees])
            if end:
                pair.participations.update(completion_mark="passed", results=results, iom_built=True)
            formed += 1
        for key, person in persons.items():
            if person.is_minor() and (code, key) not in WITHOUT_CONSENT:
                Consent.objects.create(
                    person=person,
                    given_by=ConsentGiver.REPRESENTATIVE,
                    given_on=date(2026, 9, 1),
                    representative_name=f"{person.last_name} Ирина Викторовна",
                    representative_relation="мать",
                )
            elif not person.is_minor():
                Consent.objects.create(person=person, given_by=ConsentGiver.SELF, given_on=date(2026, 9, 1))
        first = organisation.pairs.filter(end_date__isnull=True).order_by("entry_date").first()
        for kind_name, day, note in [
            ("встреча-знакомство", date(2026, 9, 22), "Знакомство, ожидания сторон"),
            ("встреча-планирование", date(2026, 10, 6), "План на первое полугодие"),
        ]:
            Meeting.objects.create(pair=first, kind=MeetingKind.objects.get(name=kind_name), date=day, note=note)
    return formed


def _person(organisation, last, first, patronymic, year, category, detail, extra) -> Person:
    detail_field = "class_or_group" if category == PersonCategory.STUDENT else "position"
    fields = {detail_field: detail} if detail else {}
    return Person.objects.create(
        organisation=organisation,
        last_name=last,
        first_name=first,
        patronymic=patronymic,
        birth_year=year,
        category=category,
        **fields,
        **extra,
    )
