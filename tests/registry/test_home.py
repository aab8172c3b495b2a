"""The home page shows each user their department or organisation at a glance."""

from django.core.management import call_command
from django.urls import reverse

from events.models import Event, EventDocument, EventParticipant
from influence.models import MenteeOutcome, ParticipantGrowth, Response
from paperwork.models import SignedOrder
from practices.models import Practice, PracticeStep
from registry.models import EducationDepartment, Membership, MentoringPair, Organisation, Person, User
from reporting.models import Collection, Confirmation, Snapshot
from tests import factories


def test_methodist_sees_the_department_with_counts(as_persona, world):
    factories.OrganisationFactory(department=world.department_a, kind="kindergarten")
    page = as_persona("methodist_a").get(reverse("home")).content.decode()
    assert "Управление образования Кедровского округа" in page
    assert "Комитет образования Заречного района" not in page
    assert "Дошкольная образовательная организация: <strong>1</strong>" in page
    assert "Добавить организацию" in page


def test_head_reads_the_department_without_edit_buttons(as_persona):
    page = as_persona("head_a").get(reverse("home")).content.decode()
    assert "Руководитель — только просмотр" in page
    assert "Добавить организацию" not in page


def test_curator_sees_the_own_organisation_only(as_persona):
    page = as_persona("curator_a1").get(reverse("home")).content.decode()
    assert "МБОУ СОШ № 1" in page and "МБОУ СОШ № 2" not in page
    assert "Кедровского округа" in page  # the department's name, for orientation
    assert 'href="/staff/"' not in page  # no department-wide menu


def test_home_uses_a_fixed_number_of_queries(as_persona, world, django_assert_num_queries):
    factories.OrganisationFactory.create_batch(12, department=world.department_a)
    client = as_persona("methodist_a")
    client.get(reverse("home"))
    # The same count with 2 organisations or 200: nothing is queried per organisation
    # (the roadmap counts are 4 of them: overdue and due soon, own items and «каждая ОО» items).
    with django_assert_num_queries(15):
        client.get(reverse("home"))


def test_load_demo_is_idempotent(db, capsys):
    call_command("load_demo")

    def counts():
        return tuple(
            model.objects.count()
            for model in (
                EducationDepartment,
                Organisation,
                User,
                Membership,
                Person,
                MentoringPair,
                Response,
                MenteeOutcome,
                ParticipantGrowth,
                Collection,
                Confirmation,
                Snapshot,
                SignedOrder,
                Event,
                EventParticipant,
                EventDocument,
                Practice,
                PracticeStep,
            )
        )

    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert first[4] > 0 and first[5] > 0, "the demo shows people and pairs"
    assert first[6] > 0 and first[7] > 0 and first[8] > 0, "and the monitoring of influence"
    assert first[9:13] == (2, 5, 1, 1), "a closed collection and an open one, its snapshot, a signed order"
    assert first[13] >= 5 and first[14] > 0 and first[15] == 1, "events with participants, the festival's document"
    assert first[16] == 7 and Practice.objects.published().count() == 5, "the bank: 5 published, 1 sent, 1 draft"
    festival = Event.objects.get(title="Муниципальный фестиваль наставнических пар")
    assert festival.is_held and festival.roadmap_occurrence.status == "done"
    assert EventParticipant.objects.filter(training_hours__gt=0).exists(), "trained mentors"
    snapshot = Snapshot.objects.get()
    assert snapshot.is_taken and snapshot.collection.state == "closed" and snapshot.indicators_file
    # The region: the demo municipality and a small one, the coordinator, a regional collection answered.
    from region.models import RegionalAnswer
    from registry.models import Region

    region = Region.objects.get(code="amur")
    assert region.departments.count() == 2 and region.coordinators.get().user.username == "region"
    assert RegionalAnswer.objects.get().snapshot == snapshot
    assert snapshot.data["confirmations"] and snapshot.data["indicators"]
    assert Collection.objects.filter(state="open").get().confirmations.count() == 2
    order = SignedOrder.objects.get()
    assert order.number and order.date and order.pairs.exists()
    assert all(pair.order_number == order.number and pair.has_order for pair in order.pairs.all())
    assert first[0] == 2 and 10 <= first[1] <= 15, "the demo municipality and the small one of its region"
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"school", "kindergarten", "additional", "college"} <= kinds
    assert "nastavnik2026" in capsys.readouterr().out


def test_demo_logins_from_the_readme_work(db, client):
    call_command("load_demo")
    for username in ["metodist", "rukovoditel", "kurator.sosh1", "region"]:
        response = client.post(reverse("login"), {"username": username, "password": "nastavnik2026"})
        assert response.status_code == 302, username
        client.post(reverse("logout"))


def test_the_data_quality_summary_arrives_after_the_page(as_persona, world):
    factories.pair(factories.student(world.school_a1, birth_year=2008), [factories.student(world.school_a1)])
    client = as_persona("curator_a1")
    page = client.get(reverse("home")).content.decode()
    assert f'hx-get="{reverse("quality_summary")}"' in page
    summary = client.get(reverse("quality_summary")).content.decode()
    assert "Пары без приказа о закреплении" in summary


def test_the_daily_actions_are_where_a_curator_starts(as_persona, world):
    """A curator starts from the home page («Добавить участника», «Сформировать пару», «Внести встречу»);
    «Моя организация» opens the school's card, which leads to its people, pairs, roadmaps and contingent."""
    client = as_persona("curator_a1")
    page = client.get(reverse("home")).content.decode()
    for action, url in (
        ("Добавить участника", reverse("person_create")),
        ("Сформировать пару", reverse("pair_create")),
        ("Внести встречу", reverse("pair_list") + "?status=active"),
    ):
        assert f'href="{url}">{action}' in page, action
    card = reverse("organisation_detail", args=[world.school_a1.pk])
    assert f'href="{card}">Моя организация</a>' in page
    page = client.get(card).content.decode()
    for url in (
        f"{reverse('person_list')}?organisation={world.school_a1.pk}",
        f"{reverse('pair_list')}?organisation={world.school_a1.pk}",
        f"{reverse('roadmap_list')}?organisation={world.school_a1.pk}",
        reverse("contingent_list"),
    ):
        assert f'href="{url}"' in page, url
    # The filtered lists really show that school.
    mentor = factories.student(world.school_a1, last_name="Карточкин", birth_year=2008)
    factories.pair(mentor, [factories.student(world.school_a1)])
    listed = client.get(reverse("pair_list"), {"organisation": world.school_a1.pk}).context["page"].object_list
    assert [pair.mentor for pair in listed] == [mentor]


def test_a_head_is_offered_nothing_it_may_not_do(as_persona):
    client = as_persona("head_a")
    home = client.get(reverse("home")).content.decode()
    assert "Сформировать пару" not in home and "Добавить участника" not in home
    jobs = client.get(reverse("job_list")).content.decode()
    assert "Загрузить из Excel" not in jobs and "Выгрузить базу" in jobs
    assert "Организации</a>" in home  # a department-wide reader: the list, not one card
