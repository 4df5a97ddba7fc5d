"""Refusals at the moment a server or worker starts, not when settings are imported.

Offline commands (``chalkline screen``, ``makemigrations --check``, ``check --deploy`` itself)
touch no sessions, signatures or tokens, so they work without a real SECRET_KEY. A process that
serves requests or runs background work does not start with the development placeholder while
DEBUG is off: cookies and reset links it signed could be forged by anyone who has read our source.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# The management commands that start a server or a worker.
SERVER_COMMANDS = frozenset({"runserver", "testserver", "db_worker"})


def refuse_placeholder_secret_key() -> None:
    if settings.DEBUG:
        return
    if not settings.SECRET_KEY or settings.SECRET_KEY == settings.PLACEHOLDER_SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is the development placeholder while DEBUG is off, so the server does not "
            "start. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value."
        )
