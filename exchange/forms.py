"""The import form: which base, into which organisation, which file (the export's is exchange/exports.py)."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet

from common.files.uploads import MAX_UPLOAD_BYTES
from exchange.official import Kind
from registry.models import Organisation

BASE_CHOICES = [(Kind.MENTORS.value, "База наставников"), (Kind.MENTEES.value, "База наставляемых")]


class ImportForm(forms.Form):
    base = forms.ChoiceField(label="Что в файле", choices=BASE_CHOICES, widget=forms.RadioSelect, initial=Kind.MENTEES)
    organisation = forms.ModelChoiceField(
        label="В какую организацию", queryset=Organisation.objects.none(), empty_label="Выберите организацию"
    )
    file = forms.FileField(
        label="Файл с таблицей",
        help_text=f"Таблица «База наставников» или «База наставляемых» из Excel (.xlsx, .xls), LibreOffice (.ods) или "
        f"CSV, до {MAX_UPLOAD_BYTES // 2**20} МБ. Названия столбцов могут быть своими («Ф.И.О.», «Фамилия», «Имя», "
        "«Отчество» в отдельных столбцах), порядок — любым; строки с названием над таблицей не мешают.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv"}),
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


class MappingForm(forms.Form):
    """Which column of the file is each official column the reader did not recognise (the report's
    `mapping`): one choice per missing column, among the file's columns that were not read."""

    def __init__(self, *args, mapping: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.headers = dict(mapping["columns"])
        choices = [("", "— выберите столбец —")] + [
            (letter, f"{letter}: «{header}»") for letter, header in mapping["columns"]
        ]
        for key, official in mapping["missing"]:
            self.fields[key] = forms.ChoiceField(
                label=f"«{official}» — это столбец",
                choices=choices,
                required=True,
                error_messages={"required": f"Выберите, в каком столбце файла «{official}»."},
            )
            self.fields[key].widget.attrs["class"] = "form-select"

    def clean(self):
        data = super().clean()
        chosen = [letter for letter in data.values() if letter]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError("Один столбец файла выбран для двух столбцов формы: выберите разные.")
        return data

    def chosen(self) -> dict[str, str]:
        """Column key → the file's header as written."""
        return {key: self.headers[letter] for key, letter in self.cleaned_data.items()}
