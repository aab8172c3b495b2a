"""The methodist's forms for the department's own questionnaire versions: the list's filters, a new version,
the version's title and forms of mentoring, and one question."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from common.forms import helper
from influence.models import Purpose, Question, QuestionKind, QuestionnaireTemplate, Role
from registry.models import EducationDepartment, MentoringFormat

TAKEN_VERSION = "Версия {version} анкеты «{title}» в муниципалитете уже есть: измените название."


class TemplateFilterForm(forms.Form):
    q = forms.CharField(label="Поиск", required=False, max_length=200)
    purpose = forms.ChoiceField(label="Назначение", required=False, choices=[("", "Все"), *Purpose.choices])
    role = forms.ChoiceField(label="Кто заполняет", required=False, choices=[("", "Все"), *Role.choices])
    department = forms.ModelChoiceField(
        label="Муниципалитет", required=False, queryset=EducationDepartment.objects.none(), empty_label=None
    )

    def __init__(self, *args, departments: QuerySet[EducationDepartment], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        for name in ("purpose", "role", "department"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def value(self, name: str):
        return self.cleaned_data.get(name) if self.is_valid() else None


def _taken(department: EducationDepartment, title: str, version: int, exclude_pk: int | None = None) -> bool:
    """The rule of influence_questionnairetemplate_version_unique_in_department, checked before saving."""
    return (
        QuestionnaireTemplate.objects.filter(department=department, title=title, version=version)
        .exclude(pk=exclude_pk)
        .exists()
    )


class CopyForm(forms.Form):
    """A new version of the department made from a template: its title (the same, or another) and where."""

    title = forms.CharField(label="Название новой версии", max_length=300)
    department = forms.ModelChoiceField(
        label="Муниципалитет", queryset=EducationDepartment.objects.none(), empty_label=None
    )

    def __init__(self, *args, departments: QuerySet[EducationDepartment], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        if len(departments) == 1:
            self.fields["department"].initial = departments[0].pk
            self.fields["department"].widget = forms.HiddenInput()
        self.helper = helper("Создать версию")

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Укажите название анкеты.")
        return title


class TemplateForm(forms.ModelForm):
    """The title and the forms of mentoring of a department's own version."""

    class Meta:
        model = QuestionnaireTemplate
        fields = ["title", "formats", "revision"]
        widgets = {"formats": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        formats = MentoringFormat.objects.for_department(self.instance.department_id)
        self.fields["formats"].queryset = formats.filter(is_active=True) | formats.filter(
            pk__in=self.instance.formats.values("pk")
        )
        self.helper = helper()

    def clean_title(self) -> str:
        title = self.cleaned_data["title"].strip()
        if not title:
            raise forms.ValidationError("Укажите название анкеты.")
        if _taken(self.instance.department, title, self.instance.version, exclude_pk=self.instance.pk):
            raise forms.ValidationError(TAKEN_VERSION.format(version=self.instance.version, title=title))
        return title


class QuestionForm(forms.ModelForm):
    """One question of a department's own version; the options of a choice one line each."""

    choices = forms.CharField(
        label="Варианты ответа",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Для вопроса с выбором: каждый вариант с новой строки.",
    )

    class Meta:
        model = Question
        fields = ["order", "text", "kind", "choices", "required", "growth_group", "revision"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2})}
        error_messages = {"text": {"required": "Введите текст вопроса."}, "order": {"required": "Укажите номер."}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:
            self.initial["choices"] = "\n".join(self.instance.choices or [])
        self.fields["order"].min_value = 1
        self.fields["order"].widget.attrs["min"] = 1
        self.fields[
            "growth_group"
        ].help_text = "Только для шкалы от 1 до 10: по группам сравниваются анкеты «до» и «после»."
        self.helper = helper()

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Введите текст вопроса.")
        return text

    def clean_order(self) -> int:
        order = self.cleaned_data["order"]
        if order < 1:
            raise forms.ValidationError("Номер вопроса — целое число от 1.")
        taken = Question.objects.filter(template_id=self.instance.template_id, order=order).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(f"Вопрос № {order} в анкете уже есть: выберите другой номер.")
        return order

    def clean_choices(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") and data["kind"] != QuestionKind.CHOICE:
            data["choices"] = []  # options belong to a choice question only
        return data
