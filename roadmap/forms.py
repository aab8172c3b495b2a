"""Forms of the roadmap pages: the roadmap, its sections and items, execution marks, import and copy."""

from __future__ import annotations

import calendar

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html

from common.files.uploads import UploadRefused, check_signature, original_name
from common.forms import CleanCharField, RegistryModelForm, formfield, helper, use_ru_dates
from registry.models import EducationDepartment, Organisation
from roadmap.agenda import Filters
from roadmap.deadlines import Period, PeriodError, Schedule, ScheduleKind, Window, parse_period
from roadmap.models import (
    EVIDENCE_EXTENSIONS,
    EVIDENCE_MAX_BYTES,
    EvidenceKind,
    Occurrence,
    ResponsibleKind,
    Roadmap,
    RoadmapItem,
    Section,
    Status,
)

MONTHS = [
    (1, "январь"),
    (2, "февраль"),
    (3, "март"),
    (4, "апрель"),
    (5, "май"),
    (6, "июнь"),
    (7, "июль"),
    (8, "август"),
    (9, "сентябрь"),
    (10, "октябрь"),
    (11, "ноябрь"),
    (12, "декабрь"),
]
MUNICIPAL = "department"


def owner_choices(departments: QuerySet[EducationDepartment], organisations: QuerySet[Organisation]) -> list:
    choices = [(f"{MUNICIPAL}:{d.pk}", f"Муниципальная — {d.name}") for d in departments]
    choices += [(f"organisation:{o.pk}", o.short_name) for o in organisations]
    return choices


class PeriodField(forms.CharField):
    """The roadmap's period as people write it, checked and read by `parse_period`."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("label", "Период")
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("help_text", "Например: «2022», «2020–2021 учебный год», «2022–2024 гг.».")
        super().__init__(**kwargs)

    def clean(self, value) -> Period | None:
        text = super().clean(value)
        if not text and not self.required:
            return None
        try:
            return parse_period(text)
        except PeriodError as error:
            raise forms.ValidationError(error.message) from error


class OwnerMixin:
    """A choice of the roadmap's owner: a department (municipal roadmap) or one organisation."""

    def setup_owner(self, departments, organisations) -> None:
        self._departments = {d.pk: d for d in departments}
        self._organisations = {o.pk: o for o in organisations}
        choices = owner_choices(departments, organisations)
        self.fields["owner"] = forms.ChoiceField(label="Чья дорожная карта", choices=choices)
        if len(choices) == 1:
            self.fields["owner"].initial = choices[0][0]

    def clean_owner(self):
        kind, _, pk = self.cleaned_data["owner"].partition(":")
        if kind == MUNICIPAL:
            return self._departments[int(pk)], None
        organisation = self._organisations[int(pk)]
        return organisation.department, organisation


