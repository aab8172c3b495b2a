"""«Банк практик»: the list with its filters, the methodist's queue, a practice's page, creating and editing
one, its files and pairs, the transitions (submit, return «на доработку», approve, publish after the names
check, unpublish); and the department's public page, its practices, their files and the Atom feed."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.files.uploads import UploadRefused
from common.text import normalise
from common.views import paginate, save_or_explain, stored_file
from jobs.submissions import submitted_once
from practices import access, names, services
from practices.forms import FileForm, FilterForm, PracticeForm, ReturnForm
from practices.models import Practice, PracticeFile, PracticeState
from registry.access import scope_for
from registry.models import EducationDepartment, MentoringFormat, Organisation

FILE_GONE = "Файл практики"
FILE_REMEDY = "Загрузите файл в карточке практики снова."
PUBLIC_MAX_AGE = 60  # seconds a shared cache may keep an anonymous public page (unpublishing shows within it)


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _filters(request: HttpRequest) -> FilterForm:
    scope = scope_for(request.user)
    organisations = scope.organisations(Organisation.objects.all()).order_by("short_name")
    departments = scope.department_wide | scope.curator_departments
    formats = MentoringFormat.objects.filter(department__isnull=True) | MentoringFormat.objects.filter(
        department_id__in=departments
    )
    form = FilterForm(request.GET or None, organisations=organisations, formats=formats.order_by("position", "name"))
    form.is_valid()
    return form


@require_GET
def practice_list(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    data = filters.cleaned_data if filters.is_bound else {}
    practices = access.practices(request.user)
    if needle := normalise(data.get("q") or ""):
        practices = practices.filter(search_text__contains=needle)
    if data.get("state"):
        practices = practices.filter(state=data["state"])
    if data.get("organisation"):
        practices = practices.filter(organisation=data["organisation"])
    if data.get("format"):
        practices = practices.filter(format=data["format"])
    if data.get("year"):
        practices = practices.filter(created_at__year=data["year"])
    page, query = paginate(request, practices.order_by("-created_at", "-pk"))
    scope = scope_for(request.user)
    departments = EducationDepartment.objects.filter(pk__in=scope.department_wide | scope.curator_departments)
    return render(
        request,
        "practices/list.html",
        {
            "page": page,
            "query": query,
            "filters": filters,
            "can_create": scope.writes_anywhere,
            "is_methodist": scope.is_methodist,
            "departments": departments.order_by("name"),
        },
    )


@require_GET
def practice_queue(request: HttpRequest) -> HttpResponse:
    queue = access.review_queue(request.user).order_by("updated_at", "pk")
    page, query = paginate(request, queue)
    return render(request, "practices/queue.html", {"page": page, "query": query})


@require_http_methods(["GET", "POST"])
@submitted_once
def practice_create(request: HttpRequest) -> HttpResponse:
    organisations = access.creatable_organisations(request.user)
    if not organisations:
        raise Http404("Нет организаций, где можно добавить практику.")
    form = PracticeForm(_posted(request), organisations=organisations)
    if request.method == "POST" and form.is_valid():
        practice = save_or_explain(
            form, lambda: services.save_practice(form.save(commit=False), None, user=request.user)
        )
        if practice is not None:
            messages.success(request, "Практика сохранена как черновик. Добавьте файлы и отправьте её методисту.")
            return redirect("practice_detail", pk=practice.pk)
    return render(request, "practices/form.html", {"form": form, "practice": None})


@require_http_methods(["GET", "POST"])
def practice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.get_practice(request.user, pk, edit=True)
    organisations = Organisation.objects.filter(pk=practice.organisation_id)
    form = PracticeForm(_posted(request), instance=practice, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        saved = save_or_explain(
            form,
            lambda: services.save_practice(form.save(commit=False), form.cleaned_data["pairs"], user=request.user),
        )
        if saved is not None:
            messages.success(request, "Практика сохранена.")
            return redirect("practice_detail", pk=practice.pk)
    return render(request, "practices/form.html", {"form": form, "practice": practice})


@require_GET
def practice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.get_practice(request.user, pk)
    user = request.user
    return render(
        request,
        "practices/detail.html",
        {
            "practice": practice,
            "files": practice.files.all(),
            "pairs": practice.pairs.select_related("mentor", "format").order_by("-end_date", "pk"),
            "steps": practice.steps.select_related("user"),
            "edits": access.edits(user, practice),
            "submits": access.submits(user, practice),
            "reviews": access.reviews(user, practice),
            "file_form": FileForm() if access.edits(user, practice) else None,
            "public_url": reverse("public_practice", args=[practice.department.code, practice.pk]),
        },
    )


def _transition(request: HttpRequest, practice: Practice, move, done: str) -> HttpResponse:
    try:
        move(practice, user=request.user)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, done)
    return redirect("practice_detail", pk=practice.pk)


@require_POST
def practice_submit(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.get_practice(request.user, pk, submit=True)
    return _transition(request, practice, services.submit, "Практика отправлена методисту на рассмотрение.")


@require_POST
def practice_approve(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.get_practice(request.user, pk, review=True)
    return _transition(request, practice, services.approve, "Практика одобрена. Её можно опубликовать.")


@require_POST
def practice_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.get_practice(request.user, pk, review=True)
    return _transition(request, practice, services.unpublish, "Практика снята с публикации.")


@require_http_methods(["GET", "POST"])
def practice_return(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.get_practice(request.user, pk, review=True)
    form = ReturnForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.return_to_draft(practice, form.cleaned_data["comment"], user=request.user)
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, "Практика возвращена куратору на доработку.")
            return redirect("practice_detail", pk=practice.pk)
    return render(request, "practices/return.html", {"form": form, "practice": practice})


@require_http_methods(["GET", "POST"])
def practice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation step: what the public page will show and every registry surname found in it;
    publishing is refused while anything is found."""
    practice = access.get_practice(request.user, pk, review=True)
    found = names.findings(practice)
    if request.method == "POST" and not found:
        return _transition(request, practice, services.publish, "Практика опубликована на странице муниципалитета.")
    if request.method == "POST":
        messages.error(request, "Практика не опубликована: исправьте найденные фамилии.")
    return render(
        request,
        "practices/publish.html",
        {"practice": practice, "found": found, "files": practice.files.all(), "can_publish": not found},
    )


