"""The reading of roadmap deadlines («Сроки»): phrases of the domain page and of the sample roadmaps, variants,
typos, the year rule, occurrences, descriptions, JSON and the roadmap's period. No database is needed."""

import json
from datetime import date
from pathlib import Path

import pytest

from roadmap.deadlines import (
    Due,
    Period,
    PeriodError,
    Schedule,
    Window,
    parse_deadline,
    parse_period,
)
from roadmap.deadlines import (
    ScheduleKind as K,
)

ACADEMIC = Period(date(2020, 9, 1), date(2021, 8, 31), "2020–2021 учебный год", True)
YEAR = Period(date(2022, 1, 1), date(2022, 12, 31), "2022 год", False)
YEARS = Period(date(2022, 1, 1), date(2024, 12, 31), "2022–2024 гг.", False)


def due(y, m, d):
    return Schedule(K.DUE, due=date(y, m, d))


def span(start, end):
    return Schedule(K.RANGE, start=date(*start), due=date(*end))


def yearly(*window, from_year=None):
    return Schedule(K.YEARLY, windows=(Window(*window),), from_year=from_year)


def twice(first, second):
    return Schedule(K.TWICE_A_YEAR, windows=(Window(*first), Window(*second)))


SEPTEMBER, OCTOBER, MAY = (9, 1, 9, 30), (10, 1, 10, 31), (5, 1, 5, 31)
REALISATION = "В соответствии со сроками реализации программ наставничества"
MINISTRY = "В соответствии со сроками, установленными Минпросвещения России"
PAIRS = "До начала организации работы наставнических пар"
SEPT_DEC_2020 = span((2020, 9, 1), (2020, 12, 31))


def read(text, period):
    parsed = parse_deadline(text, period)
    assert parsed.text == text
    return parsed


# --- every phrase of the domain page ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, period, expected",
    [
        ("До 11.09.2020", ACADEMIC, due(2020, 9, 11)),
        ("до 01.05.2022 г.", YEARS, due(2022, 5, 1)),
        ("Сентябрь - декабрь 2020", ACADEMIC, SEPT_DEC_2020),
        ("Сентябрь 2020 - май 2021", ACADEMIC, span((2020, 9, 1), (2021, 5, 31))),
        ("Октябрь-декабрь 2020", ACADEMIC, span((2020, 10, 1), (2020, 12, 31))),
        ("Май 2021", ACADEMIC, span((2021, 5, 1), (2021, 5, 31))),
        ("апрель 2022г.", YEAR, span((2022, 4, 1), (2022, 4, 30))),
        ("Сентябрь- Октябрь 2021г.", YEAR, span((2021, 9, 1), (2021, 10, 31))),
        ("Ежегодно сентябрь", YEARS, yearly(*SEPTEMBER)),
        ("Октябрь Май", YEARS, twice(OCTOBER, MAY)),
        ("Апрель", YEARS, yearly(4, 1, 4, 30)),
        ("март, ежегодно", YEARS, yearly(3, 1, 3, 31)),
        ("май-сентябрь 2022г., далее ежегодно", YEARS, yearly(5, 1, 9, 30, from_year=2022)),
        ("до 15.09.2022г., далее ежегодно", YEARS, yearly(9, 15, 9, 15, from_year=2022)),
        ("ежеквартально", YEARS, Schedule(K.QUARTERLY)),
        ("постоянно", YEARS, Schedule(K.CONTINUOUS)),
        ("В течение всего периода", ACADEMIC, Schedule(K.CONTINUOUS)),
        ("в течение учебного года", ACADEMIC, Schedule(K.ACADEMIC_YEAR)),
        ("По необходимости", YEARS, Schedule(K.AS_NEEDED)),
        ("По отдельному плану", YEARS, Schedule(K.SEPARATE_PLAN)),
        ("По мере проведения", YEARS, Schedule(K.AS_HELD)),
        (PAIRS, ACADEMIC, Schedule(K.EVENT, note=PAIRS)),
        (REALISATION + " или май 2021 г.", ACADEMIC, Schedule(K.EVENT, due=date(2021, 5, 31), note=REALISATION)),
        ("Апрель- май 2022г.", YEAR, span((2022, 4, 1), (2022, 5, 31))),
        ("Ноябрь- декабрь 2022г.", YEAR, span((2022, 11, 1), (2022, 12, 31))),
        ("Декабрь 2021г.", YEAR, span((2021, 12, 1), (2021, 12, 31))),
        ("До 01.12.2020", ACADEMIC, due(2020, 12, 1)),
    ],
)
def test_domain_phrases(text, period, expected):
    parsed = read(text, period)
    assert parsed.schedule == expected
    assert parsed.problem == ""