class RoadmapForm(OwnerMixin, RegistryModelForm):
    period = PeriodField()

    class Meta:
        model = Roadmap
        fields = ["title", "order_number", "order_date", "version"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    field_order = ["owner", "title", "period", "order_number", "order_date"]

    def __init__(self, *args, departments=None, organisations=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.setup_owner(departments, organisations)
        else:
            self.fields["period"].initial = self.instance.period_text
        self.order_fields(self.field_order)
        use_ru_dates(self)
        self.helper = helper()

    def save(self, commit: bool = True) -> Roadmap:
        roadmap = super().save(commit=False)
        period: Period = self.cleaned_data["period"]
        roadmap.period_text, roadmap.period_start, roadmap.period_end = period.label, period.start, period.end
        roadmap.period_academic = period.academic
        if "owner" in self.cleaned_data:
            roadmap.department, roadmap.organisation = self.cleaned_data["owner"]
        if commit:
            roadmap.save()
        return roadmap


class SectionForm(RegistryModelForm):
    class Meta:
        model = Section
        fields = ["number", "title", "version"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = helper()


class ItemForm(RegistryModelForm):
    """An item's texts, and — when the deadline text cannot be read — its schedule set by hand."""

    manual_kind = forms.ChoiceField(
        label="Вид срока",
        required=False,
        choices=[("", "— распознать из текста —"), *[c for c in ScheduleKind.choices if c[0] != ScheduleKind.UNKNOWN]],
    )
    manual_start = forms.DateField(label="Начало", required=False)
    manual_due = forms.DateField(label="Срок (дата)", required=False)
    manual_months = forms.TypedMultipleChoiceField(
        label="Месяцы (для ежегодных сроков)",
        required=False,
        coerce=int,
        choices=MONTHS,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "d-inline"}),
        help_text="Ежегодно: один месяц или несколько подряд. Дважды в год: ровно два месяца.",
    )

    class Meta:
        model = RoadmapItem
        fields = [
            "section",
            "number",
            "content",
            "deadline_text",
            "result",
            "indicator",
            "responsible",
            "responsible_kind",
            "version",
        ]
        widgets = {
            "content": forms.Textarea(attrs={"rows": 3}),
            "result": forms.Textarea(attrs={"rows": 2}),
            "indicator": forms.Textarea(attrs={"rows": 2}),
            "responsible": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"deadline_text": "Как в утверждённом документе: «Ежегодно сентябрь», «До 01.05.2022 г.»…"}

    def __init__(self, *args, roadmap: Roadmap, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.roadmap = roadmap
        self.fields["section"].queryset = roadmap.sections.order_by("position", "pk")
        self.fields["section"].empty_label = None
        if not roadmap.is_municipal:
            self.fields["responsible_kind"].choices = [
                c for c in ResponsibleKind.choices if c[0] != ResponsibleKind.EACH_ORGANISATION
            ]
        item = self.instance
        if item.pk and item.schedule_manual:
            schedule = item.get_schedule()
            self.initial.update(
                manual_kind=schedule.kind,
                manual_start=schedule.start,
                manual_due=schedule.due,
                manual_months=_window_months(schedule.windows),
            )
        use_ru_dates(self)
        self.helper = helper()

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("manual_kind")
        self.manual_schedule = None
        if kind:
            self.manual_schedule = self._manual_schedule(kind, cleaned)
        return cleaned

    def _manual_schedule(self, kind: str, cleaned: dict) -> Schedule | None:
        start, due, months = cleaned.get("manual_start"), cleaned.get("manual_due"), cleaned.get("manual_months") or []
        if kind == ScheduleKind.DUE:
            if not due:
                self.add_error("manual_due", "Укажите дату срока.")
                return None
            return Schedule(kind, due=due)
        if kind == ScheduleKind.RANGE:
            if not (start and due):
                self.add_error("manual_due", "Укажите начало и окончание периода.")
                return None
            if due < start:
                self.add_error("manual_due", "Окончание не может быть раньше начала.")
                return None
            return Schedule(kind, start=start, due=due)
        if kind == ScheduleKind.YEARLY:
            if not months or months != list(range(min(months), max(months) + 1)):
                self.add_error("manual_months", "Для ежегодного срока отметьте один месяц или несколько подряд.")
                return None
            return Schedule(kind, windows=(_window(months[0], months[-1]),))
        if kind == ScheduleKind.TWICE_A_YEAR:
            if len(months) != 2:
                self.add_error("manual_months", "Для срока «дважды в год» отметьте ровно два месяца.")
                return None
            return Schedule(kind, windows=tuple(_window(m, m) for m in months))
        if kind == ScheduleKind.EVENT and due:
            return Schedule(kind, due=due, note=cleaned.get("deadline_text", ""))
        return Schedule(kind)

    def save(self, commit: bool = True) -> RoadmapItem:
        item = super().save(commit=False)
        item.roadmap = self.roadmap
        if self.manual_schedule is not None:
            item.schedule_manual = True
            item.set_schedule(self.manual_schedule)
        else:
            item.schedule_manual = False
        if commit:
            item.save()
        return item


def _window(first_month: int, last_month: int) -> Window:
    return Window(first_month, 1, last_month, calendar.monthrange(2001, last_month)[1])


def _window_months(windows) -> list[int]:
    months: list[int] = []
    for window in windows:
        months += list(range(window.start_month, window.end_month + 1))
    return months


class OccurrenceForm(RegistryModelForm):
    """An execution mark: status, date done, comment and the evidence (a document or a link)."""

    class Meta:
        model = Occurrence
        fields = ["status", "done_on", "due", "comment", "evidence_file", "evidence_url", "version"]
        labels = {"due": "Новый срок (если перенесено)"}
        widgets = {"comment": forms.Textarea(attrs={"rows": 3}), "evidence_file": forms.FileInput}
        formfield_callback = formfield
        help_texts = {
            "evidence_file": f"До {EVIDENCE_MAX_BYTES // (1024 * 1024)} МБ: {', '.join(EVIDENCE_EXTENSIONS)}.",
            "evidence_url": "Например, страница на сайте организации, где опубликован документ.",
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        use_ru_dates(self)
        if self.instance.evidence_file:
            # crispy renders help text as HTML: the uploaded name is the user's text, so escape it.
            self.fields["evidence_file"].help_text = format_html(
                "Загружен: {}. Выберите другой файл, чтобы заменить его. {}",
                self.instance.evidence_name,
                self.fields["evidence_file"].help_text,
            )
        self.helper = helper()

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and getattr(upload, "size", 0) > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(
                f"Файл больше {EVIDENCE_MAX_BYTES // (1024 * 1024)} МБ. Сожмите его или дайте ссылку на документ."
            )
        if upload and hasattr(upload, "content_type"):  # a new upload, not the file already kept
            name = original_name(upload.name)
            head = upload.read(1024)
            upload.seek(0)
            try:
                check_signature(head, name)
            except UploadRefused as refused:
                raise forms.ValidationError(refused.message) from None
            self.instance.evidence_original_name = name
        return upload

    def clean(self) -> dict:
        cleaned = super().clean()
        status, done_on = cleaned.get("status"), cleaned.get("done_on")
        today = timezone.localdate()
        if status == Status.DONE:
            if not done_on:
                self.add_error("done_on", "Укажите дату выполнения.")
            elif done_on > today:
                self.add_error("done_on", "Дата выполнения не может быть в будущем.")
        elif done_on:
            cleaned["done_on"] = None  # a date done belongs to a done item only
        if status == Status.POSTPONED:
            new_due = cleaned.get("due")
            if not new_due:
                self.add_error("due", "Укажите новый срок.")
            elif self.instance.planned_due and new_due == self.instance.planned_due:
                self.add_error("due", "Новый срок совпадает с плановым: выберите другую дату или другой статус.")
        else:
            cleaned["due"] = self.instance.planned_due
        return cleaned


class ImportForm(OwnerMixin, forms.Form):
    SOURCE_HELP = "Файл .docx (таблица в документе Word) или .xlsx, до 10 МБ."

    title = CleanCharField(
        label="Название",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Можно не заполнять, если название есть в документе над таблицей: оно будет взято оттуда.",
    )
    period = PeriodField(
        required=False,
        help_text="Например: «2022», «2020–2021 учебный год», «2022–2024 гг.». Можно не заполнять, если период "
        "назван в заголовке документа.",
    )
    order_number = CleanCharField(label="Номер приказа об утверждении", max_length=50, required=False)
    order_date = forms.DateField(label="Дата приказа", required=False)
    file = forms.FileField(label="Файл", required=False, help_text=SOURCE_HELP)
    text = forms.CharField(
        label="…или вставьте таблицу",
        required=False,
        max_length=500_000,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "Скопируйте таблицу из Word или PDF и вставьте сюда."}),
        help_text="Строки таблицы, столбцы разделены табуляцией — так они попадают в буфер обмена из Word и Excel.",
    )

    # A file already read before a form error: kept on the server (ImportPreview), not chosen again.
    kept = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    field_order = ["owner", "title", "period", "order_number", "order_date", "file", "text"]

    def __init__(self, *args, departments, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.setup_owner(departments, organisations)
        self.order_fields(self.field_order)
        use_ru_dates(self)

    def clean(self) -> dict:
        cleaned = super().clean()
        has_file, has_text = bool(cleaned.get("file")), bool((cleaned.get("text") or "").strip())
        if "file" in self.errors:  # an empty or unreadable upload already says what is wrong
            return cleaned
        if not has_file and not has_text and not cleaned.get("kept"):
            raise forms.ValidationError("Выберите файл или вставьте таблицу в поле ниже.")
        if has_file and has_text:
            raise forms.ValidationError("Выберите что-то одно: файл или вставленную таблицу.")
        return cleaned


class CopyForm(forms.Form):
    TO_ORGANISATIONS = "organisations"
    TO_PERIOD = "period"

    mode = forms.ChoiceField(
        label="Куда скопировать",
        widget=forms.RadioSelect,
        choices=[
            (TO_PERIOD, "В новый период (та же организация или муниципалитет)"),
            (TO_ORGANISATIONS, "Организациям как шаблон их собственных дорожных карт"),
        ],
        initial=TO_PERIOD,
    )
    period = PeriodField()
    title = CleanCharField(
        label="Название копии", max_length=500, required=False, help_text="Пусто — как у исходной дорожной карты."
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Организации",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self, *args, roadmap: Roadmap, organisations: QuerySet[Organisation], may_copy_here: bool, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        choices = self.fields["mode"].choices
        if not organisations:
            choices = [c for c in choices if c[0] != self.TO_ORGANISATIONS]
        if not may_copy_here:
            choices = [c for c in choices if c[0] != self.TO_PERIOD]
            self.fields["mode"].initial = self.TO_ORGANISATIONS
        self.fields["mode"].choices = choices
        self.fields["period"].initial = _next_period_text(roadmap)

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("mode") == self.TO_ORGANISATIONS and not cleaned.get("organisations"):
            self.add_error("organisations", "Отметьте организации, которым нужна копия.")
        return cleaned


def _next_period_text(roadmap: Roadmap) -> str:
    years = roadmap.period_end.year - roadmap.period_start.year
    if roadmap.period_academic:
        first = roadmap.period_start.year + 1
        return f"{first}–{first + 1} учебный год"
    start = roadmap.period_end.year + 1
    return str(start) if years == 0 else f"{start}–{start + years} гг."


class AgendaFilterForm(forms.Form):
    """The agenda narrowed: whose items, which roadmap, whose responsibility, which month."""

    organisation = forms.ModelChoiceField(
        label="Организация", required=False, queryset=Organisation.objects.none(), empty_label="Все"
    )
    roadmap = forms.ModelChoiceField(
        label="Дорожная карта", required=False, queryset=Roadmap.objects.none(), empty_label="Все"
    )
    responsible = forms.CharField(label="Ответственный", required=False, max_length=100)
    month = forms.DateField(
        label="Месяц срока",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )

    def __init__(self, *args, organisations, roadmaps, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["roadmap"].queryset = roadmaps
        self.fields["roadmap"].label_from_instance = lambda roadmap: (
            f"{roadmap.title} ({roadmap.organisation.short_name if roadmap.organisation else 'муниципальная'}, "
            f"{roadmap.period_text})"
        )
        for name in ("organisation", "roadmap"):
            self.fields[name].widget.attrs["class"] = "form-select"
        for name in ("responsible", "month"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["month"].error_messages["invalid"] = "Укажите месяц в виде гггг-мм, например 2026-09."

    def filters(self) -> Filters:
        data = self.cleaned_data if self.is_valid() else {}
        return Filters(
            organisation=data["organisation"].pk if data.get("organisation") else None,
            roadmap=data["roadmap"].pk if data.get("roadmap") else None,
            responsible=data.get("responsible", "").strip(),
            month=data["month"].replace(day=1) if data.get("month") else None,
        )


# --- the document register (roadmap/register.py) ------------------------------------------------------------


class RegisterForm(forms.Form):
    """A department's register of a school year, opened by its methodist."""

    department = forms.ModelChoiceField(label="Муниципалитет", queryset=EducationDepartment.objects.none())
    year = forms.TypedChoiceField(label="Учебный год", coerce=int)

    def __init__(self, *args, departments: QuerySet[EducationDepartment], today, **kwargs) -> None:
        from roadmap.register import current_school_year

        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.fields["department"].empty_label = None
        if len(departments) == 1:
            self.fields["department"].widget = forms.HiddenInput()
            self.fields["department"].initial = departments[0].pk
        first = current_school_year(today)
        self.fields["year"].choices = [(y, f"{y}–{y + 1} учебный год") for y in range(first - 1, first + 2)]
        self.fields["year"].initial = first
        self.helper = helper("Открыть реестр")

    def clean(self) -> dict:
        from roadmap.register import academic_period

        cleaned = super().clean()
        department, year = cleaned.get("department"), cleaned.get("year")
        if department and year:
            period = academic_period(year)
            if Roadmap.objects.registers().filter(department=department, period_start=period.start).exists():
                raise forms.ValidationError(f"Реестр документов на {period.label} уже есть.")
            cleaned["period"] = period
        return cleaned


class RequirementForm(RegistryModelForm):
    """A required document of the register: what it is, what a school gives (file or link) and by when."""

    due = forms.DateField(label="Срок", help_text="До какого дня каждая организация сдаёт документ.")

    class Meta:
        model = RoadmapItem
        fields = ["content", "result", "evidence_kind", "version"]
        labels = {"content": "Документ", "result": "Пояснение", "evidence_kind": "Что сдаёт организация"}
        widgets = {"content": forms.Textarea(attrs={"rows": 2}), "result": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "content": "Например: «Приказ о назначении куратора наставничества в ОО».",
            "result": "Необязательно: что должно быть в документе, где его опубликовать.",
            "evidence_kind": "Страница о наставничестве на сайте школы — ссылка; приказ — файл.",
        }

    field_order = ["content", "evidence_kind", "due", "result"]

    def __init__(self, *args, register: Roadmap, due=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.register = register
        if due is not None:
            self.fields["due"].initial = due
        self.order_fields(self.field_order)
        use_ru_dates(self)
        self.helper = helper()

    def clean_due(self):
        due = self.cleaned_data["due"]
        start, end = self.register.period_start, self.register.period_end
        if not start <= due <= end:
            raise forms.ValidationError(
                f"Срок должен быть внутри учебного года реестра ({self.register.period_text}): "
                f"с {start:%d.%m.%Y} по {end:%d.%m.%Y}."
            )
        return due


class SubmissionForm(OccurrenceForm):
    """A school gives a required document: the file or the link, with the execution mark's own checks.

    Giving it marks the school's part done today; the document is kept on the part (`Occurrence`)."""

    class Meta(OccurrenceForm.Meta):
        fields = ["evidence_file", "evidence_url", "comment", "version"]
        labels = {"evidence_file": "Файл документа", "evidence_url": "Ссылка на документ"}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kind = self.instance.item.evidence_kind
        if kind == EvidenceKind.FILE:
            del self.fields["evidence_url"]
        elif kind == EvidenceKind.LINK:
            del self.fields["evidence_file"]
        self.helper = helper("Сдать документ")

    def clean(self) -> dict:
        cleaned = RegistryModelForm.clean(self)  # not the mark's status and dates: giving the document sets them
        kind = self.instance.item.evidence_kind
        has_file = bool(cleaned.get("evidence_file")) or (
            "evidence_file" not in self.changed_data and bool(self.instance.evidence_file)
        )
        has_url = bool(cleaned.get("evidence_url"))
        if "evidence_file" in self.errors or "evidence_url" in self.errors:
            return cleaned
        if kind == EvidenceKind.FILE and not has_file:
            self.add_error("evidence_file", "Выберите файл документа.")
        elif kind == EvidenceKind.LINK and not has_url:
            self.add_error("evidence_url", "Укажите ссылку на документ.")
        elif kind == EvidenceKind.ANY and not (has_file or has_url):
            raise forms.ValidationError("Выберите файл документа или укажите ссылку на него.")
        if not self.errors:
            self.instance.status = Status.DONE
            self.instance.done_on = timezone.localdate()
            self.instance.due = self.instance.planned_due
        return cleaned
