"""The report's section «Мониторинг влияния программ наставничества»: the growth of the participants of the
department's pairs that entered the program in the report's years (influence/aggregates.py), the quality
of the process per school and the outcomes of these pairs' mentees by school year, with the texts both
formats share.

The lead counts the participants with both questionnaires («до» и «после»): one stored growth line each
(`both_questionnaires`), exactly, whichever groups their questionnaires measured.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from common.russian import counted, plural
from influence.aggregates import (
    GrowthRow,
    OutcomeRow,
    QualityRow,
    both_questionnaires,
    growth_table,
    merge,
    outcome_summary,
    process_quality,
)
from influence.models import Role
from monitoring.charts import format_number

SECTION_TITLE = "Мониторинг влияния программ наставничества"
QUALITY_TITLE = "Качество процесса"
OUTCOMES_TITLE = "Результаты наставляемых"
NO_OUTCOMES = (
    "Результаты наставляемых пар этих лет (ВПР, ОГЭ, ЕГЭ, средний балл, олимпиады) не внесены: их вносят на "
    "странице «Анкеты» карточки пары или загружают для всей организации из файла Excel по ссылке «из Excel» "
    "на той же странице."
)
OUTCOMES_NOTE = (
    "Наставляемые пар, вступивших в программу в годы справки, по учебным годам. Доля сдавших — среди тех, кто "
    "писал ВПР или сдавал ОГЭ, ЕГЭ («—»: никто не сдавал); средний балл — у наставляемых, у которых внесены оба "
    "балла, до и после; изменение — среднее их разниц."
)
NO_QUALITY = (
    "Анкеты о качестве процесса наставничества по парам этих лет не внесены: их заполняют наставляемые, "
    "ответы вносятся на странице «Анкеты» карточки пары."
)
CHANGE_FORMAT = "+0.00;-0.00;0.00"  # XLSX: the average change with its sign
AVERAGE_FORMAT = "0.00"
GROWTH_NOTE = (
    "Изменение — средний балл анкеты «по завершении программы» минус средний балл анкеты «до начала "
    "программы» по вопросам группы роста (шкала 1–10), в среднем по участникам; улучшили — участники, у "
    "которых изменение больше нуля. Учтены участники, у которых есть обе анкеты; год — год вступления пары "
    "в программу."
)


@dataclass
class InfluenceSection:
    years_text: str  # «в 2023–2024 годах», «в 2024 году»
    growth: list[GrowthRow]
    quality: list[QualityRow]
    participants: dict[str, int]  # with both questionnaires, by role (every Role's value)
    outcomes: list[OutcomeRow]

    @property
    def lead(self) -> str:
        """The section's first sentence: how many participants have both questionnaires, or what to do."""
        by_role = self.participants
        total = sum(by_role.values())
        if not total:
            return (
                f"Ни у одного участника наставнических пар, вступивших в программу {self.years_text}, нет обеих "
                "анкет мониторинга влияния — до начала программы и по её завершении, поэтому рост участников "
                "не рассчитан. Внесите анкеты на странице «Анкеты» карточки каждой пары (с бумажных бланков или "
                "по ссылке, отправленной участнику), и раздел заполнится при следующем формировании справки."
            )
        parts = []
        if by_role[Role.MENTOR]:
            parts.append(counted(by_role[Role.MENTOR], "наставник", "наставника", "наставников"))
        if by_role[Role.MENTEE]:
            parts.append(counted(by_role[Role.MENTEE], "наставляемый", "наставляемых", "наставляемых"))
        people = plural(total, "участника", "участников", "участников")
        return (
            f"Обе анкеты мониторинга влияния — до начала программы и по её завершении — есть у {total} {people} "
            f"наставнических пар, вступивших в программу {self.years_text}: {' и '.join(parts)}."
        )

    def by_role_and_group(self) -> list[tuple[str, list[tuple[str, Decimal | None]]]]:
        """The charts' bars: per role (mentors, mentees, those present), the average change of each growth
        group over all years and forms."""
        summed = merge(
            [GrowthRow(0, "", row.role, row.group, row.participants, row.change_sum, row.improved)]
            for row in self.growth
        )
        charts: dict[str, list[tuple[str, Decimal | None]]] = {}
        for row in summed:
            charts.setdefault(_ROLE_PLURAL[row.role], []).append((row.group_label, row.average_change))
        return list(charts.items())


_ROLE_PLURAL = {Role.MENTOR.value: "Наставники", Role.MENTEE.value: "Наставляемые"}


def years_text(years: list[int]) -> str:
    """«в 2024 году», «в 2023–2024 годах», «в 2021, 2023 годах»."""
    if len(years) == 1:
        return f"в {years[0]} году"
    if years == list(range(years[0], years[-1] + 1)):
        return f"в {years[0]}–{years[-1]} годах"
    return f"в {', '.join(map(str, years))} годах"


def build_influence(organisation_ids: Iterable[int], years: list[int]) -> InfluenceSection:
    """The section for these organisations (the report's department) and years: a few queries, any size."""
    organisation_ids = list(organisation_ids)
    return InfluenceSection(
        years_text=years_text(years),
        growth=growth_table(organisation_ids, years),
        quality=process_quality(organisation_ids, years),
        participants=both_questionnaires(organisation_ids, years),
        outcomes=outcome_summary(organisation_ids, entry_years=years),
    )


def signed(value: Decimal | None) -> str:
    """An average change as read: «+0,67», «−0,5», «0»; «нет данных» when there is none."""
    text = format_number(value, decimals=2)
    return "+" + text if value is not None and value > 0 else text
