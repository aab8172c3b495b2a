"""The questionnaire as a form: one field per question, built from the template (its version's questions)."""

from __future__ import annotations

from typing import Any

from crispy_forms.bootstrap import InlineRadios
from crispy_forms.layout import Layout
from django import forms

from common.forms import helper
from influence.models import SCALE_MAX, SCALE_MIN, LinkRecipient, Question, QuestionKind, Response

SCALE = [(n, str(n)) for n in range(SCALE_MIN, SCALE_MAX + 1)]
SCALE_ERROR = f"Выберите оценку от {SCALE_MIN} до {SCALE_MAX}."
TEXT_LENGTH = 500


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def _field(question: Question) -> forms.Field:
    label = f"{question.order}. {question.text}"
    required = question.required
    if question.kind == QuestionKind.SCALE:
        return forms.TypedChoiceField(
            label=label,
            choices=SCALE,
            coerce=int,
            required=required,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": SCALE_ERROR, "required": SCALE_ERROR},
        )
    if question.kind == QuestionKind.CHOICE:
        return forms.ChoiceField(
            label=label,
            choices=[(c, c) for c in question.choices],
            required=required,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": "Выберите один из предложенных вариантов."},
        )
    if question.kind == QuestionKind.NUMBER:
        return forms.IntegerField(label=label, required=required, min_value=0, max_value=100_000)
    return forms.CharField(label=label, required=required, max_length=TEXT_LENGTH)


class QuestionnaireForm(forms.Form):
    """A participant's answers to the template's questions; required questions marked, errors in Russian."""

    def __init__(
        self,
        *args,
        questions: list[Question],
        response: Response | None = None,
        submit_label: str = "Сохранить анкету",
        **kwargs,
    ) -> None:
        if response is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                f"q{a.question_id}": a.text_value if a.number_value is None else a.number_value
                for a in response.answers.all()
            }
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = _field(question)
        self.helper = helper(submit_label)
        self.helper.layout = Layout(
            *[InlineRadios(field_name(q)) if q.kind == QuestionKind.SCALE else field_name(q) for q in questions]
        )

    def values(self) -> dict[int, Any]:
        """The cleaned answers by question pk."""
        return {question.pk: self.cleaned_data.get(field_name(question)) for question in self.questions}


class AnswerLinkForm(forms.Form):
    """Whom the curator sends a personal link: the adult participant, or a minor's legal representative."""

    recipient = forms.ChoiceField(
        label="Кому отправить ссылку", choices=LinkRecipient.choices, widget=forms.RadioSelect
    )
    email = forms.EmailField(
        label="Адрес электронной почты",
        max_length=254,
        error_messages={"invalid": "Введите правильный адрес электронной почты, например ivanova@example.ru."},
    )

    def __init__(self, *args, minor: bool, **kwargs) -> None:
        kwargs.setdefault(
            "initial", {"recipient": LinkRecipient.REPRESENTATIVE if minor else LinkRecipient.PARTICIPANT}
        )
        super().__init__(*args, **kwargs)
        self.minor = minor
        if minor:
            self.fields["email"].label = "Адрес электронной почты законного представителя"
        self.helper = helper("Отправить ссылку")

    def clean_recipient(self) -> str:
        recipient = self.cleaned_data["recipient"]
        if self.minor and recipient != LinkRecipient.REPRESENTATIVE:
            raise forms.ValidationError(
                "Участник несовершеннолетний: ссылку получает его законный представитель — или внесите анкету "
                "с бумажного бланка."
            )
        if not self.minor and recipient != LinkRecipient.PARTICIPANT:
            raise forms.ValidationError("Совершеннолетний участник заполняет анкету сам: отправьте ссылку ему.")
        return recipient
