"""System checks that report misconfiguration before a server starts."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError


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


@register("people", deploy=False)
def check_import_deactivation_share(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    share = settings.IMPORT_MAX_DEACTIVATION_SHARE
    if not 0 <= share <= 1:
        return [
            Error(
                f"IMPORT_MAX_DEACTIVATION_SHARE is {share}; it must be a fraction from 0 to 1.",
                hint="For example 0.10: an import deactivating more than 10% asks to confirm.",
                id="chalkline.E010",
            )
        ]
    return []


@register("security")
def check_trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Each TRUSTED_PROXIES entry must be an address or a network, or every request would fail."""
    problems: list[CheckMessage] = []
    for entry in settings.TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            problems.append(
                Error(
                    f"TRUSTED_PROXIES holds {entry!r}, which is not an address or a network.",
                    hint="Use addresses or CIDR networks such as 10.0.0.0/8, comma-separated.",
                    id="chalkline.E003",
                )
            )
    return problems


_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0", ""})  # noqa: S104


@register("security", deploy=True)
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """SITE_URL goes into every certificate's verification link and QR code and every notice;
    the development default (or any loopback address) would print links nobody can open."""
    from urllib.parse import urlsplit

    url = urlsplit(settings.SITE_URL)
    if (
        url.scheme not in ("http", "https")
        or url.hostname is None
        or (url.hostname in _LOOPBACK_HOSTS or url.hostname.startswith("127."))
    ):
        return [
            Error(
                f"SITE_URL is {settings.SITE_URL!r}, an address only this machine can open. "
                "Certificates and notices print it as their verification link.",
                hint="Set SITE_URL to the public address of this site, e.g. "
                "https://chalkline.example.org.",
                id="chalkline.E004",
            )
        ]
    return []


# Tagged "database": runs with `chalkline check --database default` (and before `migrate`), when
# the providers table can be read.
@register(Tags.database)
def check_sign_in_providers(
    app_configs: Any = None, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    if not databases:
        return []
    from chalkline.people.models import IdentityProvider
    from chalkline.people.sso import client_secret

    problems: list[CheckMessage] = []
    try:
        providers = list(IdentityProvider.objects.filter(active=True))
    except DatabaseError:  # not migrated yet
        return []
    for provider in providers:
        try:
            secret = client_secret(provider)
        except OSError:
            secret = ""
        if not secret:
            where = provider.client_secret_file or provider.client_secret_env or "nothing"
            problems.append(
                Error(
                    f"The sign-in provider {provider.slug!r} has no client secret ({where} is "
                    "missing or empty).",
                    hint="Set the environment variable or file named on the sign-in settings page "
                    "(or by add-sign-in-provider), in every web process.",
                    id="chalkline.E010",
                )
            )
    return problems