def test_ministry_typo_is_an_event_with_the_word_corrected():
    parsed = read("В соответствии со сроками, установленными Минпрсвещения России", ACADEMIC)
    assert parsed.schedule == Schedule(K.EVENT, note=MINISTRY)
    assert parsed.problem == "Прочитано с исправлением опечатки: «Минпрсвещения» → «Минпросвещения»."


# --- every deadline of the three sample roadmaps (fixtures/roadmaps) ---------------------------------------------

SAMPLES = {
    "district-2022-2024.tsv": (
        YEARS,
        {
            "Ежегодно сентябрь": yearly(*SEPTEMBER),
            "По необходимости": Schedule(K.AS_NEEDED),
            "По отдельному плану": Schedule(K.SEPARATE_PLAN),
            "Постоянно": Schedule(K.CONTINUOUS),
            "По мере проведения": Schedule(K.AS_HELD),
            "Октябрь Май": twice(OCTOBER, MAY),
            "Апрель": yearly(4, 1, 4, 30),
            "Май": yearly(*MAY),
        },
    ),
    "district-committee-2022.tsv": (
        YEAR,
        {
            "Сентябрь- Октябрь 2021г.": span((2021, 9, 1), (2021, 10, 31)),
            "Ноябрь 2021г.": span((2021, 11, 1), (2021, 11, 30)),
            "Декабрь 2021г.": span((2021, 12, 1), (2021, 12, 31)),
            "Апрель 2022г.": span((2022, 4, 1), (2022, 4, 30)),
            "апрель 2022г.": span((2022, 4, 1), (2022, 4, 30)),
            "Апрель- май 2022г.": span((2022, 4, 1), (2022, 5, 31)),
            "Май 2022г.": span((2022, 5, 1), (2022, 5, 31)),
            "Ноябрь- декабрь 2022г.": span((2022, 11, 1), (2022, 12, 31)),
        },
    ),
    "sports-school-2020-2021.tsv": (
        ACADEMIC,
        {
            "До 11.09.2020": due(2020, 9, 11),
            "До 05.09.2020": due(2020, 9, 5),
            "До 18.09.2020": due(2020, 9, 18),
            "До 01.10.2020": due(2020, 10, 1),
            "В течение всего периода": Schedule(K.CONTINUOUS),
            "До 15.09.2020": due(2020, 9, 15),
            "До 31.12.2020": due(2020, 12, 31),
            "Сентябрь - декабрь 2020": SEPT_DEC_2020,
            "Сентябрь – декабрь 2020": SEPT_DEC_2020,
            "Октябрь-декабрь 2020": span((2020, 10, 1), (2020, 12, 31)),
            "До 01.12.2020": due(2020, 12, 1),
            "До 01.12.2021": due(2021, 12, 1),
            PAIRS: Schedule(K.EVENT, note=PAIRS),
            REALISATION: Schedule(K.EVENT, note=REALISATION),
            REALISATION + " или май 2021 г.": Schedule(K.EVENT, due=date(2021, 5, 31), note=REALISATION),
            "До 01.11.2020": due(2020, 11, 1),
            "В соответствии со сроками, установленными Минпрсвещения России": Schedule(K.EVENT, note=MINISTRY),
            "Май 2021": span((2021, 5, 1), (2021, 5, 31)),
            "Сентябрь 2020 - май 2021": span((2020, 9, 1), (2021, 5, 31)),
        },
    ),
}


@pytest.mark.parametrize(
    "period, text, expected",
    [
        pytest.param(period, text, expected, id=f"{name}:{text}")
        for name, (period, cases) in SAMPLES.items()
        for text, expected in cases.items()
    ],
)
def test_sample_deadlines(period, text, expected):
    assert read(text, period).schedule == expected