# --- files ------------------------------------------------------------------------------------------------


@require_POST
def practice_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    practice = access.get_practice(request.user, pk, edit=True)
    form = FileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_file(practice, form.cleaned_data["file"], user=request.user)
        except UploadRefused as refused:
            messages.error(request, refused.message)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, "Файл загружен.")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("practice_detail", pk=practice.pk)


@require_POST
def practice_file_delete(request: HttpRequest, pk: int) -> HttpResponse:
    practice_file = access.get_practice_file(request.user, pk, edit=True)
    services.delete_file(practice_file)
    messages.success(request, "Файл удалён.")
    return redirect("practice_detail", pk=practice_file.practice_id)


def _download(request: HttpRequest, practice_file: PracticeFile, filename: str) -> HttpResponse:
    return stored_file(
        request,
        practice_file.file,
        filename=filename,
        content_type=mimetypes.guess_type(filename)[0] or "application/octet-stream",
        what=FILE_GONE,
        remedy=FILE_REMEDY,
    )


@require_GET
def practice_file(request: HttpRequest, pk: int) -> HttpResponse:
    practice_file = access.get_practice_file(request.user, pk)
    return _download(request, practice_file, practice_file.original_name)


# --- the department's public page: no login -------------------------------------------------------------


def _public(response: HttpResponse, request: HttpRequest) -> HttpResponse:
    """A short public cache for anonymous visitors; a signed-in user's answer is never cached (the
    middleware `no_store_for_users` replaces this)."""
    if not request.user.is_authenticated:
        patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _published(department: EducationDepartment):
    return (
        Practice.objects.published()
        .filter(department=department)
        .select_related("organisation", "format")
        .order_by("-published_at", "-pk")
    )


