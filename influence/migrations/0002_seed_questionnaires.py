"""The common questionnaires of the methodology (МР-42/02 к распоряжению Минпросвещения Р-145, Приложение 2):
for the mentee and the mentor, «до начала» and «по завершении» (the same scale questions in the three growth
groups, so that before and after compare; for teachers also inclusion in innovation work, the pace of
adaptation and the wish to become a mentor) and the quality of the process. The wording follows the
recommendations' questionnaires where known and is marked `is_seeded` so that a methodist may refine it in
a new version."""

from django.db import migrations

M, C, P = "motivation", "competence", "professional"
TEACHER_FORMATS = ["учитель – учитель", "руководитель образовательной организации – педагог"]
YES_NO = ["да", "нет", "затрудняюсь ответить"]

# (text, growth group) — scale 1–10
MENTEE_STUDENT_GROWTH = [
    ("Оцените ваш интерес к учёбе и желание узнавать новое", M),
    ("Оцените вашу уверенность в своих силах", M),
    ("Оцените, насколько ясно вы представляете свои цели на ближайший год", M),
    ("Оцените ваше желание участвовать в жизни школы (проекты, мероприятия, самоуправление)", M),
    ("Оцените, насколько легко вам даётся общение со сверстниками и взрослыми", M),
    ("Оцените ваши успехи в учёбе по предметам, которые для вас важны", C),
    ("Оцените ваше умение самостоятельно планировать и организовывать свою работу", C),
    ("Оцените ваше умение работать в команде", C),
    ("Оцените ваше умение находить и проверять нужную информацию", C),
    ("Оцените, насколько ясно вы представляете свою будущую профессию", P),
    ("Оцените ваш опыт участия в олимпиадах, конкурсах, проектах", P),
    ("Оцените вашу готовность к выбору дальнейшего образования", P),
]
MENTEE_TEACHER_GROWTH = [
    ("Оцените вашу удовлетворённость профессией и работой в организации", M),
    ("Оцените вашу уверенность в себе как педагога", M),
    ("Оцените ваше желание профессионально развиваться", M),
    ("Оцените, насколько комфортно вам в педагогическом коллективе", M),
    ("Оцените ваше владение методиками преподавания своего предмета", C),
    ("Оцените ваше умение выстраивать дисциплину и общение с обучающимися", C),
    ("Оцените ваше умение работать с родителями (законными представителями)", C),
    ("Оцените ваше умение вести документацию и планировать уроки", C),
    ("Оцените вашу включённость в инновационную (проектную, экспериментальную) работу организации", P),
    ("Оцените темп вашей адаптации к работе в организации", P),
    ("Оцените ваше участие в профессиональных конкурсах, методических объединениях, открытых уроках", P),
]
MENTOR_GROWTH = [
    ("Оцените вашу удовлетворённость своей профессиональной деятельностью", M),
    ("Оцените ваше желание делиться опытом с другими", M),
    ("Оцените вашу уверенность в роли наставника", M),
    ("Оцените ваше умение выстраивать доверительные отношения с наставляемым", C),
    ("Оцените ваше умение ставить цели и планировать совместную работу", C),
    ("Оцените ваше умение давать обратную связь", C),
    ("Оцените ваше владение современными образовательными технологиями", C),
    ("Оцените вашу включённость в инновационную (проектную, экспериментальную) работу организации", P),
    ("Оцените ваше участие в профессиональных сообществах, конкурсах, обмене опытом", P),
    ("Оцените ваш профессиональный рост за последний год", P),
]
MENTEE_QUALITY = [
    "Оцените эффективность мероприятий, направленных на знакомство с наставником",
    "Оцените, насколько комфортно было общение с наставником",
    "Оцените, насколько полезными были личные встречи с наставником",
    "Оцените, насколько полезными были групповые встречи",
    "Оцените, насколько понятны были план и задачи встреч",
    "Оцените ощущение поддержки наставника",
    "Оцените, насколько наставник помогал в решении ваших задач",
    "Оцените, насколько вы довольны вашей совместной работой",
    "Оцените, насколько оправдались ваши ожидания от участия в программе",
    "Оцените программу наставничества в целом",
]
MENTOR_QUALITY = [
    "Оцените эффективность мероприятий, направленных на знакомство с наставляемым",
    "Оцените, насколько комфортно было общение с наставляемым",
    "Оцените, насколько полезными были личные встречи с наставляемым",
    "Оцените, насколько полезными были групповые встречи",
    "Оцените, насколько понятны были план и задачи встреч",
    "Оцените включённость наставляемого в процесс",
    "Оцените поддержку куратора программы",
    "Оцените, насколько вы довольны вашей совместной работой",
    "Оцените, насколько оправдались ваши ожидания от участия в программе",
    "Оцените программу наставничества в целом",
]