SAMPLE_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "roadmaps"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_files_hold_no_other_deadline(name):
    """Every filled «Сроки» cell of the files is in SAMPLES; blank cells and the «--» filler are «not given»."""
    period, cases = SAMPLES[name]
    cells = [
        line.split("\t")[2].strip()
        for line in (SAMPLE_DIR / name).read_text().splitlines()[1:]
        if line.count("\t") >= 2
    ]
    for cell in cells:
        if cell in ("", "--"):
            assert read(cell, period).problem == "Срок не указан."
        else:
            assert cell in cases


# --- tolerance: spacing, case, dashes, «г.», word forms, short forms, date formats --------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "сентябрь-декабрь 2020",
        "Сентябрь  —  декабрь 2020",
        "СЕНТЯБРЬ\u00a0–\u00a0ДЕКАБРЬ 2020 Г.",
        "сентябрь − декабрь 2020 года",
        "Сентябрь -декабрь 2020г",
        "сентябрь–декабрь 2020.",
        "  Сентябрь - декабрь 2020  ",
        "с сентября по декабрь 2020 г.",
        "сент. – дек. 2020",
        "в сентябре – декабре 2020 года",
        "Сентябрь 2020 - декабрь",
    ],
)
def test_range_variants(text):
    assert read(text, None).schedule == SEPT_DEC_2020


@pytest.mark.parametrize(
    "text",
    [
        "до 11.09.2020 г.",
        "До 11.09.20",
        "до 11.9.2020",
        "ДО 11.09.2020.",
        "до\u00a011.09.2020",
        "до11.09.2020",
        "до 11 сентября 2020 года",
        "к 11.09.2020",
        "11.09.2020",
    ],
)
def test_due_variants(text):
    assert read(text, None).schedule == due(2020, 9, 11)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Постоянно.", K.CONTINUOUS),
        ("  ПОСТОЯННО ", K.CONTINUOUS),
        ("по  необходимости", K.AS_NEEDED),
        ("В течение\u00a0всего периода.", K.CONTINUOUS),
        ("ЕЖЕКВАРТАЛЬНО", K.QUARTERLY),
        ("По мере проведения мероприятий", K.AS_HELD),
    ],
)
def test_keyword_variants(text, kind):
    assert read(text, YEAR).schedule == Schedule(kind)


def test_month_forms_and_year_forms():
    assert read("Май 2021 года", None).schedule == read("в мае 2021 г", None).schedule == read("05.2021", None).schedule
    assert read("Ежегодно, в сентябре", None).schedule == yearly(*SEPTEMBER)


# --- typos: one wrong, missing or extra letter; nothing random matches ----------------------------------------------


@pytest.mark.parametrize(
    "text, period, expected",
    [
        ("Сентяборь - декабрь 2020", None, SEPT_DEC_2020),
        ("Сентбрь - декабрь 2020", None, SEPT_DEC_2020),
        ("Сентябрь - декаьрь 2020", None, SEPT_DEC_2020),
        ("Ежегодо сентябрь", YEARS, yearly(*SEPTEMBER)),
        ("Ежеквартальнл", YEARS, Schedule(K.QUARTERLY)),
        ("По необходимсти", YEARS, Schedule(K.AS_NEEDED)),
        ("Потоянно", YEARS, Schedule(K.CONTINUOUS)),
        ("В течении всего периода", YEARS, Schedule(K.CONTINUOUS)),
        ("По отдельнму плану", YEARS, Schedule(K.SEPARATE_PLAN)),
    ],
)
def test_typos_are_corrected_and_reported(text, period, expected):
    parsed = read(text, period)
    assert parsed.schedule == expected
    assert parsed.problem.startswith("Прочитано с исправлением опечатки")


