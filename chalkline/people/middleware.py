"""Sets ``request.district``: the district the signed-in user is working in."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from chalkline.lib import ratelimit
from chalkline.lib.http import client_ip
from chalkline.people.models import District

SESSION_KEY = "chalkline_district_id"


def _district_for(request: HttpRequest) -> District | None:
    user = request.user
    if not user.is_authenticated:
        return None
    # The district chosen in the session if the user still belongs to it, else their first. One
    # raw query: this runs on every request, and the ORM's compilation of the join cost more
    # than the query.
    wanted = request.session.get(SESSION_KEY)
    found = list(
        District.objects.raw(
            _DISTRICT_SQL,
            [user.pk, wanted if isinstance(wanted, int) else -1],
        )
    )
    return found[0] if found else None


_DISTRICT_COLUMNS = ", ".join(f'd."{f.column}"' for f in District._meta.concrete_fields)
_DISTRICT_SQL = (
    f"SELECT {_DISTRICT_COLUMNS} FROM people_district d WHERE d.id IN "  # noqa: S608 - model columns
    "(SELECT m.district_id FROM people_membership m WHERE m.user_id = %s AND m.active) "
    "ORDER BY CASE WHEN d.id = %s THEN 0 ELSE 1 END, d.id LIMIT 1"
)


def current_district_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        request.district = _district_for(request)  # type: ignore[attr-defined]
        return get_response(request)

    return middleware


REFRESH_KEY = "chalkline_refreshed_at"


def session_refresh_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Keep signed-in sessions alive while they are used, writing the session at most once every
    SESSION_REFRESH_SECONDS: an idle session still ends SESSION_IDLE_MINUTES after its last use."""

    def middleware(request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = int(time.time())
            if now - int(session.get(REFRESH_KEY, 0)) >= settings.SESSION_REFRESH_SECONDS:
                session[REFRESH_KEY] = now  # marks the session modified: saved with a new expiry
        return get_response(request)

    return middleware


def anonymous_post_rate_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Every form an anonymous visitor can post (sign-in, password reset, a new password) counts
    against RATE_LIMIT_ANONYMOUS_POST per client address. The API has its own per-token limit."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if (
            request.method == "POST"
            and not request.user.is_authenticated
            and not request.path.startswith("/api/")
        ):
            limit, seconds = settings.RATE_LIMIT_ANONYMOUS_POST
            retry = ratelimit.consume("anon-post", client_ip(request), limit=limit, seconds=seconds)
            if retry is not None:
                return ratelimit.too_many_requests(request, retry)
        return get_response(request)

    return middleware
