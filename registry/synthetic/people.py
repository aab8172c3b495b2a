"""The synthetic region's people: a person of a category with plausible facts (a mentor's competencies
and time, a student's class), the organisation's programs, and consents — a minor's from a parent or a
guardian, a few withdrawn. A mixin of `Generator` (registry/synthetic/generator.py)."""

from __future__ import annotations

from datetime import date, timedelta

from common.text import normalise
from registry.models import (
    Consent,
    ConsentGiver,
    MentoringProgram,
    Organisation,
    OrganisationKind,
    Person,
)
from registry.models.people import ADULT_AGE, STAFF_CATEGORIES
from registry.synthetic.words import (
    ACHIEVEMENTS,
    BATCH,
    CLUBS,
    COMPETENCIES,
    CS,
    EM,
    EMPLOYERS,
    FIRST_F,
    FIRST_M,
    INTERESTS,
    LAST_F,
    LAST_M,
    MIDDLE_F,
    MIDDLE_M,
    PROGRAM_NAMES,
    SPECIALITIES,
    STAFF_POSITIONS,
    SUBJECTS,
    SURNAME_INDEX,
    TIME_RESOURCES,
    UNIVERSITIES,
    S,
    T,
    W,
)


class Population:
    """Needs the generator's `rng`, `today`, `chance`, `pick`, `day_between` and `full_name`."""

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