class PublicPractice:
    """What the public page shows of a practice — and nothing else: no pair, no person; every surname of
    the registry masked (names.mask), though publishing already refused them."""

    def __init__(self, practice: Practice, known: frozenset[str]) -> None:
        self.pk = practice.pk
        self.title = names.mask(practice.title, known)
        self.description = names.mask(practice.description, known)
        self.school = practice.organisation.short_name
        self.format = practice.format.name
        self.published_at = practice.published_at
        self.files = [(f.pk, names.mask(f.original_name, known)) for f in practice.files.all()]


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "practices/public/not_found.html", status=404)


@login_not_required
@require_GET
def public_practices(request: HttpRequest, code: str) -> HttpResponse:
    department = EducationDepartment.objects.filter(code=code).first()
    if department is None:
        return _not_found(request)
    page, query = paginate(request, _published(department).prefetch_related("files"))
    known = names.stems(department.pk)
    shown = [PublicPractice(practice, known) for practice in page.object_list]
    context = {"department": department, "page": page, "query": query, "practices": shown}
    return _public(render(request, "practices/public/list.html", context), request)


@login_not_required
@require_GET
def public_practice(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    department = EducationDepartment.objects.filter(code=code).first()
    practice = _published(department).filter(pk=pk).prefetch_related("files").first() if department else None
    if practice is None:
        return _not_found(request)
    shown = PublicPractice(practice, names.stems(department.pk))
    context = {"department": department, "practice": shown}
    return _public(render(request, "practices/public/detail.html", context), request)


@login_not_required
@require_GET
def public_file(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A file of a published practice of this department; anything else (a draft's file) is 404."""
    department = EducationDepartment.objects.filter(code=code).first()
    practice_file = (
        PracticeFile.objects.filter(
            pk=pk, practice__department=department, practice__state=PracticeState.PUBLISHED
        ).first()
        if department
        else None
    )
    if practice_file is None:
        return _not_found(request)
    filename = names.mask(practice_file.original_name, names.stems(department.pk))
    return _public(_download(request, practice_file, filename), request)


class PracticeFeed(Feed):
    """The Atom feed of the department's new publications, for the news block of its own site."""

    feed_type = Atom1Feed
    language = "ru"
    _code = ""
    known: frozenset[str] = frozenset()

    def get_object(self, request, code: str) -> EducationDepartment:
        department = get_object_or_404(EducationDepartment, code=code)
        self.known = names.stems(department.pk)
        return department

    def title(self, department: EducationDepartment) -> str:
        return f"Банк лучших практик наставничества — {department.municipality}"

    def subtitle(self, department: EducationDepartment) -> str:
        return f"Новые публикации: {department.name}"

    def link(self, department: EducationDepartment) -> str:
        return reverse("public_practices", args=[department.code])

    def items(self, department: EducationDepartment):
        return _published(department).prefetch_related("files")[:20]

    def item_title(self, item: Practice) -> str:
        return names.mask(item.title, self.known)

    def item_description(self, item: Practice) -> str:
        # The summary is HTML to a reader: the text is escaped here, and again as XML by the writer.
        school = escape(f"{item.organisation.short_name}, {item.format.name}")
        return f"<p>{school}</p><p>{linebreaksbr(escape(names.mask(item.description, self.known)))}</p>"

    def item_link(self, item: Practice) -> str:
        return reverse("public_practice", args=[self._code, item.pk])

    def item_pubdate(self, item: Practice):
        return item.published_at

    def item_updateddate(self, item: Practice):
        return item.published_at

    def __call__(self, request, *args, **kwargs):
        self._code = kwargs.get("code", "")
        if not EducationDepartment.objects.filter(code=self._code).exists():
            return _not_found(request)
        return _public(super().__call__(request, *args, **kwargs), request)


@login_not_required
@require_GET
def public_feed(request: HttpRequest, code: str) -> HttpResponse:
    return PracticeFeed()(request, code=code)
