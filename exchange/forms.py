"""The export and import forms: what to take out of the registry, and what to bring in."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from common.files.uploads import MAX_UPLOAD_BYTES
from exchange.exporters import ExportParams, FileFormat, Period
from exchange.official import Kind
from registry.models import Organisation

BASE_CHOICES = [(Kind.MENTORS.value, "База наставников"), (Kind.MENTEES.value, "База наставляемых")]
# The pair list's filters that an export carries over ("what the list shows").
LIST_FILTERS = ("q", "format", "year", "category")


class ExportForm(forms.Form):
    base = forms.ChoiceField(label="Форма", choices=BASE_CHOICES, widget=forms.RadioSelect, initial=Kind.MENTEES)
    period = forms.ChoiceField(
        label="Участники",
        choices=[
            (Period.CURRENT.value, "Действующие"),
            (Period.ARCHIVE.value, "Архив: завершившие программу"),
            (Period.ALL.value, "Все"),
        ],
        widget=forms.RadioSelect,
        initial=Period.CURRENT,
    )
    organisations = forms.ModelMultipleChoiceField(
        label="Организации",
        required=False,
        queryset=Organisation.objects.none(),
        help_text="Не выбрано — все организации, которые вам доступны.",
    )
    file_format = forms.ChoiceField(
        label="Формат файла",
        choices=[(FileFormat.XLSX.value, "Excel (.xlsx)"), (FileFormat.PDF.value, "PDF для печати")],
        widget=forms.RadioSelect,
        initial=FileFormat.XLSX,
    )

    def __init__(self, *args, organisations: QuerySet[Organisation], filters: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        self.fields["organisations"].widget.attrs.update(
            {
                "class": "form-select",
                "data-autocomplete": "multiple",
                "data-placeholder": "Все доступные организации — или выберите",
            }
        )
        self.filters = filters

    def params(self) -> ExportParams:
        data = self.cleaned_data
        return ExportParams(
            base=Kind(data["base"]),
            file_format=FileFormat(data["file_format"]),
            period=Period(data["period"]),
            organisations=tuple(sorted(o.pk for o in data["organisations"])),
            filters=self.filters,
        )


class ImportForm(forms.Form):
    base = forms.ChoiceField(label="Что в файле", choices=BASE_CHOICES, widget=forms.RadioSelect, initial=Kind.MENTEES)
    organisation = forms.ModelChoiceField(
        label="В какую организацию", queryset=Organisation.objects.none(), empty_label="Выберите организацию"
    )
    file = forms.FileField(
        label="Файл Excel (.xlsx)",
        help_text=f"Таблица в форме «База наставников» или «База наставляемых», до {MAX_UPLOAD_BYTES // 2**20} МБ. "
        "Строки с названием над таблицей не мешают.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].widget.attrs["class"] = "form-select"
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]

    def clean_file(self):
        from exchange.reading import WorkbookError, check_upload

        upload = self.cleaned_data["file"]
        try:
            check_upload(upload, upload.name)
        except WorkbookError as error:
            raise forms.ValidationError(error.message) from None
        upload.seek(0)
        return upload
