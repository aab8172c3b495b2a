"""Build a synthetic but plausible region for load tests: departments, organisations, people, pairs.

Everything is invented (names from Faker's ru_RU lists) and inserted with bulk_create in one
transaction, so 100 000 people and 50 000 pairs take well under two minutes. bulk_create skips
Model.save(), so the columns save() would compute are filled here: Person.search_text/name_key,
Organisation.search_text, the optimistic-lock `version`, and PairMentee's copies of its pair
(exactly as registry.services.pairs.participation_facts). The database's own constraints still
check every row.

Idempotency: a run owns the departments coded «gen-<seed>-<n>». It first deletes every department
whose code starts with «gen-<seed>-» together with all its data, then builds them again, so running
twice with the same seed gives the same region (same names, same counts; dates are counted from
today), and a run with another seed leaves this one alone. `--delete` only deletes.
"""

from __future__ import annotations

import random
import time
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from datetime import time as dt_time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from common.text import normalise
from registry.models import (
    CompletionMark,
    Consent,
    ConsentGiver,
    EducationDepartment,
    Meeting,
    MeetingKind,
    MentoringFormat,
    MentoringKind,
    MentoringPair,
    MentoringProgram,
    Organisation,
    OrganisationKind,
    PairMentee,
    PairStage,
    Person,
    RoleModel,
)
from registry.models.people import ADULT_AGE, STAFF_CATEGORIES
from registry.synthetic.words import (
    ACHIEVEMENTS,
    ADDITIONAL_TYPES,
    BATCH,
    CATEGORY_MIX,
    CLUBS,
    COLLEGE_TYPES,
    COMPETENCIES,
    CS,
    EM,
    EMPLOYERS,
    FIRST_F,
    FIRST_M,
    GR,
    INTERESTS,
    KIND_WEIGHTS,
    KINDERGARTEN_NAMES,
    LAST_F,
    LAST_M,
    MEETING_NOTES,
    MIDDLE_F,
    MIDDLE_M,
    PROGRAM_NAMES,
    REGIONS,
    REQUESTS,
    RESULTS,
    SIZE_WEIGHTS,
    SPECIALITIES,
    STAFF_POSITIONS,
    STEMS,
    SUBJECTS,
    SURNAME_INDEX,
    TIME_RESOURCES,
    UNIVERSITIES,
    S,
    T,
    W,
)


