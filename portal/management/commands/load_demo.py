"""Create (or bring back to its initial state) the demo municipality and its users.

Authored data: the municipality and every name are invented. Running it twice changes
nothing; running it after the demo users changed their passwords puts the demo ones back.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from events import demo as events_demo
from influence import demo as influence_demo
from monitoring import demo as monitoring_demo
from paperwork import demo as paperwork_demo
from practices import demo as practices_demo
from region import demo as region_demo
from registry import demo, freshness
from registry.models import EducationDepartment, Membership, Organisation, OrganisationKind, Role, User
from reporting import demo as reporting_demo
from roadmap import demo as roadmap_demo

DEMO_PASSWORD = "nastavnik2026"

DEPARTMENT = {
    "code": "kedrovsky",
    "name": "Управление образования администрации Кедровского муниципального округа",
    "region": "Амурская область",
    "municipality": "Кедровский муниципальный округ",
    "methodical_centre": "МБУ «Информационно-методический центр» Кедровского муниципального округа",
}

ORGANISATIONS = [
    (
        "sosh1",
        OrganisationKind.SCHOOL,
        "МБОУ СОШ № 1",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1» г. Кедровска",
    ),
    (
        "sosh3",
        OrganisationKind.SCHOOL,
        "МБОУ СОШ № 3",
        "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 3 "
        "имени Героя Советского Союза» г. Кедровска",
    ),
    (
        "gimn2",
        OrganisationKind.SCHOOL,
        "МБОУ «Гимназия № 2»",
        "Муниципальное бюджетное общеобразовательное учреждение «Гимназия № 2» г. Кедровска",
    ),
    (
        "oosh-lugovoe",
        OrganisationKind.SCHOOL,
        "МБОУ ООШ с. Луговое",
        "Муниципальное бюджетное общеобразовательное учреждение «Основная общеобразовательная школа с. Луговое»",
    ),
    (
        "ds5",
        OrganisationKind.KINDERGARTEN,
        "МБДОУ д/с № 5 «Солнышко»",
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 5 «Солнышко»",
    ),
    (
        "ds12",
        OrganisationKind.KINDERGARTEN,
        "МБДОУ д/с № 12 «Берёзка»",
        "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 12 «Берёзка»",
    ),
    (
        "dush",
        OrganisationKind.ADDITIONAL,
        "МБОУ ДО «ДЮСШ»",
        "Муниципальное бюджетное образовательное учреждение дополнительного образования "
        "«Детско-юношеская спортивная школа»",
    ),
    (
        "ddt",
        OrganisationKind.ADDITIONAL,
        "МБОУ ДО ДДТ",
        "Муниципальное бюджетное образовательное учреждение дополнительного образования «Дом детского творчества»",
    ),
    (
        "kpk",
        OrganisationKind.COLLEGE,
        "ГПОАУ «Кедровский педагогический колледж»",
        "Государственное профессиональное образовательное автономное учреждение Амурской области "
        "«Кедровский педагогический колледж»",
    ),
    (
        "cppms",
        OrganisationKind.OTHER,
        "МБУ «Центр ППМС-помощи»",
        "Муниципальное бюджетное учреждение «Центр психолого-педагогической, медицинской и социальной помощи»",
    ),
]

# (login, last name, first name, patronymic, role, organisation code or None)
PEOPLE = [
    ("metodist", "Соколова", "Ирина", "Петровна", Role.METHODIST, None),
    ("rukovoditel", "Орлов", "Андрей", "Викторович", Role.HEAD, None),
    ("kurator.sosh1", "Белова", "Марина", "Сергеевна", Role.CURATOR, "sosh1"),
    ("kurator.sosh3", "Гончаренко", "Олег", "Иванович", Role.CURATOR, "sosh3"),
    ("kurator.gimn2", "Лаптева", "Светлана", "Юрьевна", Role.CURATOR, "gimn2"),
    ("kurator.ds5", "Ершова", "Наталья", "Андреевна", Role.CURATOR, "ds5"),
    ("kurator.dush", "Тимофеев", "Павел", "Олегович", Role.CURATOR, "dush"),
    ("kurator.ddt", "Зуева", "Екатерина", "Михайловна", Role.CURATOR, "ddt"),
    ("kurator.kpk", "Фёдорова", "Алёна", "Игоревна", Role.CURATOR, "kpk"),
]


class Command(BaseCommand):
    help = (
        "Создаёт демонстрационный муниципалитет с организациями и пользователями "
        "(повторный запуск ничего не дублирует)."
    )

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        freshness.touch_all()  # the demo also writes with QuerySet.update(), which sends no signals
        code = DEPARTMENT["code"]
        department, _ = EducationDepartment.objects.update_or_create(
            code=code, defaults={k: v for k, v in DEPARTMENT.items() if k != "code"}
        )
        organisations = {}
        for org_code, kind, short_name, full_name in ORGANISATIONS:
            organisations[org_code], _ = Organisation.objects.update_or_create(
                department=department,
                code=org_code,
                defaults={"kind": kind, "short_name": short_name, "full_name": full_name},
            )
        for username, last, first, middle, role, org_code in PEOPLE:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "last_name": last,
                    "first_name": first,
                    "patronymic": middle,
                    "email": f"{username}@demo.invalid",
                    "is_active": True,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            organisation = organisations[org_code] if org_code else None
            Membership.objects.get_or_create(user=user, role=role, department=department, organisation=organisation)
        formed = demo.fill(organisations)
        monitoring_demo.fill(organisations)
        influence_demo.fill(organisations)
        methodist = User.objects.filter(username="metodist").first()
        roadmap_demo.fill(department, organisations, methodist)
        events_demo.fill(department, organisations, methodist)  # after the roadmap: the festival holds its item
        paperwork_demo.fill(organisations)  # the signed order before the snapshot: its counts include it
        reporting_demo.fill(department, organisations, methodist)
        practices_demo.fill(department, organisations, methodist)  # five published: the public page's
        region = region_demo.fill(department, DEMO_PASSWORD)  # after the snapshot: the region's answer is it
        self.stdout.write(
            self.style.SUCCESS(
                f"Демо-муниципалитет «{department.municipality}»: {len(organisations)} организаций, "
                f"{len(PEOPLE)} пользователей, новых пар: {formed}; регион «{region.name}» (вход region). "
                f"Пароль у всех: {DEMO_PASSWORD}"
            )
        )
