"""Sessions in the database, with a lost connection reported as what it is.

Django's database session store turns any database error while saving the session (after the view
has returned and its transaction committed) into `UpdateError`, which the session middleware answers
with 400 «Неверный запрос». When PostgreSQL restarts under load that told a user their request was
wrong — even after a POST that had been saved (docs/faults.md). Here a lost connection stays a server
error: the 500 page says to try again, and the health check and logs show the outage.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import InterfaceError, OperationalError


class SessionStore(DatabaseSessionStore):
    def save(self, must_create: bool = False) -> None:
        try:
            super().save(must_create)
        except UpdateError as error:
            if isinstance(error.__context__, (OperationalError, InterfaceError)):
                raise error.__context__ from None
            raise