@pytest.mark.parametrize(
    "text",
    [
        "когда-нибудь",
        "ежедневно",
        "ежемесячно",
        "Сентяборьь 2020",
        "сентябрьский 2020",
        "по возможности",
        "потом",
        "Мартин 2021",
        "до мая 2021",
        "Октябрь 2021 Май 2022",
        "ежегодно когда-нибудь",
    ],
)
def test_unreadable_text_is_unknown(text):
    parsed = read(text, YEAR)
    assert parsed.schedule == Schedule(K.UNKNOWN)
    assert parsed.problem.startswith("Срок не распознан")


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "Срок не указан."),
        ("   ", "Срок не указан."),
        ("--", "Срок не указан."),
        ("31.02.2022", "Такой даты нет: 31.02.2022."),
        ("до 45.13.2020", "Такой даты нет: 45.13.2020."),
        ("до 29.02.2021", "Такой даты нет: 29.02.2021."),
        ("до 30 февраля 2022", "Такой даты нет: 30.02."),
        ("Сентябрь 2021 - май 2020", "Начало срока (01.09.2021) позже его окончания (31.05.2020)."),
    ],
)
def test_impossible_or_empty_text_explains_itself(text, problem):
    parsed = read(text, YEAR)
    assert parsed.schedule == Schedule(K.UNKNOWN)
    assert parsed.problem == problem


@pytest.mark.parametrize(
    "text, period, expected",
    [
        ("до конца мая 2021", None, due(2021, 5, 31)),
        ("до конца мая", ACADEMIC, due(2021, 5, 31)),
        ("до конца мая", YEARS, yearly(5, 31, 5, 31)),
        ("к началу учебного года", ACADEMIC, Schedule(K.EVENT, note="К началу учебного года")),
        ("до окончания учебного года.", ACADEMIC, Schedule(K.EVENT, note="До окончания учебного года")),
        ("По итогам  мониторинга", ACADEMIC, Schedule(K.EVENT, note="По итогам мониторинга")),
    ],
)
def test_end_of_month_and_other_events(text, period, expected):
    parsed = read(text, period)
    assert parsed.schedule == expected
    assert parsed.problem == ""  # inflected words of an event are not «corrected»


def test_event_with_an_unreadable_fallback_keeps_the_event():
    parsed = read(REALISATION + " или когда-нибудь", ACADEMIC)
    assert parsed.schedule == Schedule(K.EVENT, note=REALISATION)
    assert parsed.problem.startswith("Срок после «или» не прочитан")


# --- the year rule -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, period, expected",
    [
        ("Апрель", ACADEMIC, span((2021, 4, 1), (2021, 4, 30))),
        ("Октябрь", ACADEMIC, span((2020, 10, 1), (2020, 10, 31))),
        ("Август", ACADEMIC, span((2021, 8, 1), (2021, 8, 31))),
        ("Ноябрь - февраль", ACADEMIC, span((2020, 11, 1), (2021, 2, 28))),
        ("до 15.09", ACADEMIC, due(2020, 9, 15)),
        ("до 15.05", ACADEMIC, due(2021, 5, 15)),
        ("Апрель", YEAR, span((2022, 4, 1), (2022, 4, 30))),
        ("до 15.09", YEAR, due(2022, 9, 15)),
        ("Апрель", YEARS, yearly(4, 1, 4, 30)),
        ("Сентябрь - декабрь", YEARS, yearly(9, 1, 12, 31)),
        ("до 15.09", YEARS, yearly(9, 15, 9, 15)),
        ("Октябрь Май", YEAR, twice(OCTOBER, MAY)),
        ("Октябрь Май", None, twice(OCTOBER, MAY)),
        ("Ежегодно сентябрь", None, yearly(*SEPTEMBER)),
        ("Май 2021", None, span((2021, 5, 1), (2021, 5, 31))),
        ("Ноябрь - февраль 2021", None, span((2020, 11, 1), (2021, 2, 28))),
        ("Ноябрь 2020 - февраль", None, span((2020, 11, 1), (2021, 2, 28))),
        ("Февраль 2024", None, span((2024, 2, 1), (2024, 2, 29))),
    ],
)
def test_year_rule(text, period, expected):
    assert read(text, period).schedule == expected


@pytest.mark.parametrize("text", ["Апрель", "до 15.09", "Сентябрь - декабрь", REALISATION + " или май"])
def test_without_a_period_a_year_is_needed(text):
    parsed = read(text, None)
    assert "не указан год" in parsed.problem
    if text.startswith("В соответствии"):
        assert parsed.schedule == Schedule(K.EVENT, note=REALISATION)
    else:
        assert parsed.schedule == Schedule(K.UNKNOWN)


# --- occurrences -----------------------------------------------------------------------------------------------------


def occ(key, label, start, end):
    return Due(key, label, start and date(*start), end and date(*end))


ONCE_NEVER_OVERDUE = [occ("once", "", None, None)]


