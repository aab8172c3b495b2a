"""Files on disk (uploads, job results, roadmap evidence) that never stay half-written.

Django's FileSystemStorage leaves the part already written when a write fails — the disk full, a
quota reached — and the database row that would have pointed to it is rolled back. This storage
removes that part before the error goes on to the caller (a view answers with the Russian message
of `mentoring.middleware.DiskFullMiddleware`, a job with `jobs.runner.DISK_FULL_MESSAGE`).
"""

from __future__ import annotations

import contextlib
import os

from django.core.files.storage import FileSystemStorage


class FileStorage(FileSystemStorage):
    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError:
            # The name was free when the write began (O_EXCL): what is there now is our own part.
            with contextlib.suppress(OSError):
                os.remove(self.path(name))
            raise
