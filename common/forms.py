"""Pieces every form shares: date inputs, the crispy helper, the organisation field, the conflict message."""

from __future__ import annotations

import re
from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

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


# What a typed text may hold: no control character (Word's manual line break \x0b and page break \x0c
# become line breaks), no bidi override or isolate, no zero-width character: invisible in the page, they
# make a name look like another or a file name hide its kind.
# (NUL is left for Django's own refusal, in Russian: a NUL is never typed, only sent.)
_INVISIBLE = re.compile(r"[\x01-\x08\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")
# A free text's length: what a form of this registry needs, well below what a page or a PDF cell can show.
TEXT_MAX = 5000
# Dates a user types: this registry's years (roadmaps from 2019 on), and a plan up to ten years ahead.
DATE_MIN = date(2000, 1, 1)
DATE_AHEAD_YEARS = 10


def clean_text(value: str) -> str:
    """A typed text without invisible characters (line breaks and tabs stay)."""
    return _INVISIBLE.sub("", value.replace("\x0b", "\n").replace("\x0c", "\n"))


class CleanCharField(forms.CharField):
    """A text field that keeps what the user sees: invisible characters are dropped (`clean_text`)."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value) if isinstance(value, str) else value


class CleanURLField(forms.URLField):
    """A link without invisible characters (a bidi override could make it read as another address)."""

    def to_python(self, value):
        return super().to_python(clean_text(value) if isinstance(value, str) else value)


def _date_range(value: date) -> None:
    latest = date(timezone.localdate().year + DATE_AHEAD_YEARS, 12, 31)
    if not DATE_MIN <= value <= latest:
        raise ValidationError(
            f"Дата {value:%d.%m.%Y} вне разумных пределов: укажите дату между {DATE_MIN:%d.%m.%Y} и {latest:%d.%m.%Y}."
        )


def formfield(field: models.Field, **kwargs) -> forms.Field | None:
    """ModelForm `formfield_callback` of every form of the registry (`RegistryModelForm`): links typed
    without a scheme are taken as https://; texts are cleaned of invisible characters and bounded
    (TEXT_MAX for a long text); dates are kept to a plausible range."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("form_class", CleanURLField)
    elif type(field) in (models.CharField, models.TextField) and not field.choices:
        kwargs.setdefault("form_class", CleanCharField)
        if isinstance(field, models.TextField):
            kwargs.setdefault("max_length", TEXT_MAX)
    form_field = field.formfield(**kwargs)
    if isinstance(field, models.DateField) and form_field is not None:
        form_field.validators.append(_date_range)
    return form_field


class RegistryModelForm(forms.ModelForm):
    """The base of every model form: its fields come from `formfield` (clean texts, plausible dates).

    Django reads `formfield_callback` from a form's own Meta only: each subclass's Meta is given it
    here, before the metaclass builds the fields.
    """

    def __init_subclass__(cls, **kwargs) -> None:
        meta = cls.__dict__.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = staticmethod(formfield)
        super().__init_subclass__(**kwargs)


class LinkedSelect(forms.Select):
    """A choice that depends on another field of the form: each option carries its parent's pk
    (`parent_of(obj)`), and static/js/linked-select.js shows only the options of the parent chosen.
    The form still checks the pair of values: the script only helps."""

    def __init__(self, *args, depends_on: str, parent_of, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.attrs["data-depends-on"] = f"id_{depends_on}"
        self.parent_of = parent_of

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-parent"] = str(self.parent_of(instance))
        return option
