"""The score of a mentor for a mentee, and its reasons.

Each part is a number from 0 to 1; the score is their weighted mean (the department's `Weights`) times
100. The parts:

- the request against the competencies, the achievements and the interests: the share of the request's
  lemmas found in each (so «подготовка к ОГЭ по математике» and «эксперт ОГЭ, учитель математики» share
  «огэ» and «математика»: 2 of 3);
- the subject: the share of the mentee's position lemmas found in the mentor's position and competencies
  («учитель математики» and «учитель математики»: «математика»);
- the age: 1 inside the mentor's desired ages, one third less for each year outside, ½ when either is
  not known;
- the same school: 1 or 0;
- the load: the share of the mentor's capacity still free.

The whole matrix (mentees × mentors) is computed with numpy in one pass, the text parts as sparse
products of the people's lemma sets; `reasons` names what made one mentor's score.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from common.russian import counted
from suggestions.profiles import Mentors, Reading

PARTS = ("request_competencies", "request_achievements", "request_interests", "subject", "age", "same_school", "load")
AGE_STEP = 3  # years outside the desired ages at which the age part reaches 0
UNKNOWN_AGE = 0.5


def _found(stored: list[str], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    """Which words of the vocabulary each stored lemma string holds (vocabulary × people), found by numpy's
    vectorised substring search: no set is built for the people's words."""
    padded = np.array([f" {value} " for value in stored]) if stored else np.array([], dtype=str)
    rows, cols = [], []
    for word, j in vocabulary.items():
        holders = np.flatnonzero(np.char.find(padded, f" {word} ") >= 0)
        rows.append(np.full(len(holders), j))
        cols.append(holders)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    col = np.concatenate(cols) if cols else np.zeros(0, np.int64)
    data = np.ones(len(row), dtype=np.float32)
    return sparse.csr_matrix((data, (row, col)), shape=(len(vocabulary), len(stored)), dtype=np.float32)


def _incidence(sets: list[frozenset[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    rows, cols = [], []
    for i, words in enumerate(sets):
        for word in words:
            j = vocabulary.get(word)
            if j is not None:
                rows.append(i)
                cols.append(j)
    data = np.ones(len(rows), dtype=np.float32)
    return sparse.csr_matrix((data, (rows, cols)), shape=(len(sets), len(vocabulary)), dtype=np.float32)


def _share(found: sparse.csr_matrix, asked: np.ndarray) -> np.ndarray:
    """Found counts (sparse, m × n) divided by each row's number of asked words (0 when none)."""
    counts = found.toarray()
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(asked[:, None] > 0, counts / np.maximum(asked, 1)[:, None], 0).astype(np.float32)


class Scorer:
    """Scores of a set of mentors for the mentees whose words are `asked` (their requests' and positions'
    lemmas): the mentors' side is prepared once, for those words only."""

    def __init__(self, mentors: Mentors, weights: dict[str, int], year: int, asked: set[str]) -> None:
        self.mentors = mentors
        self.weights = weights
        self.year = year
        self.total_weight = float(sum(weights[part] for part in PARTS))
        vocabulary = {word: j for j, word in enumerate(sorted(asked))}
        self.vocabulary = vocabulary
        stored = mentors.stored
        self.competencies = _found(stored["competencies"], vocabulary)
        self.achievements = _found(stored["achievements"], vocabulary)
        self.interests = _found(stored["interests"], vocabulary)
        subjects = [f"{p} {c}" for p, c in zip(stored["position"], stored["competencies"], strict=True)]
        self.subjects = _found(subjects, vocabulary)
        ranges = mentors.age_range
        self.low = np.array([r[0] if r else -1 for r in ranges], dtype=np.float32)
        self.high = np.array([r[1] if r else -1 for r in ranges], dtype=np.float32)
        self.has_range = np.array([r is not None for r in ranges], dtype=bool)
        self.organisation = np.array(mentors.organisation_id, dtype=np.int64)
        capacity = np.array(mentors.capacity, dtype=np.float32)
        free = np.maximum(capacity - np.array(mentors.load, dtype=np.float32), 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            self.free_share = np.where(capacity > 0, free / np.maximum(capacity, 1), 0).astype(np.float32)

    def matrix(self, mentees: list[Reading]) -> np.ndarray:
        """Scores (0–100), mentees × mentors, float32."""
        w = self.weights
        shape = (len(mentees), len(self.mentors))
        if not self.total_weight or not mentees or not self.mentors:
            return np.zeros(shape, dtype=np.float32)
        score = np.zeros(shape, dtype=np.float32)
        requests = _incidence([m.request for m in mentees], self.vocabulary)
        asked = np.array([len(m.request) for m in mentees], dtype=np.float32)
        for part, side in (
            ("request_competencies", self.competencies),
            ("request_achievements", self.achievements),
            ("request_interests", self.interests),
        ):
            if w[part]:
                score += w[part] * _share(requests @ side, asked)
        if w["subject"]:
            positions = _incidence([m.position for m in mentees], self.vocabulary)
            named = np.array([len(m.position) for m in mentees], dtype=np.float32)
            score += w["subject"] * _share(positions @ self.subjects, named)
        if w["age"]:
            ages = np.array([m.age(self.year) or -1 for m in mentees], dtype=np.float32)[:, None]
            outside = np.maximum(np.maximum(self.low[None, :] - ages, ages - self.high[None, :]), 0)
            fit = np.clip(1 - outside / AGE_STEP, 0, 1)
            known = self.has_range[None, :] & (ages >= 0)
            score += w["age"] * np.where(known, fit, UNKNOWN_AGE).astype(np.float32)
        if w["same_school"]:
            schools = np.array([m.organisation_id for m in mentees], dtype=np.int64)[:, None]
            score += w["same_school"] * (schools == self.organisation[None, :]).astype(np.float32)
        if w["load"]:
            score += w["load"] * self.free_share[None, :]
        return score * np.float32(100 / self.total_weight)


def asked(mentees: list[Reading]) -> set[str]:
    """The words that can score: every lemma of the mentees' requests and positions."""
    return {word for m in mentees for field in ("request", "position") for word in m.words(field)}


def reasons(
    mentee: Reading, mentor: Reading, weights: dict[str, int], year: int, *, foreign: bool = False
) -> list[str]:
    """Why this mentor: the matched words in their dictionary form, the age, the school, the load. For a
    mentor of another school (`foreign`) only what their competencies share with the request."""
    found: list[str] = []

    def words(label: str, part: str, theirs: frozenset[str], ours: frozenset[str]) -> None:
        common = sorted(ours & theirs)
        if weights[part] and common:
            found.append(f"{label}: {', '.join(common)}")

    words("Запрос и компетенции", "request_competencies", mentor.competencies, mentee.request)
    if foreign:
        return found
    words("Запрос и достижения", "request_achievements", mentor.achievements, mentee.request)
    words("Запрос и интересы", "request_interests", mentor.interests, mentee.request)
    words("Тот же предмет", "subject", mentor.position | mentor.competencies, mentee.position)
    age = mentee.age(year)
    if weights["age"] and mentor.age_range and age is not None:
        low, high = mentor.age_range
        wished = f"{low}–{high}" if high < 120 else f"от {low}"
        where = "в желаемом" if low <= age <= high else "вне желаемого"
        found.append(f"Возраст {counted(age, 'год', 'года', 'лет')} — {where} ({wished})")
    if weights["same_school"] and mentee.organisation_id == mentor.organisation_id:
        found.append("Та же организация")
    if weights["load"]:
        found.append(f"Нагрузка: ведёт {mentor.load} из {mentor.capacity}")
    return found
