"""The report's section «Обучение наставников, мероприятия и банк практик»: by year of the report, the mentors
trained and their hours (events of a training kind), the events by level with their participants and winners,
and the practices submitted, approved and published — counts grouped in the database by the events and practices
apps (events/aggregates.py, practices/aggregates.py), a fixed number of queries whatever the years.
"""

from __future__ import annotations

from dataclasses import dataclass

from events.aggregates import LevelCounts, TrainingSummary, events_by_year, training_by_year
from practices.aggregates import Counts, counts_by_year, published_now

SECTION_TITLE = "Обучение наставников, мероприятия и банк практик"
TRAINING_TITLE = "Обучение наставников"
EVENTS_TITLE = "Мероприятия по уровням"
PRACTICES_TITLE = "Банк лучших практик"
TRAINING_NOTE = (
    "Обученные наставники — люди (наставник пары, участвовавшей вместе, учтён сам), прошедшие курсы, семинары, "
    "школу молодого педагога и другие мероприятия вида «обучение», завершившиеся в этом году; часы — сумма "
    "указанных часов обучения."
)
NO_EVENTS = "Мероприятия этих лет в реестр не внесены: их вносят в разделе «Мероприятия»."
PRACTICES_NOTE = (
    "Практика учтена в году, когда её отправили на проверку, одобрили или опубликовали (каждая — один раз за "
    "каждый шаг)."
)


@dataclass
class MentorsYearSection:
    years: list[int]
    training: list[tuple[int, TrainingSummary]]
    events: list[tuple[int, LevelCounts]]  # (year, a level with events or participants)
    practices: list[tuple[int, Counts]]
    published_now: int

    @property
    def lead(self) -> str:
        trained = sum(summary.mentors_trained for _, summary in self.training)
        hours = sum(summary.hours for _, summary in self.training)
        held = sum(row.events for _, row in self.events)
        published = sum(counts.published for _, counts in self.practices)
        return (
            f"За {_years_text(self.years)}: обучено наставников — {trained}, часов обучения — {hours}; "
            f"мероприятий — {held}; опубликовано практик — {published}, на публичной странице сейчас — "
            f"{self.published_now}."
        )


def _years_text(years: list[int]) -> str:
    if len(years) == 1:
        return f"{years[0]} год"
    return f"{years[0]}–{years[-1]} годы"


def build_mentors_year(department_ids: list[int], years: list[int]) -> MentorsYearSection:
    training = training_by_year(department_ids, years)
    events = events_by_year(department_ids, years)
    practices = counts_by_year(department_ids, years)
    return MentorsYearSection(
        years=years,
        training=[(year, training[year]) for year in years],
        events=[(year, row) for year in years for row in events[year] if row.events or row.participants],
        practices=[(year, practices.get(year, Counts())) for year in years],
        published_now=published_now(department_ids),
    )
