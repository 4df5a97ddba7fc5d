"""Finding explanations in the reader's language.

The engine writes every explanation (``Finding.message``) and suggested fix (``Finding.fix``)
in English. The strings are marked with ``gettext_noop`` (a no-op here, so the engine needs
neither Django nor a configured locale) for Django's ``makemessages``; the Spanish catalog is
``screening/locale/es/LC_MESSAGES/django.po``. A finding built from a template keeps it, and
its arguments, in ``Finding.template`` and ``Finding.args``; ``localize`` translates the
template and then fills it, so "This shares %(kind)s information about %(name)s..." becomes
Spanish around the student's name as written. The web page and the API call ``localize`` with
Django's ``gettext`` under the request's language; the CLI stays English.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from .types import Finding


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation (Django's makemessages extracts this name)."""
    return message


#: Template arguments that are themselves marked strings (translated too); the others, such as
#: a student's name as written in the message, are kept as they are.
TRANSLATED_ARGS = frozenset({"kind", "what", "hotline"})


def localize(findings: Iterable[Finding], gettext: Callable[[str], str]) -> list[Finding]:
    """The findings with ``message`` and ``fix`` translated by ``gettext``."""
    out = []
    for f in findings:
        message = gettext(f.template or f.message)
        if f.args:
            args = {k: gettext(v) if k in TRANSLATED_ARGS else v for k, v in f.args}
            try:
                message = message % args
            except (KeyError, ValueError, TypeError):  # a broken translation: keep English
                message = f.message
        fix = gettext(f.fix) if f.fix else f.fix
        out.append(dataclasses.replace(f, message=message, fix=fix))
    return out
