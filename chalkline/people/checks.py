"""System checks that report misconfiguration before a server starts."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register


# Deploy-only: offline commands (makemigrations, screen) must work without a key. Servers and
# workers refuse the placeholder when they start (chalkline.lib.startup).
@register("security", deploy=True)
def check_secret_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if not settings.DEBUG and settings.SECRET_KEY == settings.PLACEHOLDER_SECRET_KEY:
        problems.append(
            Error(
                "SECRET_KEY is the development placeholder while DEBUG is off.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value.",
                id="chalkline.E001",
            )
        )
    if not settings.DEBUG and len(settings.SECRET_KEY) < 32:
        problems.append(
            Error(
                "SECRET_KEY is shorter than 32 characters.",
                hint="Use a long random value.",
                id="chalkline.E002",
            )
        )
    if not settings.DEBUG and not settings.ALLOWED_HOSTS:
        problems.append(
            Warning("ALLOWED_HOSTS is empty: every request will be refused.", id="chalkline.W001")
        )
    return problems
