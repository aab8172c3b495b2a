"""Changing practices: saving one with its pairs, the transitions draft → submitted → approved → published
(and back «на доработку», and off the public page), and its files. Each in the request's transaction, the
practice's row locked for a transition, every transition recorded as a `PracticeStep`."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from common.files.uploads import UploadRefused, check_document
from practices import names
from practices.models import (
    FILE_EXTENSIONS,
    FILE_MAX_BYTES,
    MAX_FILES,
    Practice,
    PracticeFile,
    PracticePair,
    PracticeStep,
)
from practices.models import PracticeState as S
from registry.models import MentoringPair, Organisation, User

ACTIVE_PAIR = "Пара «{pair}» ещё не завершена: практика опирается только на результаты завершённых пар."
OTHER_SCHOOL_PAIR = "Пара «{pair}» — из другой организации: выберите пары организации практики."
OTHER_SCHOOL_PROGRAM = "Программа «{program}» — другой организации: выберите программу организации практики."
WRONG_STATE = "Практика сейчас в состоянии «{state}»: это действие невозможно. Обновите страницу."
COMMENT_NEEDED = "Напишите, что доработать: куратор увидит комментарий."
NAMES_FOUND = (
    "Публикация невозможна: в названии, описании или именах файлов есть фамилии людей из реестра "
    "({words}). Исправьте текст или переименуйте файлы и опубликуйте снова."
)


def check_pairs(organisation: Organisation, pairs: Iterable[MentoringPair]) -> None:
    """Refuse (ValidationError) a pair still active or of another organisation."""
    errors = []
    for pair in pairs:
        if pair.organisation_id != organisation.pk:
            errors.append(OTHER_SCHOOL_PAIR.format(pair=pair))
        elif pair.end_date is None:
            errors.append(ACTIVE_PAIR.format(pair=pair))
    if errors:
        raise ValidationError(errors)


def check_program(practice: Practice) -> None:
    program = practice.program if practice.program_id is not None else None
    if program is not None and program.organisation_id != practice.organisation_id:
        raise ValidationError({"program": OTHER_SCHOOL_PROGRAM.format(program=program)})


def save_practice(practice: Practice, pairs: Iterable[MentoringPair] | None, *, user: User) -> Practice:
    """Save the practice (a new one as a draft by `user`) and, when given, set its pairs."""
    check_program(practice)
    if pairs is not None:
        pairs = list(pairs)
        check_pairs(practice.organisation, pairs)
    if practice.pk is None:
        practice.created_by = user
        practice.state = S.DRAFT
    elif practice.state == S.PUBLISHED:
        raise ValidationError(WRONG_STATE.format(state=S.PUBLISHED.label))
    practice.save()
    if pairs is not None:
        PracticePair.objects.filter(practice=practice).exclude(pair__in=pairs).delete()
        have = set(PracticePair.objects.filter(practice=practice).values_list("pair_id", flat=True))
        PracticePair.objects.bulk_create(
            [PracticePair(practice=practice, pair=pair) for pair in pairs if pair.pk not in have]
        )
    elif practice.organisation_id is not None:
        # The school changed: pairs of the former school no longer belong to the practice.
        PracticePair.objects.filter(practice=practice).exclude(pair__organisation_id=practice.organisation_id).delete()
    return practice


@transaction.atomic
def _move(practice: Practice, allowed: tuple[str, ...], to: str, *, user: User, comment: str = "") -> Practice:
    locked = Practice.objects.select_for_update().get(pk=practice.pk)
    if locked.state not in allowed:
        raise ValidationError(WRONG_STATE.format(state=locked.get_state_display()))
    step = PracticeStep(practice=locked, from_state=locked.state, to_state=to, user=user, comment=comment)
    locked.state = to
    if to == S.PUBLISHED:
        locked.published_at = timezone.now()
    elif locked.published_at is not None and to != S.PUBLISHED:
        locked.published_at = None
    if to == S.DRAFT:
        locked.return_comment = comment
    elif to == S.SUBMITTED:
        locked.return_comment = ""
    locked.save()
    step.save()
    return locked


def submit(practice: Practice, *, user: User) -> Practice:
    """The curator (or a methodist) sends the draft to the methodist."""
    return _move(practice, (S.DRAFT,), S.SUBMITTED, user=user)


def return_to_draft(practice: Practice, comment: str, *, user: User) -> Practice:
    """«На доработку»: the methodist sends a submitted or approved practice back with a comment."""
    if not comment.strip():
        raise ValidationError(COMMENT_NEEDED)
    return _move(practice, (S.SUBMITTED, S.APPROVED), S.DRAFT, user=user, comment=comment.strip())


def approve(practice: Practice, *, user: User) -> Practice:
    return _move(practice, (S.SUBMITTED,), S.APPROVED, user=user)


def publish(practice: Practice, *, user: User) -> Practice:
    """Put an approved practice on the department's public page; refused while its public texts name
    anyone of the registry (names.findings: what the methodist was shown on the confirmation step)."""
    found = names.findings(practice)
    if found:
        words = ", ".join(f"«{f.word}»" for f in found[:10])
        raise ValidationError(NAMES_FOUND.format(words=words))
    return _move(practice, (S.APPROVED,), S.PUBLISHED, user=user)


def unpublish(practice: Practice, *, user: User) -> Practice:
    """Off the public page, back to approved: the methodist may edit it and publish again."""
    return _move(practice, (S.PUBLISHED,), S.APPROVED, user=user)


# --- files -------------------------------------------------------------------------------------------


def check_file(upload: UploadedFile) -> str:
    """The upload's name as the user gave it, or UploadRefused (the gate every stored document passes)."""
    return check_document(
        upload, extensions=FILE_EXTENSIONS, max_bytes=FILE_MAX_BYTES, advice="Сожмите его или разделите."
    )


@transaction.atomic
def add_file(practice: Practice, upload: UploadedFile, *, user: User) -> PracticeFile:
    name = check_file(upload)
    Practice.objects.select_for_update().filter(pk=practice.pk).first()
    if PracticeFile.objects.filter(practice=practice).count() >= MAX_FILES:
        raise UploadRefused(f"У практики уже {MAX_FILES} файлов: удалите лишние.")
    practice_file = PracticeFile(practice=practice, original_name=name, uploaded_by=user)
    practice_file.file.save(name, upload, save=False)
    try:
        practice_file.full_clean(exclude=["practice", "uploaded_by"])
        practice_file.save()
    except Exception:
        practice_file.file.delete(save=False)
        raise
    return practice_file


def delete_file(practice_file: PracticeFile) -> None:
    stored = practice_file.file
    practice_file.delete()
    transaction.on_commit(lambda: stored.delete(save=False))
