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
    Person,
    RoleModel,
)
from registry.synthetic import extras
from registry.synthetic.pairing import Pairing
from registry.synthetic.people import Population
from registry.synthetic.words import (
    ADDITIONAL_TYPES,
    BATCH,
    CATEGORY_MIX,
    COLLEGE_TYPES,
    FIRST_F,
    FIRST_M,
    KIND_WEIGHTS,
    KINDERGARTEN_NAMES,
    LAST_F,
    LAST_M,
    MIDDLE_F,
    MIDDLE_M,
    REGIONS,
    REQUESTS,
    RESULTS,
    SIZE_WEIGHTS,
    STEMS,
    SUBJECT_COMPETENCIES,
    SUBJECT_REQUESTS,
    SUBJECTS,
    S,
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
    for extra in extras.registered():  # their rows point at the registry's
        extra.delete(departments)
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


class Generator(Population, Pairing):
    def __init__(self, command: BaseCommand, options: dict) -> None:
        self.out = command.stdout
        self.style = command.style
        self.seed = options["seed"]
        self.rng = random.Random(self.seed)
        # The subject requests and competencies the mentor suggestions match (suggestions/): a stream of its
        # own, so that the rest of a seed's region stays as it was.
        self.subject_rng = random.Random(f"{self.seed}-subjects")
        self.years = options["years"]
        self.max_meetings = options["meetings"]
        self.today = date.today()
        self.year = self.today.year
        self.school_year = self.year if self.today.month >= 9 else self.year - 1
        self.refs = Formats()
        self.counts = Counter()
        self.made: list[tuple[str, int]] = []  # what the apps above the registry added (synthetic/extras.py)
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

    def subject_facts(self, people: list, mentored: set[int]) -> None:
        """Requests and competencies that overlap as real ones do: «подготовка к ОГЭ по математике» and «учитель
        математики, эксперт ОГЭ». Some mentors name their subject; some pupils and young teachers without a
        pair state a request (the mentees a proposal of pairs is for)."""
        rng = self.subject_rng
        for i, person in enumerate(people):
            subject = rng.choice(SUBJECTS)
            draw = rng.random()
            if person.competencies and draw < 0.5:
                side = "student" if person.category == S else "staff"
                person.competencies = f"{SUBJECT_COMPETENCIES[side].format(*subject)}, {person.competencies}"
            elif i not in mentored and not person.main_request and draw < 0.08:
                if person.category == S:
                    person.main_request = rng.choice(SUBJECT_REQUESTS["student"]).format(*subject)
                elif person.is_young_specialist or person.is_young_teacher:
                    person.main_request = rng.choice(SUBJECT_REQUESTS["staff"]).format(*subject)

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
        self.subject_facts(people, mentored)
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
        departments = sorted({department.pk for department, _ in made})
        for extra in extras.registered():
            self.made += extra.fill(departments, self.today)
