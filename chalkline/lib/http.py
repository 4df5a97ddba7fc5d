"""Small helpers for requests and URLs (no models here)."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django_htmx.middleware import HtmxDetails

logger = logging.getLogger(__name__)


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _trusted(value: str) -> bool:
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(n, strict=False) for n in settings.TRUSTED_PROXIES)


def client_ip(request: HttpRequest) -> str:
    """The client's address.

    Directly exposed (BEHIND_TLS_PROXY off), it is REMOTE_ADDR. Behind the reverse proxy, REMOTE_ADDR
    is the proxy, and the client is the right-most X-Forwarded-For entry that is not one of our
    proxies (TRUSTED_PROXIES): entries further left were written by the client and prove nothing.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    if not settings.BEHIND_TLS_PROXY:
        return remote
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _is_ip(hop):
            break  # garbage: the hop to its right is the best we know
        if not _trusted(hop):
            return hop
        remote = hop
    return remote


def after_response(response: HttpResponseBase, work: Callable[[], object]) -> None:
    """Run ``work`` once the response has been sent: WSGI and ASGI servers close the response
    after its last byte, and Django runs the response's closers then."""

    def run() -> None:
        try:
            work()
        except Exception as exc:  # the client has its answer; log the kind only, never the data
            logger.error("work after the response failed: %s", type(exc).__name__)

    # Django's own hook for this (how a FileResponse closes its file); not in the type stubs.
    response._resource_closers.append(run)  # type: ignore[attr-defined]


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
