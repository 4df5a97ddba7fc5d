"""Small helpers shared by the acknowledgment views."""

from __future__ import annotations

from django.http import HttpRequest

from chalkline.lib.http import client_ip


def ip_of(request: HttpRequest) -> str | None:
    return client_ip(request) or None


def agent_of(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


# Session key prefix for a comment typed on the signing page when the session had expired.
STASH_PREFIX = "acks-stash-"
