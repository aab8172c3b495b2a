"""The bank of practices: a curator writes and submits, the methodist returns, approves and publishes;
a head reads only; another department finds nothing; linked pairs are completed pairs of the school."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from common.files.uploads import UploadRefused
from practices import aggregates, names, services
from practices.models import Practice, PracticeState, PracticeStep
from tests import factories
from tests.conftest import client_for

PDF = b"%PDF-1.4\n%%EOF\n"


def version_on(page: str) -> str:
    return re.search(r'name="version" value="([^"]+)"', page).group(1)


def test_the_whole_workflow_through_the_pages(world, practice):
    curator, methodist = client_for(world, "curator_a1"), client_for(world, "methodist_a")
    assert curator.post(reverse("practice_submit", args=[practice.pk])).status_code == 302
    practice.refresh_from_db()
    assert practice.state == PracticeState.SUBMITTED
    assert Practice.objects.filter(pk=practice.pk, state="submitted").exists()
    assert "Педагогическая мастерская" in methodist.get(reverse("practice_queue")).content.decode()

    # «на доработку» needs a comment; the curator sees it and may edit the draft again
    assert methodist.post(reverse("practice_return", args=[practice.pk]), {"comment": ""}).status_code == 200
    methodist.post(reverse("practice_return", args=[practice.pk]), {"comment": "Добавьте результаты."})
    practice.refresh_from_db()
    assert (practice.state, practice.return_comment) == (PracticeState.DRAFT, "Добавьте результаты.")
    assert "Добавьте результаты." in curator.get(reverse("practice_detail", args=[practice.pk])).content.decode()
    assert curator.get(reverse("practice_edit", args=[practice.pk])).status_code == 200

    curator.post(reverse("practice_submit", args=[practice.pk]))
    methodist.post(reverse("practice_approve", args=[practice.pk]))
    practice.refresh_from_db()
    assert practice.state == PracticeState.APPROVED
    # the curator may no longer edit what was sent; the methodist still may
    assert curator.get(reverse("practice_edit", args=[practice.pk])).status_code == 403
    assert methodist.get(reverse("practice_edit", args=[practice.pk])).status_code == 200

    assert methodist.get(reverse("practice_publish", args=[practice.pk])).status_code == 200
    methodist.post(reverse("practice_publish", args=[practice.pk]))
    practice.refresh_from_db()
    assert practice.state == PracticeState.PUBLISHED and practice.published_at is not None
    steps = list(PracticeStep.objects.filter(practice=practice).values_list("to_state", "user__username"))
    assert steps == [
        ("submitted", "curator_a1"),
        ("draft", "methodist_a"),
        ("submitted", "curator_a1"),
        ("approved", "methodist_a"),
        ("published", "methodist_a"),
    ]
    year = practice.published_at.year
    counts = aggregates.counts_by_year([world.department_a.pk])[year]
    assert (counts.submitted, counts.approved, counts.published) == (1, 1, 1)
    assert aggregates.counts_by_organisation([world.department_a.pk], year)[world.school_a1.pk].published == 1
    assert aggregates.published_now([world.department_a.pk]) == 1

    # published: nobody edits; the methodist unpublishes
    assert methodist.get(reverse("practice_edit", args=[practice.pk])).status_code == 403
    methodist.post(reverse("practice_unpublish", args=[practice.pk]))
    practice.refresh_from_db()
    assert practice.state == PracticeState.APPROVED and practice.published_at is None


def test_wrong_roles_are_refused_and_other_departments_find_nothing(world, practice):
    head, curator = client_for(world, "head_a"), client_for(world, "curator_a1")
    assert head.get(reverse("practice_detail", args=[practice.pk])).status_code == 200
    assert head.post(reverse("practice_submit", args=[practice.pk])).status_code == 403
    assert head.get(reverse("practice_edit", args=[practice.pk])).status_code == 403
    assert curator.post(reverse("practice_approve", args=[practice.pk])).status_code == 403
    assert curator.get(reverse("practice_publish", args=[practice.pk])).status_code == 403
    for persona in ("methodist_b", "curator_a2", "coordinator"):
        assert client_for(world, persona).get(reverse("practice_detail", args=[practice.pk])).status_code == 404
    # approving a draft is refused by the service, not silently done
    with pytest.raises(ValidationError):
        services.approve(practice, user=world.methodist_a)


def test_linked_pairs_are_completed_pairs_of_the_school(world, practice, completed_pair):
    active = factories.pair(
        factories.teacher(world.school_a1), [factories.teacher(world.school_a1)], format_name="учитель – учитель"
    )
    elsewhere = factories.pair(
        factories.teacher(world.school_a2),
        [factories.teacher(world.school_a2)],
        format_name="учитель – учитель",
        end_date=date(2026, 5, 30),
    )
    with pytest.raises(ValidationError, match="не завершена"):
        services.save_practice(practice, [active], user=world.curator_a1)
    with pytest.raises(ValidationError, match="другой организации"):
        services.save_practice(practice, [elsewhere], user=world.methodist_a)
    services.save_practice(practice, [completed_pair], user=world.curator_a1)
    assert list(practice.pairs.all()) == [completed_pair]

    # the form offers only the school's completed pairs, and refuses others sent anyway
    methodist = client_for(world, "methodist_a")
    page = methodist.get(reverse("practice_edit", args=[practice.pk])).content.decode()
    assert f'name="pairs" value="{completed_pair.pk}"' in page
    assert f'name="pairs" value="{active.pk}"' not in page
    data = {
        "title": practice.title,
        "format": practice.format_id,
        "description": practice.description,
        "pairs": [active.pk],
        "version": version_on(page),
    }
    response = methodist.post(reverse("practice_edit", args=[practice.pk]), data)
    assert response.status_code == 200
    assert list(practice.pairs.all()) == [completed_pair]


def test_a_stale_edit_is_refused(world, practice):
    curator = client_for(world, "curator_a1")
    page = curator.get(reverse("practice_edit", args=[practice.pk])).content.decode()
    data = {
        "title": "Новое название",
        "format": practice.format_id,
        "description": "Текст",
        "version": version_on(page),
    }
    Practice.objects.get(pk=practice.pk).save()  # someone else saved meanwhile
    response = curator.post(reverse("practice_edit", args=[practice.pk]), data)
    assert response.status_code == 200
    practice.refresh_from_db()
    assert practice.title == "Педагогическая мастерская"


def test_files_go_through_the_gate(world, practice):
    services.add_file(practice, SimpleUploadedFile("план.pdf", PDF), user=world.curator_a1)
    with pytest.raises(UploadRefused):
        services.add_file(practice, SimpleUploadedFile("вирус.pdf", b"MZ\x90\x00 not a pdf"), user=world.curator_a1)
    with pytest.raises(UploadRefused):
        services.add_file(practice, SimpleUploadedFile("page.html", b"<html></html>"), user=world.curator_a1)
    assert [f.original_name for f in practice.files.all()] == ["план.pdf"]
    file = practice.files.get()
    response = client_for(world, "curator_a1").get(reverse("practice_file", args=[file.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert client_for(world, "methodist_b").get(reverse("practice_file", args=[file.pk])).status_code == 404


def test_a_surname_in_any_case_is_found_before_publishing(world, practice, completed_pair):
    practice.description = "Практику вела Ласточкиной В. И. вместе с коллегой; помогли Соловьёву."
    practice.title = "Опыт ЛАСТОЧКИНОЙ"
    practice.save()
    services.add_file(practice, SimpleUploadedFile("отчёт_ласточкина.pdf", PDF), user=world.curator_a1)
    services.submit(practice, user=world.curator_a1)
    services.approve(practice, user=world.methodist_a)
    found = names.findings(practice)
    words = {(f.where.split(" «")[0], f.word) for f in found}
    assert ("название", "ЛАСТОЧКИНОЙ") in words
    assert ("описание", "Ласточкиной") in words
    assert ("описание", "Соловьёву") in words
    assert ("имя файла", "ласточкина") in words
    assert any("Ласточкина В. И." in who for f in found for who in f.who)

    methodist = client_for(world, "methodist_a")
    page = methodist.get(reverse("practice_publish", args=[practice.pk])).content.decode()
    assert "Найдены фамилии людей из реестра" in page and "Соловьёву" in page
    methodist.post(reverse("practice_publish", args=[practice.pk]))
    practice.refresh_from_db()
    assert practice.state == PracticeState.APPROVED, "publishing is refused while a name is found"
    with pytest.raises(ValidationError, match="Публикация невозможна"):
        services.publish(practice, user=world.methodist_a)


def test_ordinary_words_are_not_surnames():
    known = {names.stem("Иванова"), names.stem("Петров")}
    assert names.mask("Иванову и Петровым помогли ивановские учителя и петрушка", known) == (
        "*** и *** помогли ивановские учителя и петрушка"
    )