@pytest.mark.parametrize(
    "text, period, expected",
    [
        ("До 11.09.2020", ACADEMIC, [occ("once", "", None, (2020, 9, 11))]),
        ("Сентябрь - декабрь 2020", ACADEMIC, [occ("once", "", (2020, 9, 1), (2020, 12, 31))]),
        (REALISATION + " или май 2021 г.", ACADEMIC, [occ("once", "", None, (2021, 5, 31))]),
        (PAIRS, ACADEMIC, ONCE_NEVER_OVERDUE),
        ("Ежегодно сентябрь", YEARS, [occ(str(y), str(y), (y, 9, 1), (y, 9, 30)) for y in (2022, 2023, 2024)]),
        ("Ежегодно сентябрь", ACADEMIC, [occ("2020", "2020", (2020, 9, 1), (2020, 9, 30))]),
        ("Ежегодно июнь", ACADEMIC, [occ("2021", "2021", (2021, 6, 1), (2021, 6, 30))]),
        ("Ежегодно", YEAR, [occ("2022", "2022", (2022, 1, 1), (2022, 12, 31))]),
        (
            "май-сентябрь 2023г., далее ежегодно",
            YEARS,
            [occ(str(y), str(y), (y, 5, 1), (y, 9, 30)) for y in (2023, 2024)],
        ),
        ("до 15.09.2022г., далее ежегодно", YEARS, [occ(str(y), str(y), None, (y, 9, 15)) for y in (2022, 2023, 2024)]),
        (
            "ноябрь - февраль, ежегодно",
            YEARS,
            [
                occ("2022", "2022", (2021, 11, 1), (2022, 2, 28)),
                occ("2023", "2023", (2022, 11, 1), (2023, 2, 28)),
                occ("2024", "2024", (2023, 11, 1), (2024, 2, 29)),
            ],
        ),
        (
            "Октябрь Май",
            ACADEMIC,
            [
                occ("2020-10", "октябрь 2020", (2020, 10, 1), (2020, 10, 31)),
                occ("2021-05", "май 2021", (2021, 5, 1), (2021, 5, 31)),
            ],
        ),
        (
            "Октябрь Май",
            YEAR,
            [
                occ("2022-05", "май 2022", (2022, 5, 1), (2022, 5, 31)),
                occ("2022-10", "октябрь 2022", (2022, 10, 1), (2022, 10, 31)),
            ],
        ),
        (
            "ежеквартально",
            YEAR,
            [
                occ("2022-q1", "I квартал 2022", (2022, 1, 1), (2022, 3, 31)),
                occ("2022-q2", "II квартал 2022", (2022, 4, 1), (2022, 6, 30)),
                occ("2022-q3", "III квартал 2022", (2022, 7, 1), (2022, 9, 30)),
                occ("2022-q4", "IV квартал 2022", (2022, 10, 1), (2022, 12, 31)),
            ],
        ),
        ("в течение учебного года", ACADEMIC, [occ("2020-2021", "2020–2021 уч. год", (2020, 9, 1), (2021, 5, 31))]),
        (
            "в течение учебного года",
            YEAR,
            [
                occ("2021-2022", "2021–2022 уч. год", (2021, 9, 1), (2022, 5, 31)),
                occ("2022-2023", "2022–2023 уч. год", (2022, 9, 1), (2023, 5, 31)),
            ],
        ),
        ("постоянно", YEARS, ONCE_NEVER_OVERDUE),
        ("По необходимости", YEARS, ONCE_NEVER_OVERDUE),
        ("По отдельному плану", YEARS, ONCE_NEVER_OVERDUE),
        ("По мере проведения", YEARS, ONCE_NEVER_OVERDUE),
        ("когда-нибудь", YEARS, ONCE_NEVER_OVERDUE),
    ],
)
def test_occurrences(text, period, expected):
    assert read(text, period).schedule.occurrences(period) == expected


def test_occurrences_of_several_years():
    twice_a_year = read("Октябрь Май", YEARS).schedule.occurrences(YEARS)
    assert [o.key for o in twice_a_year] == ["2022-05", "2022-10", "2023-05", "2023-10", "2024-05", "2024-10"]
    quarters = Schedule(K.QUARTERLY).occurrences(ACADEMIC)
    assert [o.key for o in quarters] == ["2020-q3", "2020-q4", "2021-q1", "2021-q2", "2021-q3"]
    academic_years = Schedule(K.ACADEMIC_YEAR).occurrences(YEARS)
    assert [o.key for o in academic_years] == ["2021-2022", "2022-2023", "2023-2024", "2024-2025"]


