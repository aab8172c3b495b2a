"""The forms of a mentee's outcomes: one school year entered or corrected by hand, and a school's XLSX."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from crispy_forms.layout import Div, Fieldset, Layout
from django import forms

from common.forms import RegistryModelForm, helper
from influence.models import MARK_MAX, MARK_MESSAGE, MARK_MIN, MenteeOutcome
from registry.models import Organisation

EXAM_CHOICES = [("", "не сдавал(а)"), ("true", "сдан"), ("false", "не сдан")]
MARK_PLACES_MESSAGE = "Средний балл — с одним знаком после запятой, например 4,3."
MAX_OLYMPIADS = 100
OLYMPIADS_MESSAGE = f"Число олимпиад — целое, от 0 до {MAX_OLYMPIADS}."


def parse_mark(raw) -> Decimal | None:
    """A typed average mark («4,3», «4.3», 4.3) as a Decimal of one place, None when empty; ValueError with
    the Russian reason otherwise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError(MARK_MESSAGE)
    text = str(raw).strip().replace(",", ".").replace(" ", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{MARK_MESSAGE} В ячейке «{str(raw).strip()[:40]}» — не число.") from None
    if not value.is_finite() or not MARK_MIN <= value <= MARK_MAX:
        raise ValueError(f"{MARK_MESSAGE} Указано «{str(raw).strip()[:40]}».")
    if value != value.quantize(Decimal("0.1")):
        raise ValueError(MARK_PLACES_MESSAGE)
    return value.quantize(Decimal("0.1"))


class MarkField(forms.Field):
    """An average mark 2,0–5,0 typed with a comma or a point; one message for any wrong value."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 10})
        )
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:.1f}".replace(".", ",")
        return value

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_mark(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class ExamField(forms.TypedChoiceField):
    """Passed, not passed, or not taken (empty)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(
            *args,
            choices=EXAM_CHOICES,
            coerce=lambda value: value == "true",
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value):
        if value is None or value == "":
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return value


class OutcomeForm(RegistryModelForm):
    """A mentee's outcomes of one school year (the pair and the year come from the page)."""

    vpr_passed = ExamField(label="ВПР")
    oge_passed = ExamField(label="ОГЭ")
    ege_passed = ExamField(label="ЕГЭ")
    mark_before = MarkField(label="Средний балл до", help_text="От 2,0 до 5,0; пусто — не известен.")
    mark_after = MarkField(label="Средний балл после", help_text="От 2,0 до 5,0; пусто — не известен.")

    class Meta:
        model = MenteeOutcome
        fields = [
            "vpr_passed",
            "oge_passed",
            "ege_passed",
            "mark_before",
            "mark_after",
            "olympiads",
            "olympiad_result",
            "comment",
            "version",
        ]
        labels = {"olympiads": "Олимпиад", "olympiad_result": "Лучший результат олимпиад"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["olympiads"].required = False
        self.fields["olympiads"].error_messages["invalid"] = OLYMPIADS_MESSAGE
        self.fields["olympiads"].widget.attrs.update({"min": 0, "max": MAX_OLYMPIADS})
        self.fields["olympiad_result"].choices = [("", "не указан"), *self.fields["olympiad_result"].choices[1:]]
        self.helper = helper("Сохранить")
        self.helper.render_hidden_fields = True  # the version, which the layout does not name
        self.helper.layout = Layout(
            Fieldset(
                "Экзамены",
                Div(
                    Div("vpr_passed", css_class="col-sm-4"),
                    Div("oge_passed", css_class="col-sm-4"),
                    Div("ege_passed", css_class="col-sm-4"),
                    css_class="row",
                ),
            ),
            Fieldset(
                "Успеваемость",
                Div(Div("mark_before", css_class="col-sm-6"), Div("mark_after", css_class="col-sm-6"), css_class="row"),
            ),
            Fieldset(
                "Олимпиады",
                Div(
                    Div("olympiads", css_class="col-sm-4"),
                    Div("olympiad_result", css_class="col-sm-8"),
                    css_class="row",
                ),
            ),
            "comment",
        )

    def clean_olympiads(self) -> int:
        value = self.cleaned_data.get("olympiads")
        if value is None:
            return 0
        if not 0 <= value <= MAX_OLYMPIADS:
            raise forms.ValidationError(OLYMPIADS_MESSAGE)
        return value


class OutcomeUploadForm(forms.Form):
    """A school's outcomes as one XLSX (the methodist chooses the school; a curator has their own)."""

    organisation = forms.ModelChoiceField(
        label="Образовательная организация",
        queryset=Organisation.objects.none(),
        error_messages={"invalid_choice": "Выберите организацию из списка."},
    )
    file = forms.FileField(
        label="Файл .xlsx",
        help_text="Заполненный шаблон: одна строка — один наставляемый за один учебный год.",
        error_messages={"required": "Выберите файл .xlsx с результатами."},
    )

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        only = list(organisations[:2])
        if len(only) == 1:
            self.fields["organisation"].initial = only[0].pk
