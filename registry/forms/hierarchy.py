from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.db.models import QuerySet

from common.forms import CleanCharField, RegistryModelForm, helper
from registry.models import EducationDepartment, Organisation, OrganisationKind, User


class OrganisationForm(RegistryModelForm):
    """An organisation, created or edited by a methodist of its department."""

    class Meta:
        model = Organisation
        fields = ["department", "short_name", "full_name", "kind", "code", "version"]
        widgets = {"full_name": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, departments: QuerySet[EducationDepartment], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        field.queryset = departments
        if self.instance.pk or departments.count() == 1:
            # The department is fixed: an organisation never moves between tenants.
            field.initial = self.instance.department_id if self.instance.pk else departments.get().pk
            field.disabled = True
            field.widget = forms.HiddenInput()
        self.helper = helper("Сохранить")

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip()

    def clean(self) -> dict:
        cleaned = super().clean()
        department, code = cleaned.get("department"), cleaned.get("code")
        if department and code:
            clash = Organisation.objects.filter(department=department, code__iexact=code)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("code", "Организация с таким кодом в муниципалитете уже есть.")
        return cleaned


class OrganisationFilterForm(forms.Form):
    """The filters of the organisation list; every field is optional."""

    SORTS = {
        "name": ("short_name",),
        "-name": ("-short_name",),
        "kind": ("kind", "short_name"),
        "code": ("code",),
    }

    q = forms.CharField(label="Поиск", required=False, max_length=200)
    kind = forms.ChoiceField(label="Тип", required=False, choices=[("", "Все типы"), *OrganisationKind.choices])
    department = forms.ModelChoiceField(
        label="Муниципалитет",
        required=False,
        queryset=EducationDepartment.objects.none(),
        empty_label="Все муниципалитеты",
    )
    sort = forms.ChoiceField(
        label="Сортировка",
        required=False,
        choices=[("name", "По названию"), ("-name", "По названию, с конца"), ("kind", "По типу"), ("code", "По коду")],
    )

    def __init__(self, *args, departments: QuerySet[EducationDepartment], show_department: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        self.show_department = show_department
        for name in ("kind", "department", "sort"):
            self.fields[name].widget.attrs["class"] = "form-select"

    def apply(self, queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
        if not self.is_valid():
            return queryset.order_by("short_name")
        data = self.cleaned_data
        queryset = queryset.search(data["q"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        return queryset.order_by(*self.SORTS.get(data["sort"] or "name"))


UNUSABLE_EMAIL = "Этот адрес нельзя указать для приглашения: укажите другой адрес электронной почты куратора."


class CuratorInviteForm(forms.Form):
    """A curator account for one organisation; the person sets the password from the e-mailed link."""

    last_name = CleanCharField(label="Фамилия", max_length=150)
    first_name = CleanCharField(label="Имя", max_length=150)
    patronymic = CleanCharField(label="Отчество", max_length=150, required=False)
    email = forms.EmailField(label="Электронная почта", help_text="На неё придёт ссылка для входа и установки пароля.")
    username = forms.RegexField(
        label="Логин",
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": "Логин: буквы, цифры и символы @ . + - _ без пробелов."},
        help_text="Под ним куратор входит в систему, например «ivanova.sosh3».",
    )

    def __init__(self, *args, organisation: Organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.existing_user: User | None = None
        self.helper = helper("Назначить и отправить приглашение")

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            department_id = self.organisation.department_id
            foreign = user.memberships.exclude(department_id=department_id).exists()
            ours = user.memberships.filter(department_id=department_id).exists() or (
                not user.memberships.exists() and user.home_department_id == department_id
            )
            if user.is_superuser or foreign or not ours:
                # Whose the address is, and whether it exists at all elsewhere, is not this form's to tell.
                raise forms.ValidationError(UNUSABLE_EMAIL)
            if user.memberships.filter(organisation=self.organisation).exists():
                raise forms.ValidationError(f"{user.full_name or user.username} уже куратор этой организации.")
            self.existing_user = user
        return email

    def clean(self) -> dict:
        cleaned = super().clean()
        username = cleaned.get("username")
        if username and self.existing_user is None:
            if User.objects.filter(username__iexact=username).exists():
                self.add_error("username", "Этот логин уже занят: выберите другой.")
        return cleaned


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Also reaches an invited curator who has not set a password yet (Django skips those)."""

    def get_users(self, email: str):
        return User.objects.filter(email__iexact=email, is_active=True)
