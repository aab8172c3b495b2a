"""Sessions in the database, with a lost connection reported as what it is, renewed by activity at most
once a minute.

Django's database session store turns any database error while saving the session (after the view
has returned and its transaction committed) into `UpdateError`, which the session middleware answers
with 400 «Неверный запрос». When PostgreSQL restarts under load that told a user their request was
wrong — even after a POST that had been saved (docs/faults.md). Here a lost connection stays a server
error: the 500 page says to try again, and the health check and logs show the outage.
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import InterfaceError, OperationalError
from django.utils import timezone

# A session ends after SESSION_IDLE_MINUTES without a request. Django's SESSION_SAVE_EVERY_REQUEST renews it
# on every request: an UPDATE of the session row and its signing, each time, for a deadline that moved by a
# second. It is renewed when it has moved by this much instead (the idle limit is then kept to the minute).
RENEW_AFTER = timedelta(minutes=1)


class SessionStore(DatabaseSessionStore):
    expires_at = None  # the deadline the stored row holds (None: not read, or no row)

    def _get_session_from_db(self):
        stored = super()._get_session_from_db()
        self.expires_at = stored.expire_date if stored is not None else None
        return stored

    def due_for_renewal(self) -> bool:
        """Whether the stored deadline is more than RENEW_AFTER behind the one a save would write now."""
        if self.expires_at is None:
            return True
        return self.expires_at < timezone.now() + timedelta(seconds=self.get_session_cookie_age()) - RENEW_AFTER

    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create)
        except UpdateError as error:
            if isinstance(error.__context__, (OperationalError, InterfaceError)):
                raise error.__context__ from None
            raise


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, with the idle deadline renewed when it is due (`SessionStore.due_for_renewal`) rather than on
    every request (SESSION_SAVE_EVERY_REQUEST is off): a signed-in user's request that changes nothing in the
    session writes nothing."""

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.accessed
            and not session.modified
            and not session.is_empty()
            and getattr(session, "due_for_renewal", lambda: True)()
        ):
            session.modified = True
        return super().process_response(request, response)
