"""A pair's questionnaires: the participants × stages with what is entered, the growth they show, the
curator's entry of a paper questionnaire and the personal links sent. Access is the pair's own
(registry.access.get_pair); the one page without a login is the answer page a personal link opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.views import save_or_explain
from influence import links, outcomes, results, services
from influence.forms import AnswerLinkForm, QuestionnaireForm
from influence.models import LINK_LIFETIME_DAYS, AnswerLink, LinkRecipient, Purpose, Role
from jobs.submissions import submitted_once
from registry import privacy, throttle
from registry.access import get_pair, scope_for
from registry.models import MentoringPair, PairMentee


def _participations(pair: MentoringPair) -> list[PairMentee]:
    return list(pair.participations.select_related("mentee"))


@require_GET
def pair_questionnaires(request: HttpRequest, pk: int) -> HttpResponse:
    pair = get_pair(request.user, pk)
    participations = _participations(pair)
    sheet = results.pair_sheet(pair, participations)
    privacy.record_shown(request, [pair.mentor, *(p.mentee for p in participations)], what="анкеты пары")
    return render(
        request,
        "influence/pair_questionnaires.html",
        {
            "pair": pair,
            "sheet": sheet,
            "outcomes": outcomes.pair_outcomes(pair, participations),
            "can_edit": scope_for(request.user).edits_organisation(pair.organisation),
        },
    )


@require_http_methods(["GET", "POST"])
@submitted_once
def mentor_response(request: HttpRequest, pk: int, purpose: str) -> HttpResponse:
    return _response_page(request, *_participant(request, pk), purpose)


@require_http_methods(["GET", "POST"])
@submitted_once
def mentee_response(request: HttpRequest, pk: int, purpose: str, participation: int) -> HttpResponse:
    return _response_page(request, *_participant(request, pk, participation), purpose)


def _participant(
    request: HttpRequest, pk: int, participation: int | None = None
) -> tuple[MentoringPair, PairMentee | None]:
    """The pair the user may change, and one of its participations (None: the mentor); 404 outside it."""
    pair = get_pair(request.user, pk, write=True)
    if participation is None:
        return pair, None
    return pair, get_object_or_404(pair.participations.select_related("mentee"), pk=participation)


def _response_page(
    request: HttpRequest, pair: MentoringPair, participation: PairMentee | None, purpose: str
) -> HttpResponse:
    """Enter a paper questionnaire, or correct the one entered."""
    if purpose not in Purpose.values:
        raise Http404("Такой анкеты нет.")
    role = Role.MENTOR if participation is None else Role.MENTEE
    person = pair.mentor if participation is None else participation.mentee
    response = services.response_of(pair, participation, purpose)
    template = response.template if response else services.template_for(pair, purpose, role)
    if template is None:
        raise Http404("Для этой формы наставничества нет анкеты.")
    questions = services.questions_of(template)
    form = QuestionnaireForm(request.POST or None, questions=questions, response=response)
    privacy.record_shown(request, [pair.mentor, person], what="анкета участника")
    if request.method == "POST" and form.is_valid():
        saved = save_or_explain(  # two curators saving the same new questionnaire at once: explained, never a 500
            form,
            lambda: services.save_response(
                pair=pair,
                participation=participation,
                template=template,
                values=form.values(),
                user=request.user,
                response=response,
            ),
        )
        if saved is not None:
            messages.success(request, "Анкета сохранена.")
            return redirect("influence_pair", pk=pair.pk)
    return render(
        request,
        "influence/response_form.html",
        {
            "pair": pair,
            "person": person,
            "role_label": Role(role).label,
            "purpose_label": Purpose(purpose).label,
            "template": template,
            "response": response,
            "form": form,
        },
    )


# --- Personal answer links: the curator's side -------------------------------------------------------


@require_http_methods(["GET", "POST"])
@submitted_once
def mentor_link(request: HttpRequest, pk: int, purpose: str) -> HttpResponse:
    return _link_page(request, *_participant(request, pk), purpose)


@require_http_methods(["GET", "POST"])
@submitted_once
def mentee_link(request: HttpRequest, pk: int, purpose: str, participation: int) -> HttpResponse:
    return _link_page(request, *_participant(request, pk, participation), purpose)


def _link_page(
    request: HttpRequest, pair: MentoringPair, participation: PairMentee | None, purpose: str
) -> HttpResponse:
    """Send a participant (or a minor's legal representative) a personal link to the questionnaire."""
    if purpose not in Purpose.values:
        raise Http404("Такой анкеты нет.")
    person = pair.mentor if participation is None else participation.mentee
    role = Role.MENTOR if participation is None else Role.MENTEE
    if services.template_for(pair, purpose, role) is None:
        raise Http404("Для этой формы наставничества нет анкеты.")
    if services.response_of(pair, participation, purpose) is not None:
        messages.info(request, "Эта анкета уже заполнена: ссылка не нужна.")
        return redirect("influence_pair", pk=pair.pk)
    form = AnswerLinkForm(request.POST or None, minor=person.is_minor())
    privacy.record_shown(request, [pair.mentor, person], what="ссылка на анкету участника")
    if request.method == "POST" and form.is_valid():
        sent = save_or_explain(
            form,
            lambda: links.send_link(
                pair=pair,
                participation=participation,
                purpose=purpose,
                recipient=form.cleaned_data["recipient"],
                email=form.cleaned_data["email"],
                user=request.user,
                site_url=request.build_absolute_uri("/"),
            ),
        )
        if sent is not None:
            messages.success(
                request,
                f"Ссылка отправлена на {sent.email}, действует до {timezone.localtime(sent.expires_at):%d.%m.%Y}.",
            )
            return redirect("influence_pair", pk=pair.pk)
    return render(
        request,
        "influence/link_form.html",
        {
            "pair": pair,
            "person": person,
            "minor": form.minor,
            "role_label": Role(role).label,
            "purpose_label": Purpose(purpose).label,
            "lifetime": LINK_LIFETIME_DAYS,
            "form": form,
        },
    )


@require_POST
def link_revoke(request: HttpRequest, pk: int, link: int) -> HttpResponse:
    pair = get_pair(request.user, pk, write=True)
    found = get_object_or_404(AnswerLink.objects.unused().filter(pair=pair), pk=link)
    links.revoke(found)
    messages.success(request, "Ссылка отозвана: по ней анкету больше не заполнить.")
    return redirect("influence_pair", pk=pair.pk)


# --- Personal answer links: the participant's side, without an account -----------------------------


def _refused(request: HttpRequest) -> HttpResponse:
    """One page for a link used, revoked, expired or unknown: it tells which of them by nothing."""
    return render(request, "influence/answer_refused.html", status=404)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST" and not throttle.answer_link_post_allowed(request):
        return render(request, "influence/answer_refused.html", {"too_many": True}, status=429)
    link = links.find(token)
    template = links.template_of(link) if link is not None else None
    if link is None or template is None:
        return _refused(request)
    form = QuestionnaireForm(
        request.POST or None, questions=services.questions_of(template), submit_label="Отправить анкету"
    )
    if request.method == "POST" and form.is_valid():
        if links.answer(token, template, form.values()) is None:
            return _refused(request)
        return render(request, "influence/answer_done.html")
    return render(
        request,
        "influence/answer_form.html",
        {
            "template": template,
            "representative": link.recipient == LinkRecipient.REPRESENTATIVE,
            "organisation": link.pair.organisation.short_name,
            "expires_at": link.expires_at,
            "form": form,
        },
    )