# --- describe, has_dates, JSON -------------------------------------------------------------------------------------

SCHEDULES = [
    (due(2020, 9, 11), "до 11.09.2020", True),
    (SEPT_DEC_2020, "01.09.2020 – 31.12.2020", True),
    (yearly(*SEPTEMBER), "ежегодно: сентябрь", True),
    (yearly(5, 1, 9, 30, from_year=2022), "ежегодно с 2022 г.: май – сентябрь", True),
    (yearly(9, 15, 9, 15, from_year=2022), "ежегодно с 2022 г.: до 15.09", True),
    (yearly(3, 15, 4, 20), "ежегодно: 15.03 – 20.04", True),
    (yearly(2, 1, 2, 29), "ежегодно: февраль", True),
    (Schedule(K.YEARLY), "ежегодно", True),
    (twice(OCTOBER, MAY), "дважды в год: октябрь, май", True),
    (Schedule(K.QUARTERLY), "ежеквартально", True),
    (Schedule(K.ACADEMIC_YEAR), "в течение учебного года (до 31 мая)", True),
    (Schedule(K.CONTINUOUS), "без срока: постоянно", False),
    (Schedule(K.AS_NEEDED), "без срока: по необходимости", False),
    (Schedule(K.SEPARATE_PLAN), "без срока: по отдельному плану", False),
    (Schedule(K.AS_HELD), "без срока: по мере проведения", False),
    (Schedule(K.EVENT, note=PAIRS), "по событию: до начала организации работы наставнических пар", False),
    (
        Schedule(K.EVENT, due=date(2021, 5, 31), note=REALISATION),
        "по событию: в соответствии со сроками реализации программ наставничества; не позднее 31.05.2021",
        True,
    ),
    (Schedule(K.UNKNOWN), "срок не распознан", False),
]


@pytest.mark.parametrize("schedule, description, has_dates", SCHEDULES)
def test_describe_and_has_dates(schedule, description, has_dates):
    assert schedule.describe() == description
    assert schedule.has_dates is has_dates


@pytest.mark.parametrize("schedule", [schedule for schedule, _, _ in SCHEDULES])
def test_json_round_trip(schedule):
    stored = json.loads(json.dumps(schedule.to_json()))
    assert Schedule.from_json(stored) == schedule
    assert stored["kind"] == schedule.kind.value


def test_json_shape():
    assert due(2020, 9, 11).to_json() == {"kind": "due", "due": "2020-09-11"}
    assert yearly(9, 15, 9, 15, from_year=2022).to_json() == {
        "kind": "yearly",
        "from_year": 2022,
        "windows": [{"start_month": 9, "start_day": 15, "end_month": 9, "end_day": 15}],
    }
    assert Schedule(kind="plan") == Schedule(K.SEPARATE_PLAN)
    with pytest.raises(ValueError):
        Schedule(kind="sometimes")


# --- the roadmap's period ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2022", YEAR),
        ("2022 год", YEAR),
        ("2022 г.", YEAR),
        ("2020-2021 учебный год", ACADEMIC),
        ("2020/2021 уч. г.", ACADEMIC),
        ("2020 – 2021 учебного года", ACADEMIC),
        ("2020/2021", ACADEMIC),
        ("2022–2024 гг.", YEARS),
        ("2022-2024", YEARS),
        ("на 2022 - 2024 годы", YEARS),
    ],
)
def test_parse_period(text, expected):
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Укажите период как «2022», «2020–2021 учебный год» или «2022–2024 гг.»."),
        ("20222", "Укажите период как «2022», «2020–2021 учебный год» или «2022–2024 гг.»."),
        ("когда-то", "Укажите период как «2022», «2020–2021 учебный год» или «2022–2024 гг.»."),
        ("2024-2022", "Год окончания периода (2022) раньше года начала (2024)."),
        ("2020-2020 учебный год", "Учебный год занимает два соседних года, например «2020–2021 учебный год»."),
    ],
)
def test_parse_period_errors(text, message):
    with pytest.raises(PeriodError) as error:
        parse_period(text)
    assert error.value.message.startswith(message)
    assert str(error.value) == error.value.message


