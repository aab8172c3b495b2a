"""The eight indicators: titles as municipalities publish them, and what exactly each one counts.

Each share-indicator counts people of a `Population` (a category, a flag, an age) who took part
in mentoring in a role during the year, over one number of the contingent (monitoring.models).
The same `Population` gives the SQL of the table (figures.py) and the queryset of the drill-down,
so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from registry.models import PersonCategory
from registry.models.people import STAFF_CATEGORIES

PERCENT = "%"
PIECES = "шт."

# Roles a person counts in.
MENTEE = "mentee"  # a mentee of a pair active in the year
MENTOR = "mentor"  # the mentor of a pair active in the year
IOM = "iom"  # a mentee whose participation in a pair active in the year has «построен ИОМ»
ANY_ROLE = "any"  # mentee or mentor

STUDENT_AGES = (10, 18)


@dataclass(frozen=True)
class Population:
    """Who an indicator counts: people of these categories (with the flag, of these ages) in `role`."""

    categories: tuple[str, ...]
    role: str
    flag: str | None = None  # a boolean field of Person that must be set
    ages: tuple[int, int] | None = None  # year of the indicator − birth year, inclusive


@dataclass(frozen=True)
class Indicator:
    code: str
    number: int
    title: str
    unit: str  # "%" or "шт."
    definition: str  # Russian: what is counted, shown on the page under the table
    target: Decimal | None = None  # the goal, for the national target (≥ 70 %)
    contingent_field: str | None = field(default=None, compare=False, repr=False)
    population: Population | None = field(default=None, compare=False, repr=False)

    @property
    def is_share(self) -> bool:
        return self.unit == PERCENT

    @property
    def needs_contingent(self) -> bool:
        return self.contingent_field is not None


# --- The rules every definition shares ------------------------------------------------------------

ACTIVE_RULE = (
    "Пара (группа) действует в году, если дата вхождения в программу — не позже 31 декабря этого года, "
    "а дата завершения не указана или не раньше 1 января. Человек учитывается в году, если хотя бы одна "
    "его пара действовала в этом году, и считается один раз, сколько бы пар у него ни было. Завершённые "
    "пары и участники, переведённые в архив, учитываются в тех годах, когда пары действовали: итоги "
    "прошлых лет не меняются, когда пара завершается позже. Категория, отметки и год рождения берутся "
    "из карточки участника в реестре; человек относится к организации, в базе которой он ведётся."
)
AGE_RULE = "Возраст — год показателя минус год рождения; участники без года рождения не учитываются."
CONTINGENT_RULE = (
    "Знаменатель — сумма контингента организаций, сдавших его за этот год (число заполнено); числитель "
    "считается только по этим же организациям, чтобы доля не завышалась за счёт организаций без "
    "контингента. Рядом указывается, сколько организаций сдали контингент. Если не сдала ни одна, "
    "значение не рассчитывается (а не 0 % и не 100 %)."
)


def _definition(*parts: str) -> str:
    return " ".join(parts)


INDICATORS: list[Indicator] = [
    Indicator(
        code="orgs_share",
        number=1,
        title="Доля ОО, реализующих систему наставничества",
        unit=PERCENT,
        definition=_definition(
            "Числитель — образовательные организации муниципалитета, в которых в году действовала хотя бы "
            "одна наставническая пара или группа. Знаменатель — все образовательные организации "
            "муниципалитета в реестре, по нынешнему их списку (контингент для этого показателя не нужен).",
            "Пара (группа) действует в году, если дата вхождения в программу — не позже 31 декабря этого "
            "года, а дата завершения не указана или не раньше 1 января; завершённые пары учитываются в "
            "тех годах, когда действовали.",
        ),
    ),
    Indicator(
        code="programs_count",
        number=2,
        title="Количество программ наставничества, реализуемых в муниципалитете",
        unit=PIECES,
        definition=(
            "Программы наставничества организаций муниципалитета, действовавшие в году: начало — не позже "
            "31 декабря этого года, окончание не указано или не раньше 1 января. Каждая программа "
            "считается один раз, сколько бы пар в ней ни было."
        ),
    ),
    Indicator(
        code="students_mentees_share",
        number=3,
        title=(
            "Доля обучающихся в возрасте от 10 до 18 лет, вошедших в программы наставничества в роли наставляемого, %"
        ),
        unit=PERCENT,
        definition=_definition(
            "Числитель — обучающиеся (категория «Обучающийся») в возрасте от 10 до 18 лет включительно, "
            "которые были наставляемыми в паре или группе, действовавшей в году. Знаменатель — обучающиеся "
            "в возрасте от 10 до 18 лет по контингенту.",
            AGE_RULE,
            ACTIVE_RULE,
            CONTINGENT_RULE,
        ),
        contingent_field="students_10_18",
        population=Population((PersonCategory.STUDENT,), MENTEE, ages=STUDENT_AGES),
    ),
    Indicator(
        code="students_mentors_share",
        number=4,
        title=("Доля обучающихся в возрасте от 10 до 18 лет, вошедших в программы наставничества в роли наставника, %"),
        unit=PERCENT,
        definition=_definition(
            "Числитель — обучающиеся (категория «Обучающийся») в возрасте от 10 до 18 лет включительно, "
            "которые были наставниками пары или группы, действовавшей в году (наставник относится к своей "
            "организации, даже если ведёт пару другой). Знаменатель — обучающиеся в возрасте от 10 до 18 "
            "лет по контингенту.",
            AGE_RULE,
            ACTIVE_RULE,
            CONTINGENT_RULE,
        ),
        contingent_field="students_10_18",
        population=Population((PersonCategory.STUDENT,), MENTOR, ages=STUDENT_AGES),
    ),
    Indicator(
        code="young_specialists_mentees_share",
        number=5,
        title="Доля учителей – молодых специалистов, вошедших в программы наставничества в роли наставляемого, %",
        unit=PERCENT,
        definition=_definition(
            "Числитель — педагоги и работники ОО с отметкой «молодой специалист», которые были "
            "наставляемыми в паре или группе, действовавшей в году. Знаменатель — учителя – молодые "
            "специалисты по контингенту.",
            ACTIVE_RULE,
            CONTINGENT_RULE,
        ),
        contingent_field="young_specialists",
        population=Population(STAFF_CATEGORIES, MENTEE, flag="is_young_specialist"),
    ),
    Indicator(
        code="teachers_mentors_share",
        number=6,
        title="Доля учителей, вошедших в программы наставничества в роли наставников, %",
        unit=PERCENT,
        definition=_definition(
            "Числитель — педагоги (категория «Педагог»), которые были наставниками пары или группы, "
            "действовавшей в году (наставник относится к своей организации, даже если ведёт пару другой). "
            "Знаменатель — учителя всего по контингенту.",
            ACTIVE_RULE,
            CONTINGENT_RULE,
        ),
        contingent_field="teachers",
        population=Population((PersonCategory.TEACHER,), MENTOR),
    ),
    Indicator(
        code="young_specialists_iom_share",
        number=7,
        title=("Доля молодых педагогов, получивших адресную методическую поддержку в разработке и реализации ИОМ, %"),
        unit=PERCENT,
        definition=_definition(
            "Числитель — педагоги и работники ОО с отметкой «молодой специалист», у которых в участии "
            "наставляемого в паре или группе, действовавшей в году, отмечено «построен ИОМ». Знаменатель — "
            "учителя – молодые специалисты по контингенту.",
            ACTIVE_RULE,
            CONTINGENT_RULE,
        ),
        contingent_field="young_specialists",
        population=Population(STAFF_CATEGORIES, IOM, flag="is_young_specialist"),
    ),
    Indicator(
        code="young_teachers_share",
        number=8,
        title=(
            "Доля педагогов в возрасте до 35 лет в первые три года работы, вовлечённых в различные формы "
            "наставничества, %"
        ),
        unit=PERCENT,
        definition=_definition(
            "Национальная цель: не менее 70 %. Числитель — педагоги и работники ОО с отметкой «педагог до "
            "35 лет, первые три года работы», которые в году были наставниками или наставляемыми в "
            "действовавшей паре или группе любой формы. Знаменатель — педагоги до 35 лет в первые три года "
            "работы по контингенту.",
            ACTIVE_RULE,
            CONTINGENT_RULE,
        ),
        target=Decimal("70"),
        contingent_field="young_teachers",
        population=Population(STAFF_CATEGORIES, ANY_ROLE, flag="is_young_teacher"),
    ),
]

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}
PEOPLE_INDICATORS = [indicator for indicator in INDICATORS if indicator.population is not None]


def get_indicator(code: str) -> Indicator:
    try:
        return BY_CODE[code]
    except KeyError:
        raise KeyError(f"Нет показателя «{code}».") from None
