"""Pieces every form shares: date inputs, the crispy helper, the organisation field, the conflict message."""

from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db import models
from django.db.models import QuerySet

CONFLICT_MESSAGE = (
    "Эту запись уже изменил другой пользователь, пока вы её редактировали. Ваши изменения не сохранены, "
    "но остались в форме: откройте запись в новой вкладке, сверьте и внесите их снова."
)


class RuDateInput(forms.DateInput):
    """A text input for дд.мм.гггг: what Russian users type and read."""

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(
            attrs={"placeholder": "дд.мм.гггг", "inputmode": "numeric", "autocomplete": "off", **(attrs or {})},
            format="%d.%m.%Y",
        )


def helper(submit_label: str | None = "Сохранить") -> FormHelper:
    form_helper = FormHelper()
    form_helper.form_tag = False
    form_helper.disable_csrf = True
    if submit_label:
        form_helper.add_input(Submit("submit", submit_label))
    return form_helper


def use_ru_dates(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.widget = RuDateInput()
            field.input_formats = ["%d.%m.%Y"]
            field.error_messages["invalid"] = "Введите дату в виде дд.мм.гггг, например 01.09.2025."


def fix_organisation(form: forms.BaseForm, organisations: QuerySet, current=None) -> None:
    """Narrow the `organisation` field to where the user may write; hide it when there is one choice."""
    field = form.fields["organisation"]
    field.queryset = organisations
    field.empty_label = None
    if current is not None:
        field.initial = current
        field.disabled = True
        field.widget = forms.HiddenInput()
    elif len(organisations) == 1:
        field.initial = organisations[0].pk
        field.disabled = True
        field.widget = forms.HiddenInput()


def formfield(field: models.Field, **kwargs) -> forms.Field | None:
    """ModelForm `formfield_callback`: links typed without a scheme are taken as https://."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)
