"""The demo's bank of practices: five published practices of the demo schools (so the public page
/public/<code>/ and its feed have something to show), one sent to the methodist and one draft. Each is
made once (by its title) through the same services the pages use — the names check included: publishing
fails loudly if a demo text ever names someone of the demo registry. Running the demo again changes nothing.
"""

from __future__ import annotations

from practices import services
from practices.models import Practice
from registry.models import EducationDepartment, MentoringFormat, MentoringPair, Organisation, User

# (school, form, title, description, the state it reaches)
PRACTICES = [
    (
        "sosh1",
        "учитель – учитель",
        "Школа молодого педагога: урок глазами наставника",
        "Молодые учителя в первый год работы ведут открытые уроки, наставник посещает их и разбирает урок "
        "по единой карте наблюдения. За год каждый молодой педагог провёл не меньше восьми открытых уроков; "
        "карта наблюдения и план встреч приложены.",
        "published",
    ),
    (
        "gimn2",
        "ученик – ученик",
        "Старшеклассники — тьюторы проектной работы",
        "Учащиеся 10–11 классов сопровождают проекты учеников 7–8 классов: помогают поставить цель, "
        "составить план и подготовиться к защите. Встречи раз в неделю, итог — школьная конференция проектов.",
        "published",
    ),
    (
        "sosh3",
        "студент – ученик",
        "Студенты педагогического колледжа в кружках робототехники",
        "Студенты третьего курса ведут занятия по робототехнике для учеников 5–6 классов вместе с учителем "
        "информатики. Практика засчитывается студентам как педагогическая, ученики участвуют в "
        "муниципальных соревнованиях.",
        "published",
    ),
    (
        "ddt",
        "работодатель – ученик",
        "Профессиональные пробы на предприятиях округа",
        "Специалисты предприятий знакомят учащихся с профессиями: экскурсия, проба на рабочем месте и разбор "
        "вместе с наставником. Составлен каталог проб и памятка для предприятий.",
        "published",
    ),
    (
        "sosh1",
        "ученик – ученик",
        "Клуб взаимопомощи по математике",
        "Ученики, успешные в математике, помогают одноклассникам готовиться к контрольным работам. Учитель "
        "подбирает задания и пары, встречи проходят после уроков дважды в неделю.",
        "published",
    ),
    (
        "gimn2",
        "учитель – учитель",
        "Наставничество при переходе на обновлённые стандарты",
        "Опытные учителя помогают коллегам перестроить рабочие программы и оценивание. Черновик описания "
        "отправлен методисту.",
        "submitted",
    ),
    (
        "sosh3",
        "ученик – ученик",
        "Читательский клуб для пятиклассников",
        "Восьмиклассники ведут встречи читательского клуба. Описание ещё дописывается.",
        "draft",
    ),
]


def fill(department: EducationDepartment, organisations: dict[str, Organisation], methodist: User | None) -> None:
    if methodist is None:
        return
    made = set(Practice.objects.filter(department=department).values_list("title", flat=True))
    for school, form_name, title, description, state in PRACTICES:
        if title in made or school not in organisations:
            continue
        organisation = organisations[school]
        curator = User.objects.filter(username=f"kurator.{school}").first() or methodist
        mentoring_format = MentoringFormat.objects.filter(department__isnull=True, name=form_name).first()
        if mentoring_format is None:
            continue
        practice = Practice(organisation=organisation, format=mentoring_format, title=title, description=description)
        pairs = MentoringPair.objects.filter(organisation=organisation, format=mentoring_format).completed()[:2]
        services.save_practice(practice, list(pairs), user=curator)
        if state == "draft":
            continue
        services.submit(practice, user=curator)
        if state == "submitted":
            continue
        services.approve(practice, user=methodist)
        services.publish(practice, user=methodist)
