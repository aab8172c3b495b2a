"""Personal answer links (issue 19): a questionnaire filled in without an account, once, before the link
expires. The curator sends a link to an adult participant, or to a minor's legal representative; the
database keeps only the token's hash, the URL carries the token and nothing else. A link used, revoked,
expired or unknown is refused with one and the same neutral page, revealing nothing."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from influence import services
from influence.models import (
    LINK_LIFETIME_DAYS,
    AnswerLink,
    LinkRecipient,
    Purpose,
    QuestionnaireTemplate,
    Response,
    Role,
)
from registry.models import MentoringPair, PairMentee, Person, User

TOKEN_BYTES = 32
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,100}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def recipient_for(person: Person) -> str:
    """A minor's questionnaire is answered by the legal representative; an adult's by the adult."""
    return LinkRecipient.REPRESENTATIVE if person.is_minor() else LinkRecipient.PARTICIPANT


def send_link(
    *,
    pair: MentoringPair,
    participation: PairMentee | None,
    purpose: str,
    recipient: str,
    email: str,
    user: User,
    site_url: str,
) -> AnswerLink:
    """A new link for the participant's questionnaire, replacing an unused one, and its letter after commit."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    with transaction.atomic():
        AnswerLink.objects.unused().filter(pair=pair, participation=participation, purpose=purpose).delete()
        link = AnswerLink(
            pair=pair,
            participation=participation,
            purpose=purpose,
            recipient=recipient,
            email=email,
            token_hash=hash_token(token),
            created_by=user,
            created_at=now,
            expires_at=now + timedelta(days=LINK_LIFETIME_DAYS),
        )
        link.full_clean(exclude=["created_by"])
        link.save()
        url = site_url.rstrip("/") + reverse("influence_answer", args=[token])
        transaction.on_commit(lambda: _send_letter(link, url))
    return link


def _send_letter(link: AnswerLink, url: str) -> None:
    """The letter names nobody: the questionnaire's stage, the link and its expiry."""
    context = {"link": link, "url": url, "purpose_label": Purpose(link.purpose).label.lower()}
    subject = " ".join(render_to_string("influence/email/answer_link_subject.txt", context).split())
    send_mail(subject, render_to_string("influence/email/answer_link.txt", context), None, [link.email])


def revoke(link: AnswerLink) -> None:
    link.delete()


def _usable(link: AnswerLink | None) -> AnswerLink | None:
    if link is None or link.used_at is not None or link.expires_at <= timezone.now():
        return None
    if services.response_of(link.pair, link.participation, link.purpose) is not None:
        return None  # the curator has entered it from paper meanwhile
    return link


def find(token: str) -> AnswerLink | None:
    """The link the token opens, or None if it is unknown, used, revoked or expired."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    link = AnswerLink.objects.select_related("pair__organisation", "participation").filter(token_hash=hash_token(token))
    return _usable(link.first())


def template_of(link: AnswerLink) -> QuestionnaireTemplate | None:
    role = Role.MENTOR if link.participation_id is None else Role.MENTEE
    return services.template_for(link.pair, link.purpose, role)


def answer(token: str, template: QuestionnaireTemplate, values: dict[int, Any]) -> Response | None:
    """Save the answers and mark the link used, in one transaction; None if the link no longer opens
    (two sendings at once: the second waits on the link's row lock and finds it used)."""
    try:
        with transaction.atomic():
            found = AnswerLink.objects.select_for_update().filter(token_hash=hash_token(token)).first()
            link = _usable(found)
            if link is None:
                return None
            response = services.save_response(
                pair=link.pair,
                participation=link.participation,
                template=template,
                values=values,
                user=None,
                entry_method=link.entry_method,
            )
            link.used_at = timezone.now()
            link.save(update_fields=["used_at"])
            return response
    except (IntegrityError, ValidationError):  # the response entered meanwhile by another way
        return None