# --- issue 17: the vocabulary of real orders -------------------------------------------------------------------

YEARS_2023 = Period(date(2023, 1, 1), date(2023, 12, 31), "2023 год", False)
ACADEMIC_2022 = Period(date(2022, 9, 1), date(2023, 8, 31), "2022–2023 учебный год", True)
FOUR_ACADEMIC = Period(date(2020, 9, 1), date(2024, 8, 31), "2020–2024 учебные годы", True)


@pytest.mark.parametrize(
    "text, period, expected",
    [
        ("II квартал 2023 г.", YEARS, span((2023, 4, 1), (2023, 6, 30))),
        ("в III квартале 2023 года", YEARS, span((2023, 7, 1), (2023, 9, 30))),
        ("4 кв. 2022", YEARS, span((2022, 10, 1), (2022, 12, 31))),
        ("I полугодие 2023 г.", YEARS, span((2023, 1, 1), (2023, 6, 30))),
        ("2 полугодие", ACADEMIC_2022, span((2023, 1, 1), (2023, 5, 31))),
        ("не позднее 1 сентября 2023 г.", YEARS, due(2023, 9, 1)),
        ("в срок до 31 марта 2022 года", YEARS, due(2022, 3, 31)),
        ("в течение 2023 года", YEARS, span((2023, 1, 1), (2023, 12, 31))),
        ("в течение года", YEARS_2023, span((2023, 1, 1), (2023, 12, 31))),
        ("в течение года", ACADEMIC_2022, Schedule(K.ACADEMIC_YEAR)),
        ("в течение года", YEARS, Schedule(K.YEARLY)),
        ("по запросу", YEARS, Schedule(K.AS_NEEDED)),
        ("По отдельному графику", YEARS, Schedule(K.SEPARATE_PLAN)),
        ("по плану работы ИМЦ", YEARS, Schedule(K.SEPARATE_PLAN, note="работы ИМЦ")),
        ("Согласно плану работы РМО", YEARS, Schedule(K.SEPARATE_PLAN, note="работы РМО")),
        ("ежегодно, по плану работы школы", YEARS, Schedule(K.YEARLY, note="по плану работы школы")),
        ("май ежегодно (в рамках ШМО)", YEARS, Schedule(K.YEARLY, windows=(Window(*MAY),), note="в рамках ШМО")),
        (
            "Ежегодно в течение учебного года, по отдельному плану",
            YEARS,
            Schedule(K.ACADEMIC_YEAR, note="по отдельному плану"),
        ),
        ("Сентябрь 2022 г., далее – ежегодно", YEARS, yearly(*SEPTEMBER, from_year=2022)),
        ("Сентябрь 2022 г., далее - ежегодно", YEARS, yearly(*SEPTEMBER, from_year=2022)),
        ("Октябрь", FOUR_ACADEMIC, yearly(*OCTOBER)),
    ],
)
def test_the_vocabulary_of_real_orders(text, period, expected):
    parsed = read(text, period)
    assert parsed.schedule == expected, parsed.problem
    assert parsed.problem == ""


@pytest.mark.parametrize(
    "text",
    ["в течение года", "(в рамках ШМО)", "ежегодно, когда-нибудь потом", "V квартал 2023", "3 полугодие 2023"],
)
def test_what_names_no_date_is_still_not_guessed(text):
    parsed = read(text, None)
    assert parsed.schedule.kind == K.UNKNOWN and parsed.problem


@pytest.mark.parametrize(
    "text, start, end, label",
    [
        ("на 2020 – 2024 учебный год", date(2020, 9, 1), date(2024, 8, 31), "2020–2024 учебные годы"),
        ("в 2023-2024 годах", date(2023, 1, 1), date(2024, 12, 31), "2023–2024 гг."),
        ("сентябрь 2022 г. - май 2024 г.", date(2022, 9, 1), date(2024, 5, 31), "сентябрь 2022 – май 2024"),
        ("2020-2021 учебный год", date(2020, 9, 1), date(2021, 8, 31), "2020–2021 учебный год"),
    ],
)
def test_the_periods_of_real_orders(text, start, end, label):
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)
