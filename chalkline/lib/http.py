"""Small helpers for requests and URLs (no models here)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


def client_ip(request: HttpRequest) -> str:
    """The client address as Django sees it (REMOTE_ADDR; a TLS proxy must set it correctly)."""
    return str(request.META.get("REMOTE_ADDR", ""))


class IdConverter:
    """Database ids in URLs: 1 to 18 digits, so a tampered id is a 404 and never a DB overflow."""

    regex = "[1-9][0-9]{0,17}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class HtmxRequest(HttpRequest):
    """A request that went through django-htmx's middleware (every request does): ``htmx`` is
    truthy when htmx sent it, and tells which element asked."""

    htmx: HtmxDetails
