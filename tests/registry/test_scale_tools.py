"""The scale tools: generate_data builds a plausible region that keeps every rule; bench measures pages."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count, F, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from bench.pages import PAGES
from common.text import normalise
from registry.models import (
    Consent,
    EducationDepartment,
    MentoringPair,
    Organisation,
    PairMentee,
    Participants,
    Person,
    PersonCategory,
    User,
)
from registry.models.people import STAFF_CATEGORIES

pytestmark = pytest.mark.django_db

CYRILLIC_WORD = re.compile(r"^[А-ЯЁ][а-яё]+(-[А-ЯЁ][а-яё]+)?$")
SMALL = ["--departments", "2", "--organisations", "5", "--people", "300", "--pairs", "150", "--seed", "7"]


def generate(*args) -> str:
    out = StringIO()
    call_command("generate_data", *args, stdout=out)
    return out.getvalue()


def of_seed(model, seed: int, path: str = "organisation__department__code__startswith"):
    return model.objects.filter(**{path: f"gen-{seed}-"})


def snapshot(seed: int) -> list[tuple]:
    """What a region is, without its primary keys."""
    people = sorted(
        of_seed(Person, seed).values_list(
            "organisation__code", "last_name", "first_name", "patronymic", "birth_year", "category", "class_or_group"
        )
    )
    pairs = sorted(
        of_seed(MentoringPair, seed)
        .annotate(n=Count("participations"))
        .values_list("organisation__code", "mentor__last_name", "format__name", "entry_date", "end_date", "n")
    )
    organisations = sorted(
        of_seed(Organisation, seed, "department__code__startswith").values_list(
            "department__code", "code", "short_name"
        )
    )
    return [people, pairs, organisations]


def test_generates_exactly_the_asked_counts_and_keeps_every_rule():
    output = generate(*SMALL)

    departments = EducationDepartment.objects.filter(code__startswith="gen-7-")
    assert sorted(departments.values_list("code", flat=True)) == ["gen-7-1", "gen-7-2"]
    assert of_seed(Organisation, 7, "department__code__startswith").count() == 10
    assert of_seed(Person, 7).count() == 300
    assert of_seed(MentoringPair, 7).count() == 150
    assert "Готово" in output and "участников 300" in output

    # Every PairMentee carries exactly the facts save_pair would copy, and every pair has a mentee.
    assert not of_seed(MentoringPair, 7).filter(participations__isnull=True).exists()
    rows = PairMentee.objects.select_related("pair__format", "pair__mentor", "mentee")
    for row in rows:
        pair = row.pair
        assert (row.organisation_id, row.mentor_id, row.format_id) == (
            pair.organisation_id,
            pair.mentor_id,
            pair.format_id,
        )
        assert row.participants == pair.format.participants
        assert row.active == (pair.end_date is None)
        assert row.mentor_category == pair.mentor.category and row.mentee_category == row.mentee.category
        assert row.mentee_organisation_id == row.mentee.organisation_id == pair.organisation_id
        assert row.mentee_id != row.mentor_id
        if row.participants == Participants.STUDENTS:
            assert row.mentor_category == row.mentee_category == PersonCategory.STUDENT
        if row.participants == Participants.STAFF:
            assert {row.mentor_category, row.mentee_category} <= set(STAFF_CATEGORIES)
    twice_active = (
        PairMentee.objects.filter(active=True).values("mentee", "format").annotate(n=Count("pk")).filter(n__gt=1)
    )
    assert not twice_active.exists()

    # Plausible: groups, completed pairs with marks, pairs without an order, overdue ones, several forms.
    pairs = of_seed(MentoringPair, 7)
    assert pairs.annotate(n=Count("participations")).filter(n__gt=1).exists()
    assert pairs.filter(end_date__isnull=False).exists()
    assert PairMentee.objects.filter(active=False).exclude(completion_mark="").exists()
    assert pairs.filter(order_number="").exists() and pairs.exclude(order_number="").exists()
    assert pairs.overdue().exists()
    assert pairs.values("format").distinct().count() >= 2
    assert not pairs.filter(Q(end_date__lt=F("entry_date")) | Q(planned_end_date__lt=F("entry_date"))).exists()

    # People: mostly students, teachers with positions, mentors with their attributes, mentees with requests.
    people = of_seed(Person, 7)
    students = people.filter(category=PersonCategory.STUDENT)
    assert students.count() > people.count() / 2
    assert not people.filter(category=PersonCategory.TEACHER, position="").exists()
    assert people.filter(is_young_teacher=True).exists()
    assert people.filter(mentor_pairs__isnull=False).exclude(competencies="").exists()
    assert people.filter(participations__isnull=False).exclude(main_request="").exists()
    minors = people.minors()
    with_consent = minors.filter(consents__isnull=False).distinct().count()
    assert minors.count() / 2 < with_consent < minors.count()
    # Under 18 all year: a representative consents (a student turning 18 this year may consent alone).
    certain = people.filter(birth_year__gt=timezone.localdate().year - 18)
    assert not Consent.objects.filter(person__in=certain, given_by="self").exists()


def test_names_are_russian_and_searchable():
    generate(*SMALL)
    people = list(of_seed(Person, 7))
    for person in people:
        assert CYRILLIC_WORD.match(person.last_name) and CYRILLIC_WORD.match(person.first_name), person
        assert person.patronymic.endswith(("вич", "ич", "вна", "чна", "ична", "инична")), person
        assert (
            person.search_text == person.name_key == normalise(person.last_name, person.first_name, person.patronymic)
        )
        assert person.version >= 1
    women = [p for p in people if p.patronymic.endswith("на")]
    assert women and all(not p.last_name.endswith(("ов", "ев", "ин", "ский")) for p in women)

    someone = people[len(people) // 2]
    assert someone in Person.objects.search(someone.last_name.lower())
    assert someone in Person.objects.search(someone.full_name.upper())
    school = of_seed(Organisation, 7, "department__code__startswith").filter(kind="school").first()
    assert school.search_text == normalise(school.short_name, school.full_name, school.code)
    assert school in Organisation.objects.search(school.short_name.lower())
    assert of_seed(Organisation, 7, "department__code__startswith").values("kind").distinct().count() >= 2


def test_same_seed_again_replaces_the_region_with_the_same_one_and_leaves_other_seeds():
    generate("--organisations", "3", "--people", "60", "--pairs", "20", "--seed", "8")
    other = snapshot(8)
    generate(*SMALL)
    first = snapshot(7)

    output = generate(*SMALL)

    assert "Удалены прежние данные «gen-7-*»" in output
    assert snapshot(7) == first
    assert of_seed(Person, 7).count() == 300 and of_seed(MentoringPair, 7).count() == 150
    assert snapshot(8) == other

    generate("--seed", "7", "--delete")
    assert not EducationDepartment.objects.filter(code__startswith="gen-7-").exists()
    assert not Person.objects.filter(organisation__department__code__startswith="gen-7-").exists()
    assert snapshot(8) == other


def test_refuses_pairs_without_people():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Слишком мало участников"):
        generate("--people", "1", "--pairs", "1", "--organisations", "1", "--seed", "9")
    assert not EducationDepartment.objects.filter(code__startswith="gen-9-").exists()


def reversible_pages() -> set[str]:
    labels = set()
    for label, url_name, *_ in PAGES:
        try:
            reverse(url_name, kwargs={"pk": 1} if "detail" in url_name or url_name == "influence_pair" else None)
        except NoReverseMatch:
            continue
        labels.add(label)
    return labels


def test_bench_reports_every_page_with_200_and_writes_json(tmp_path):
    generate("--organisations", "3", "--people", "120", "--pairs", "60", "--seed", "11")
    out = StringIO()
    target = tmp_path / "bench.json"

    call_command("bench", "--repeat", "1", "--json", str(target), stdout=out)

    text = out.getvalue()
    expected = reversible_pages()
    assert {"Главная", "Организации", "Организация", "Кураторы и методисты"} <= expected
    rows = [line for line in text.splitlines() if line.rstrip().endswith(" 200")]
    from bench.pages import PAGES

    personas = {entry[0]: entry[3] for entry in PAGES if len(entry) > 3 and entry[3] is not None}
    for label in expected:
        # methodist and curator, or only those the page is for (the indicators: department-wide users)
        assert sum(line.startswith(label + " ") for line in rows) == len(personas.get(label, {1, 2})), label
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["people"] == 120 and data["repeat"] == 1
    assert {page["label"] for page in data["pages"]} == expected
    for page in data["pages"]:
        assert page["status"] == 200 and page["queries"] > 0
        assert 0 < page["p50_ms"] <= page["p95_ms"] <= page["max_ms"]
    assert not User.objects.filter(username__startswith="bench.").exists()  # throwaway accounts are gone


def test_bench_times_the_influence_table_on_questionnaires_it_rolls_back(tmp_path):
    from influence.models import ParticipantGrowth, Response

    generate("--organisations", "3", "--people", "120", "--pairs", "60", "--seed", "12")
    kept = sorted(Response.objects.values_list("pk", flat=True))
    target = tmp_path / "bench.json"
    out = StringIO()

    call_command("bench", "--repeat", "1", "--persona", "curator", "--influence", "--json", str(target), stdout=out)

    figures = json.loads(target.read_text(encoding="utf-8"))["influence"]
    participations = PairMentee.objects.filter(pair__organisation__department__code="gen-12-1").count()
    # «before» and «after» of every participation (and generate_data's quality questionnaires, kept)
    quality = Response.objects.filter(purpose="quality").count()
    assert figures["responses"] == 2 * (60 + participations) + quality
    assert figures["queries"] == 2 and figures["rows"] > 0
    assert "Таблица мониторинга влияния" in out.getvalue()
    assert sorted(Response.objects.values_list("pk", flat=True)) == kept  # generate_data's, as they were
    assert ParticipantGrowth.objects.count() == Response.objects.filter(purpose="after").count()


def test_bench_fails_on_a_page_that_is_not_200(monkeypatch):
    from django.core.management.base import CommandError

    from bench import pages as bench

    generate("--organisations", "2", "--people", "40", "--pairs", "10", "--seed", "12")
    monkeypatch.setattr(
        bench,
        "PAGES",
        [
            ("Главная", "home", lambda c: ({}, "")),
            ("Чужая организация", "organisation_detail", lambda c: ({"pk": 10**9}, "")),
            ("Нет такой страницы", "no_such_page", lambda c: ({}, "")),
        ],
    )
    out = StringIO()
    with pytest.raises(CommandError, match="Чужая организация"):
        call_command("bench", "--repeat", "1", "--persona", "curator", stdout=out)
    assert "пропуск: «Нет такой страницы»" in out.getvalue()