def scale(questions):
    return [{"text": text, "kind": "scale", "growth_group": group} for text, group in questions]


def quality(questions, role):
    other = "наставника" if role == "mentee" else "наставляемого"
    return [
        {"text": "Сталкивались ли вы раньше с программой наставничества?", "kind": "choice", "choices": YES_NO},
        *({"text": text, "kind": "scale"} for text in questions),
        {"text": f"Хотели бы вы продолжить работу с программой и с этим {other}?", "kind": "choice", "choices": YES_NO},
        {"text": "Что в программе стоит изменить?", "kind": "text", "required": False},
    ]


TEMPLATES = [
    # (purpose, role, title, formats, questions)
    ("before", "mentee", "Анкета наставляемого до начала программы", [], scale(MENTEE_STUDENT_GROWTH)),
    (
        "after",
        "mentee",
        "Анкета наставляемого по завершении программы",
        [],
        [
            *scale(MENTEE_STUDENT_GROWTH),
            {"text": "Хотели бы вы сами стать наставником?", "kind": "choice", "choices": YES_NO},
        ],
    ),
    (
        "before",
        "mentee",
        "Анкета наставляемого педагога до начала программы",
        TEACHER_FORMATS,
        [
            *scale(MENTEE_TEACHER_GROWTH),
            {"text": "Стаж педагогической работы, лет", "kind": "number", "required": False},
        ],
    ),
    (
        "after",
        "mentee",
        "Анкета наставляемого педагога по завершении программы",
        TEACHER_FORMATS,
        [
            *scale(MENTEE_TEACHER_GROWTH),
            {"text": "Планируете ли вы стать наставником?", "kind": "choice", "choices": YES_NO},
        ],
    ),
    ("before", "mentor", "Анкета наставника до начала программы", [], scale(MENTOR_GROWTH)),
    (
        "after",
        "mentor",
        "Анкета наставника по завершении программы",
        [],
        [
            *scale(MENTOR_GROWTH),
            {"text": "Готовы ли вы продолжить работу наставником?", "kind": "choice", "choices": YES_NO},
        ],
    ),
    ("quality", "mentee", "Анкета наставляемого: качество программы", [], quality(MENTEE_QUALITY, "mentee")),
    ("quality", "mentor", "Анкета наставника: качество программы", [], quality(MENTOR_QUALITY, "mentor")),
]


def seed(apps, schema_editor):
    Template = apps.get_model("influence", "QuestionnaireTemplate")
    Question = apps.get_model("influence", "Question")
    MentoringFormat = apps.get_model("registry", "MentoringFormat")
    for purpose, role, title, formats, questions in TEMPLATES:
        template = Template.objects.create(purpose=purpose, role=role, title=title, version=1, is_seeded=True)
        template.formats.set(MentoringFormat.objects.filter(department__isnull=True, name__in=formats))
        Question.objects.bulk_create(
            Question(
                template=template,
                order=order,
                text=q["text"],
                kind=q["kind"],
                choices=q.get("choices", []),
                required=q.get("required", True),
                growth_group=q.get("growth_group", ""),
            )
            for order, q in enumerate(questions, start=1)
        )


def unseed(apps, schema_editor):
    Template = apps.get_model("influence", "QuestionnaireTemplate")
    Template.objects.filter(department__isnull=True, is_seeded=True, title__in=[t[2] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("influence", "0001_initial"), ("registry", "0003_seed_reference_lists")]

    operations = [migrations.RunPython(seed, unseed)]