def apportion(total: int, weights: list[float]) -> list[int]:
    """Split `total` into whole parts proportional to `weights` (largest remainder); sums exactly."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    shares = [total * w / weight_sum for w in weights]
    parts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: (parts[i] - shares[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def genitive(adjective: str) -> str:
    """«Кедровский» → «Кедровского»: enough for the adjectives of STEMS."""
    return adjective[:-2] + "ого"


def generated_departments(seed: int):
    return EducationDepartment.objects.filter(code__startswith=f"gen-{seed}-")


def delete_generated(seed: int) -> int:
    """Delete the departments of `seed` and everything in them; returns how many departments went."""
    departments = list(generated_departments(seed).values_list("pk", flat=True))
    if not departments:
        return 0
    in_departments = {"organisation__department__in": departments}
    # Bulk deletes without loading rows (and so without audit-trail entries): the data is synthetic.
    for queryset in (
        Meeting.objects.filter(pair__organisation__department__in=departments),
        PairMentee.objects.filter(**in_departments),
        MentoringPair.objects.filter(**in_departments),
        MentoringProgram.formats.through.objects.filter(mentoringprogram__organisation__department__in=departments),
        MentoringProgram.objects.filter(**in_departments),
        Consent.objects.filter(person__organisation__department__in=departments),
        Person.objects.filter(**in_departments),
    ):
        queryset._raw_delete(queryset.db)
    # The few rows left go through the ORM, so whatever else points at them cascades as declared.
    Organisation.objects.filter(department__in=departments).delete()
    EducationDepartment.objects.filter(pk__in=departments).delete()
    return len(departments)


class Formats:
    """The seeded common forms, role models, kinds and meeting kinds."""

    NAMES = {
        "uu": "ученик – ученик",
        "tt": "учитель – учитель",
        "su": "студент – ученик",
        "ss": "студент – студент",
        "eu": "работодатель – ученик",
        "es": "работодатель – студент",
        "ht": "руководитель образовательной организации – педагог",
    }

    def __init__(self) -> None:
        by_name = {f.name: f for f in MentoringFormat.objects.filter(department__isnull=True)}
        missing = [name for name in self.NAMES.values() if name not in by_name]
        if missing:
            raise CommandError(f"Нет общих форм наставничества: {', '.join(missing)}. Выполните migrate.")
        self.format = {key: by_name[name] for key, name in self.NAMES.items()}
        self.role_models = defaultdict(list)
        for role_model in RoleModel.objects.filter(format__in=self.format.values(), is_active=True):
            self.role_models[role_model.format_id].append(role_model.pk)
        kinds = {k.name: k.pk for k in MentoringKind.objects.filter(department__isnull=True)}
        self.kind_one = kinds.get("традиционное («один-на-один»)")
        self.kind_group = kinds.get("в группе")
        self.kind_other = [pk for name, pk in kinds.items() if pk not in (self.kind_one, self.kind_group)]
        meeting_kinds = list(MeetingKind.objects.filter(department__isnull=True).order_by("position", "pk"))
        self.meeting_kinds = [m.pk for m in meeting_kinds]


class Generator:
    def __init__(self, command: BaseCommand, options: dict) -> None:
        self.out = command.stdout
        self.style = command.style
        self.seed = options["seed"]
        self.rng = random.Random(self.seed)
        self.years = options["years"]
        self.max_meetings = options["meetings"]
        self.today = date.today()
        self.year = self.today.year
        self.school_year = self.year if self.today.month >= 9 else self.year - 1
        self.refs = Formats()
        self.counts = Counter()
        self.started = time.monotonic()

    # --- helpers ----------------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items, k_min: int = 1, k_max: int = 1) -> str:
        return "; ".join(self.rng.sample(items, self.rng.randint(k_min, min(k_max, len(items)))))

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def full_name(self, female: bool) -> str:
        i = self.rng.randrange(len(LAST_M))
        if female:
            return f"{LAST_F[i]} {self.rng.choice(FIRST_F)} {self.rng.choice(MIDDLE_F)}"
        return f"{LAST_M[i]} {self.rng.choice(FIRST_M)} {self.rng.choice(MIDDLE_M)}"

    def progress(self, people_total: int, pairs_total: int) -> None:
        elapsed = time.monotonic() - self.started
        self.out.write(
            f"  участники: {self.counts['people']} из {people_total}, пары: {self.counts['pairs']} из "
            f"{pairs_total} — {elapsed:.1f} с"
        )

    # --- departments and organisations --------------------------------------------------------------

    def department(self, n: int) -> EducationDepartment:
        stem = self.stems[(n - 1) % len(self.stems)]
        round_ = (n - 1) // len(self.stems)
        municipality_kind = self.rng.choice(
            [("муниципальный округ", "муниципального округа"), ("муниципальный район", "муниципального района")]
        )
        body = self.rng.choice(
            [
                "Управление образования администрации",
                "Комитет образования администрации",
                "Отдел образования администрации",
            ]
        )
        suffix = f" № {round_ + 1}" if round_ else ""
        return EducationDepartment.objects.create(
            code=f"gen-{self.seed}-{n}",
            name=f"{body} {genitive(stem)} {municipality_kind[1]}{suffix}",
            region=self.rng.choice(REGIONS),
            municipality=f"{stem} {municipality_kind[0]}{suffix}",
            methodical_centre=f"МБУ «Информационно-методический центр» {genitive(stem)} {municipality_kind[1]}",
        )

    def organisations(self, department: EducationDepartment, count: int) -> list[Organisation]:
        stem = department.municipality.split()[0]
        kinds = []
        for kind, n in zip(KIND_WEIGHTS, apportion(count, list(KIND_WEIGHTS.values())), strict=False):
            kinds += [kind] * n
        numbers = Counter()
        made = []
        for kind in kinds:
            if kind == OrganisationKind.SCHOOL:
                code, short, full = self.rng.choices(
                    [
                        (
                            "sosh",
                            "МБОУ СОШ № {n}",
                            "Муниципальное бюджетное общеобразовательное учреждение "
                            "«Средняя общеобразовательная школа № {n}»",
                        ),
                        (
                            "gimn",
                            "МБОУ «Гимназия № {n}»",
                            "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № {n}»",
                        ),
                        (
                            "lic",
                            "МАОУ «Лицей № {n}»",
                            "Муниципальное автономное общеобразовательное учреждение «Лицей № {n}»",
                        ),
                        (
                            "oosh",
                            "МБОУ ООШ № {n}",
                            "Муниципальное бюджетное общеобразовательное учреждение "
                            "«Основная общеобразовательная школа № {n}»",
                        ),
                    ],
                    weights=[75, 8, 5, 12],
                )[0]
            elif kind == OrganisationKind.KINDERGARTEN:
                name = self.rng.choice(KINDERGARTEN_NAMES)
                code, short, full = (
                    "ds",
                    f"МБДОУ д/с № {{n}} «{name}»",
                    f"Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № {{n}} «{name}»",
                )
            elif kind == OrganisationKind.ADDITIONAL:
                code, short, tail = self.rng.choice(ADDITIONAL_TYPES)
                full = f"Муниципальное бюджетное {tail}"
            else:
                college = COLLEGE_TYPES[numbers["spo"] % len(COLLEGE_TYPES)]
                lap = numbers["spo"] // len(COLLEGE_TYPES)
                title = f"{stem} {college}" + (f" № {lap + 1}" if lap else "")
                code, short, full = (
                    "spo",
                    f"ГПОАУ «{title}»",
                    f"Государственное профессиональное образовательное автономное учреждение «{title}»",
                )
            numbers[code] += self.rng.randint(1, 3)
            n = numbers[code]
            short, full = short.format(n=n), full.format(n=n)
            made.append(
                Organisation(
                    department=department,
                    kind=kind,
                    code=f"{code}{n}",
                    short_name=short,
                    full_name=full,
                    search_text=normalise(short, full, f"{code}{n}"),
                )
            )
        return Organisation.objects.bulk_create(made, batch_size=BATCH)

    # --- people -------------------------------------------------------------------------------------

    def person(self, organisation: Organisation, category: str) -> Person:
        rng = self.rng
        female = self.chance({T: 0.8, W: 0.7}.get(category, 0.5))
        i = rng.randrange(len(LAST_M))
        last = LAST_F[i] if female else LAST_M[i]
        first = rng.choice(FIRST_F if female else FIRST_M)
        middle = rng.choice(MIDDLE_F if female else MIDDLE_M)
        fields = {}
        kind = organisation.kind
        if category == S:
            if kind == OrganisationKind.COLLEGE:
                age = rng.randint(15, 21)
                admitted = self.school_year - rng.randint(0, min(3, age - 15))
                fields["class_or_group"] = f"группа {admitted % 100:02d}-{rng.choice(SPECIALITIES)}"
            elif kind == OrganisationKind.ADDITIONAL:
                age = rng.randint(8, 17)
                fields["class_or_group"] = f"объединение «{rng.choice(CLUBS)}»"
            else:
                age = rng.choices([rng.randint(7, 9), rng.randint(10, 17), 18], weights=[8, 90, 2])[0]
                grade = min(11, max(1, age - 7 + (1 if self.today.month >= 9 else 0)))
                fields["class_or_group"] = f"{grade} {rng.choices('АБВГ', weights=[40, 35, 18, 7])[0]}"
        elif category in STAFF_CATEGORIES:
            young = category == T and self.chance(0.16)
            age = rng.randint(22, 29) if young else rng.randint(30, 64)
            if category == T:
                fields["position"] = {
                    OrganisationKind.KINDERGARTEN: "воспитатель",
                    OrganisationKind.ADDITIONAL: "педагог дополнительного образования",
                    OrganisationKind.COLLEGE: "преподаватель",
                }.get(kind) or f"учитель {rng.choice(SUBJECTS)}"
                fields["is_young_teacher"] = young and self.chance(0.8)
                fields["is_young_specialist"] = young and age <= 27 and self.chance(0.75)
            else:
                fields["position"] = (
                    "старший воспитатель" if kind == OrganisationKind.KINDERGARTEN else rng.choice(STAFF_POSITIONS)
                )
        elif category == CS:
            age = rng.randint(17, 21)
            fields["workplace"] = f"ГПОАУ «{organisation.department.municipality.split()[0]} педагогический колледж»"
        elif category == EM:
            age = rng.randint(25, 55)
            fields["workplace"] = rng.choice(EMPLOYERS)
            fields["position"] = rng.choice(["инженер", "специалист", "бухгалтер", "врач", "мастер участка"])
        else:
            age = rng.randint(19, 25)
            fields["workplace"] = f"{rng.choice(UNIVERSITIES)}, выпускник {self.year - rng.randint(1, 5)} г."
        key = normalise(last, first, middle)
        return Person(
            organisation=organisation,
            last_name=last,
            first_name=first,
            patronymic=middle,
            birth_year=self.year - age,
            category=category,
            search_text=key,
            name_key=key,
            version=1,
            **fields,
        )

    def mentor_facts(self, person: Person, load: int) -> None:
        """The attributes of «База наставников»; a few left blank, a few mentors over their capacity."""
        group = "student" if person.category == S else "staff" if person.category in STAFF_CATEGORIES else "external"
        if self.chance(0.95):
            person.competencies = self.pick(COMPETENCIES[group], 1, 3)
        if self.chance(0.6):
            person.achievements = self.pick(ACHIEVEMENTS[group], 1, 2)
        if self.chance(0.7):
            person.interests = self.pick(INTERESTS, 1, 3)
        if self.chance(0.5):
            person.desired_mentee_age = (
                self.rng.choice(["10–13 лет", "12–15 лет", "5–7 классы"])
                if group != "staff"
                else self.rng.choice(["молодые педагоги до 35 лет", "педагоги со стажем до 3 лет"])
            )
        if self.chance(0.85):
            person.time_resource = self.rng.choice(TIME_RESOURCES)
        if self.chance(0.8):
            person.max_mentees = self.rng.randint(1, 3 if group == "student" else 5)
            if load > person.max_mentees and self.chance(0.85):
                person.max_mentees = load

    # --- pairs --------------------------------------------------------------------------------------

    def options(self, kind: str, people: list[Person]) -> list[tuple[float, str, list[int], list[int]]]:
        """(weight, form key, mentor pool, mentee pool) of the forms this organisation can run."""
        this_year = self.year
        students = [i for i, p in enumerate(people) if p.category == S]
        older = [i for i in students if this_year - people[i].birth_year >= 14]
        adults = [i for i in students if this_year - people[i].birth_year >= ADULT_AGE]
        teachers = [i for i, p in enumerate(people) if p.category == T]
        staff = [i for i, p in enumerate(people) if p.category in STAFF_CATEGORIES]
        young = [i for i in staff if people[i].is_young_teacher or people[i].is_young_specialist]
        young_set = set(young)
        experienced = [i for i in staff if i not in young_set] or staff
        staff_mentees = young * 4 + staff  # young teachers first of all, but any colleague may ask
        outsiders = [i for i, p in enumerate(people) if p.category in (CS, GR)]
        employees = [i for i, p in enumerate(people) if p.category == EM]
        deputies = [i for i, p in enumerate(people) if p.category == W]
        if kind == OrganisationKind.KINDERGARTEN:
            wanted = [(85, "tt", experienced, staff_mentees), (15, "ht", deputies, teachers)]
        elif kind == OrganisationKind.COLLEGE:
            wanted = [
                (55, "ss", adults or older, students),
                (20, "es", employees, students),
                (20, "tt", experienced, staff_mentees),
                (5, "ht", deputies, teachers),
            ]
        else:
            wanted = [
                (70, "uu", older or students, students),
                (18, "tt", experienced, staff_mentees),
                (5, "su", outsiders, students),
                (4, "eu", employees, older),
                (3, "ht", deputies, teachers),
            ]
        usable = [w for w in wanted if self.feasible(w[2], w[3])]
        if not usable and len(people) >= 2:
            everyone = list(range(len(people)))  # a tiny base: any form open to any participants
            usable = [(1, "su", everyone, everyone)]
        return usable

    @staticmethod
    def feasible(mentors: list[int], mentees: list[int]) -> bool:
        return bool(mentors and mentees) and (len(set(mentees)) > 1 or any(m != mentees[0] for m in mentors[:2]))

    def pair_dates(self) -> tuple[date, date | None, date | None]:
        span = self.years * 365
        entry = self.today - timedelta(days=7 + int((span - 7) * self.rng.random() ** 3))  # mostly recent
        if self.chance(0.7):  # to the end of the school year, as most programs run
            may = date(entry.year + (1 if entry.month >= 6 else 0), 5, 31)
            planned = may if (may - entry).days >= 60 else date(may.year + 1, 5, 31)
        else:
            planned = entry + timedelta(days=self.rng.choice([60, 90, 180]))
        end = None
        if planned < self.today and self.chance(0.85):
            end = min(self.today, planned + timedelta(days=self.rng.randint(-20, 10)))
        elif planned >= self.today and self.chance(0.05):
            end = self.day_between(entry, self.today)
        if self.chance(0.05):
            planned = None
        return entry, planned, max(end, entry) if end else None

    def pairs_for(self, organisation: Organisation, people: list[Person], count: int, programs: dict) -> list:
        """Plan `count` pairs of the organisation: (pair, mentor index, mentee indices)."""
        rng = self.rng
        options = self.options(organisation.kind, people)
        if not options:
            return [], Counter()
        weights = [o[0] for o in options]
        active_in = set()  # (mentee index, form key) of active pairs: one per form
        load = Counter()
        planned = []
        for _ in range(count):
            _, key, mentor_pool, mentee_pool = rng.choices(options, weights=weights)[0]
            entry, planned_end, end = self.pair_dates()
            size = 1 if self.chance(0.85) else rng.randint(2, 4)
            mentor = self.choose_mentor(mentor_pool, mentee_pool, load)
            mentees = self.choose_mentees(mentor, mentee_pool, size, key, active_in if end is None else None)
            if not mentees:  # nobody free for an active pair of this form: it becomes a completed one
                end = self.day_between(entry, self.today)
                mentees = self.choose_mentees(mentor, mentee_pool, size, key, None)
            if end is None:
                active_in.update((m, key) for m in mentees)
                load[mentor] += len(mentees)
            fmt = self.refs.format[key]
            pair = MentoringPair(
                organisation=organisation,
                format=fmt,
                entry_date=entry,
                planned_end_date=planned_end,
                end_date=end,
                version=1,
                program_id=programs.get(entry.year if entry.month >= 9 else entry.year - 1)
                if self.chance(0.92)
                else None,
                role_model_id=rng.choice(self.refs.role_models[fmt.pk])
                if self.refs.role_models[fmt.pk] and self.chance(0.9)
                else None,
                kind_id=(
                    self.refs.kind_group
                    if len(mentees) > 1
                    else rng.choice(self.refs.kind_other)
                    if self.refs.kind_other and self.chance(0.15)
                    else self.refs.kind_one
                )
                if self.chance(0.95)
                else None,
                stage=self.stage(entry, planned_end, end),
            )
            if self.chance(0.85):
                pair.order_number = rng.choice(
                    [f"{rng.randint(1, 250)}-ОД", f"№ {rng.randint(1, 120)}/01-05", f"{rng.randint(1, 300)}"]
                )
                pair.order_date = entry - timedelta(days=rng.randint(0, 14))
            if end:
                pair.results = self.pick(RESULTS["student" if key in ("uu", "su", "eu", "ss", "es") else "staff"])
                if self.chance(0.3):
                    pair.mentor_feedback_url = (
                        f"https://{organisation.code}.example.ru/nastavnichestvo/{rng.randint(1, 99999)}"
                    )
            planned.append((pair, mentor, mentees, key))
        return planned, load

    def choose_mentor(self, pool: list[int], mentee_pool: list[int], load: Counter) -> int:
        for attempt in range(6):
            mentor = self.rng.choice(pool)
            if (load[mentor] < 3 or attempt == 5) and (len(set(mentee_pool)) > 1 or mentee_pool[0] != mentor):
                return mentor
        return next(m for m in pool if len(set(mentee_pool)) > 1 or m != mentee_pool[0])

    def choose_mentees(self, mentor: int, pool: list[int], size: int, key: str, active_in: set | None) -> list[int]:
        chosen: list[int] = []

        def free(i: int) -> bool:
            return i != mentor and i not in chosen and (active_in is None or (i, key) not in active_in)

        for _ in range(size * 6):
            candidate = self.rng.choice(pool)
            if free(candidate):
                chosen.append(candidate)
                if len(chosen) == size:
                    return chosen
        if not chosen:
            start = self.rng.randrange(len(pool))
            for candidate in pool[start:] + pool[:start]:
                if free(candidate):
                    return [candidate]
        return chosen

    def stage(self, entry: date, planned: date | None, end: date | None) -> str:
        if end:
            return PairStage.RESULT if self.chance(0.9) else PairStage.REFLECTION
        if planned is None or planned < self.today:
            return PairStage.IMPLEMENTATION if self.chance(0.6) else PairStage.REFLECTION
        done = (self.today - entry).days / max(1, (planned - entry).days)
        return (
            PairStage.PREPARATION
            if done < 0.1
            else PairStage.DESIGN
            if done < 0.25
            else PairStage.IMPLEMENTATION
            if done < 0.8
            else PairStage.REFLECTION
        )

    def meetings(self, pair: MentoringPair) -> list[Meeting]:
        if not self.max_meetings or not self.refs.meeting_kinds:
            return []
        last = pair.end_date or self.today
        count = self.rng.randint(0, self.max_meetings)
        kinds = self.refs.meeting_kinds
        days = sorted(self.day_between(pair.entry_date, last) for _ in range(count))
        made = []
        for n, day in enumerate(days):
            final = pair.end_date is not None and n == count - 1
            kind = kinds[-1] if final else kinds[min(n, len(kinds) - 2)]
            made.append(
                Meeting(
                    pair=pair,
                    date=day,
                    kind_id=kind,
                    note=self.rng.choice(MEETING_NOTES),
                    feedback="Наставляемый доволен, цели понятны" if self.chance(0.3) else "",
                )
            )
        return made

    def programs(self, organisation: Organisation) -> list[MentoringProgram]:
        """A program for most school years of the period, saved (the pairs need their keys)."""
        made = [
            MentoringProgram(
                organisation=organisation,
                version=1,
                start_date=date(year, 9, 1),
                end_date=date(year + 1, 5, 31),
                name=f"Программа наставничества {self.rng.choice(PROGRAM_NAMES)} на {year}–{year + 1} учебный год",
                description="Утверждена приказом руководителя образовательной организации." if self.chance(0.5) else "",
            )
            for year in range(self.school_year - self.years + 1, self.school_year + 1)
            if self.chance(0.9)
        ]
        return MentoringProgram.objects.bulk_create(made, batch_size=BATCH)

    def consent(self, person: Person) -> Consent | None:
        """Most people's consent; a minor's from a parent (same surname) or a guardian; a few withdrawn."""
        rng = self.rng
        minor = self.year - person.birth_year < ADULT_AGE
        if not self.chance(0.88 if minor else 0.75):
            return None
        given = self.day_between(self.today - timedelta(days=self.years * 365), self.today)
        consent = Consent(person=person, given_on=given, version=1, given_by=ConsentGiver.SELF)
        if minor:
            relation = rng.choices(["мать", "отец", "опекун"], weights=[70, 25, 5])[0]
            female = relation == "мать" or (relation == "опекун" and self.chance(0.7))
            if relation == "опекун":
                consent.representative_name = self.full_name(female)
            else:
                i = SURNAME_INDEX[person.last_name]
                consent.representative_name = (
                    f"{LAST_F[i]} {rng.choice(FIRST_F)} {rng.choice(MIDDLE_F)}"
                    if female
                    else f"{LAST_M[i]} {rng.choice(FIRST_M)} {rng.choice(MIDDLE_M)}"
                )
            consent.given_by = ConsentGiver.REPRESENTATIVE
            consent.representative_relation = relation
        if self.chance(0.02):
            consent.withdrawn_on = self.day_between(given, self.today)
        if self.chance(0.3):
            consent.note = "Подлинник хранится в личном деле"
        return consent

    # --- one organisation ---------------------------------------------------------------------------

    def fill(self, organisation: Organisation, people_count: int, pairs_count: int) -> None:
        rng = self.rng
        mix = CATEGORY_MIX[organisation.kind]
        categories = rng.choices([c for c, _ in mix], weights=[w for _, w in mix], k=people_count)
        people = [self.person(organisation, category) for category in categories]
        program_rows = self.programs(organisation)
        programs = {p.start_date.year: p.pk for p in program_rows}

        plan, load = self.pairs_for(organisation, people, pairs_count, programs)
        in_active, mentored = set(), set()
        for i in sorted({mentor for _, mentor, _, _ in plan}):
            self.mentor_facts(people[i], load[i])
        for pair, mentor, mentees, _ in plan:
            mentored.update(mentees)
            if pair.end_date is None:
                in_active.update(mentees)
                in_active.add(mentor)
        for i in sorted(mentored):
            if self.chance(0.92):
                people[i].main_request = rng.choice(REQUESTS["student" if people[i].category == S else "staff"])
        for i, person in enumerate(people):
            if i not in in_active and self.chance(0.02):
                day = self.day_between(self.today - timedelta(days=365), self.today)
                person.archived_at = datetime.combine(day, dt_time(12), tzinfo=timezone.get_current_timezone())
                person.archive_reason = rng.choice(
                    ["выбыл(а) из организации", "завершил(а) обучение", "уволился(ась)", "отзыв согласия"]
                )
        Person.objects.bulk_create(people, batch_size=BATCH)

        consents = [consent for person in people if (consent := self.consent(person))]
        Consent.objects.bulk_create(consents, batch_size=BATCH)

        pairs = [pair for pair, *_ in plan]
        for pair, mentor, _, _ in plan:
            pair.mentor = people[mentor]
        MentoringPair.objects.bulk_create(pairs, batch_size=BATCH)

        used_formats = {(pair.program_id, pair.format_id) for pair in pairs if pair.program_id}
        Through = MentoringProgram.formats.through
        Through.objects.bulk_create(
            [Through(mentoringprogram_id=p, mentoringformat_id=f) for p, f in sorted(used_formats)],
            batch_size=BATCH,
        )

        participations, meetings = [], []
        for pair, mentor, mentees, key in plan:
            facts = {  # as registry.services.pairs.participation_facts(pair)
                "organisation_id": pair.organisation_id,
                "mentor_id": pair.mentor_id,
                "mentor_category": people[mentor].category,
                "format_id": pair.format_id,
                "participants": pair.format.participants,
                "active": pair.end_date is None,
            }
            for i in mentees:
                mentee = people[i]
                row = PairMentee(
                    pair=pair,
                    mentee=mentee,
                    mentee_organisation_id=mentee.organisation_id,
                    mentee_category=mentee.category,
                    **facts,
                )
                if pair.end_date:
                    row.completion_mark = rng.choices(
                        [CompletionMark.PASSED, CompletionMark.NOT_PASSED, ""], weights=[80, 12, 8]
                    )[0]
                    if self.chance(0.8):
                        row.results = self.pick(RESULTS["student" if mentee.category == S else "staff"])
                    if self.chance(0.3):
                        row.feedback_url = f"https://{organisation.code}.example.ru/otzyv/{rng.randint(1, 99999)}"
                if key == "tt" and (mentee.is_young_teacher or mentee.is_young_specialist):
                    row.iom_built = self.chance(0.6)
                participations.append(row)
            meetings += self.meetings(pair)
        PairMentee.objects.bulk_create(participations, batch_size=BATCH)
        Meeting.objects.bulk_create(meetings, batch_size=BATCH)

        self.counts.update(
            people=len(people),
            consents=len(consents),
            programs=len(program_rows),
            pairs=len(pairs),
            groups=sum(1 for p in plan if len(p[2]) > 1),
            participations=len(participations),
            meetings=len(meetings),
        )
        self.counts["completed"] += sum(1 for p in pairs if p.end_date)

    # --- the whole region ---------------------------------------------------------------------------

    def run(self, departments: int, organisations: int, people: int, pairs: int) -> None:
        self.stems = self.rng.sample(STEMS, len(STEMS))
        made = []
        for n in range(1, departments + 1):
            department = self.department(n)
            made += [(department, o) for o in self.organisations(department, organisations)]
            self.counts["departments"] += 1
        self.counts["organisations"] = len(made)
        self.out.write(f"Муниципалитетов: {departments}, организаций: {len(made)}")

        weights = [SIZE_WEIGHTS[o.kind] * self.rng.uniform(0.6, 1.4) for _, o in made]
        people_by_org = apportion(people, weights)
        # Pairs go where people are; an organisation with fewer than two people can hold none.
        pair_weights = [
            n * (0.5 if o.kind == OrganisationKind.KINDERGARTEN else 1) if n >= 2 else 0
            for n, (_, o) in zip(people_by_org, made, strict=False)
        ]
        if pairs and not any(pair_weights):
            raise CommandError("Слишком мало участников для пар: нужно хотя бы двое в одной организации.")
        pairs_by_org = apportion(pairs, pair_weights)

        step = max(1, people // 10)
        next_report = step
        for (department, organisation), n_people, n_pairs in zip(made, people_by_org, pairs_by_org, strict=False):
            organisation.department = department
            self.fill(organisation, n_people, n_pairs)
            if self.counts["people"] >= next_report:
                self.progress(people, pairs)
                next_report = (self.counts["people"] // step + 1) * step
        if self.counts["pairs"] != pairs:  # cannot happen while every organisation with pairs has options
            raise CommandError(f"Создано пар: {self.counts['pairs']} вместо {pairs}.")
