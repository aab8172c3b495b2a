"""Password guessing, limited where django-axes does not reach (issue 24, finding 13).

django-axes locks a login from an address after a few failures (per login and address). Counted here,
with django-ratelimit's counters in the shared cache:

- failed logins from one address across logins (password spraying): past the limit every login from
  that address waits, whatever the login;
- the password change form's old-password field: a few tries a user;
- password reset letters: a few an address (e-mail) and a few a client address; past them the page
  answers as usual (it never tells whether the address exists) and sends nothing;
- questionnaires sent through personal links (influence, no account): a few dozen an address an hour.

The database cache's counter is not atomic: under a burst a few extra tries may pass, never many.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest
from django_ratelimit.core import get_usage, is_ratelimited

from common.web import client_ip

LOGIN_FAILURES = "login-failures-by-address"
PASSWORD_CHANGES = "password-change-by-user"
RESET_BY_EMAIL = "password-reset-by-email"
RESET_BY_ADDRESS = "password-reset-by-address"
ANSWER_LINK_POSTS = "answer-link-posts-by-address"


def _address(group: str, request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _user(group: str, request: HttpRequest) -> str:
    return str(request.user.pk)


def _email(group: str, request: HttpRequest) -> str:
    return request.POST.get("email", "").strip().lower()


@receiver(user_login_failed, dispatch_uid="registry-throttle-login-failures")
def count_login_failure(sender, credentials, request=None, **kwargs) -> None:
    if request is not None:
        get_usage(request, group=LOGIN_FAILURES, key=_address, rate=settings.LOGIN_FAILURES_PER_ADDRESS, increment=True)


def address_is_spraying(request: HttpRequest) -> bool:
    return is_ratelimited(request, group=LOGIN_FAILURES, key=_address, rate=settings.LOGIN_FAILURES_PER_ADDRESS)


def password_change_exhausted(request: HttpRequest) -> bool:
    """Counts this try; True once the user has tried too often."""
    return is_ratelimited(
        request, group=PASSWORD_CHANGES, key=_user, rate=settings.PASSWORD_CHANGES_PER_USER, increment=True
    )


def reset_letter_allowed(request: HttpRequest) -> bool:
    """Counts this request; False once the address or the client asked for too many letters."""
    by_email = is_ratelimited(
        request, group=RESET_BY_EMAIL, key=_email, rate=settings.PASSWORD_RESETS_PER_EMAIL, increment=True
    )
    by_address = is_ratelimited(
        request, group=RESET_BY_ADDRESS, key=_address, rate=settings.PASSWORD_RESETS_PER_ADDRESS, increment=True
    )
    return not (by_email or by_address)


def answer_link_post_allowed(request: HttpRequest) -> bool:
    """Counts this sending of a questionnaire through a personal link (no account); False past the
    address's limit."""
    return not is_ratelimited(
        request, group=ANSWER_LINK_POSTS, key=_address, rate=settings.ANSWER_LINK_POSTS_PER_ADDRESS, increment=True
    )
