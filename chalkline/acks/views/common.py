"""Small helpers shared by the acknowledgment views."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from chalkline.lib.http import client_ip


def ip_of(request: HttpRequest) -> str | None:
    return client_ip(request) or None


def agent_of(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:300]


# A comment typed on the signing page after the session had expired is kept in a signed cookie
# scoped to that page, never in a new session: an anonymous POST must not create a session row.
STASH_COOKIE = "chalkline_sign_comment"
STASH_SALT = "chalkline.acks.sign-comment"
STASH_SECONDS = 3600
STASH_MAX_BYTES = 3800  # browsers keep cookies up to 4 KB


def stash_comment(response: HttpResponse, *, path: str, comment: str) -> None:
    """Keep the comment for the signing page at ``path`` (shortened if it cannot fit a cookie)."""
    while comment:
        value = signing.dumps(comment, salt=STASH_SALT, compress=True)
        if len(value) <= STASH_MAX_BYTES:
            response.set_cookie(
                STASH_COOKIE,
                value,
                max_age=STASH_SECONDS,
                path=path,
                secure=settings.SECURE_COOKIES,
                httponly=True,
                samesite="Lax",
            )
            return
        comment = comment[: len(comment) * 4 // 5]


def stashed_comment(request: HttpRequest) -> str:
    value = request.COOKIES.get(STASH_COOKIE, "")
    if not value:
        return ""
    try:
        return str(signing.loads(value, salt=STASH_SALT, max_age=STASH_SECONDS))
    except signing.BadSignature:
        return ""


def forget_stash(response: HttpResponse, *, path: str) -> None:
    response.delete_cookie(STASH_COOKIE, path=path, samesite="Lax")
