"""Token authentication for API views: ``Authorization: Bearer <token>``.

Only views wrapped here are CSRF-exempt: they take no cookies and no session, so a browser cannot
be tricked into calling them with someone's credentials.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from chalkline.api.errors import error_response
from chalkline.api.models import ApiToken
from chalkline.api.services import hash_token, split_token
from chalkline.people.models import District, Membership


class TokenRequest(HttpRequest):
    """A request that passed ``token_required``."""

    api_token: ApiToken
    district: District


def authenticate(request: HttpRequest) -> ApiToken | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    plain = value.strip()
    prefix = split_token(plain)
    if prefix is None:
        return None
    token = (
        ApiToken.objects.select_related("district")
        .annotate(creator_has_access=_creator_has_access())
        .filter(prefix=prefix)
        .first()
    )
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(plain)):
        return None
    if token.revoked_at is not None:
        return None
    if not cast(Any, token).creator_has_access:  # annotated by the query above
        return None
    return token


def _creator_has_access() -> ExpressionWrapper[Q]:
    """A token acts on its creator's standing: it is refused (401, like a revoked token) while
    its creator holds no active membership in the token's district, or their person record is
    inactive (a leaver: people.services.leavers suspends their memberships). It works again
    only when an administrator grants the creator a role again. A token with no creator (made
    by a command, or its account deleted) stands on its own: revoke it on the token page."""
    creator_holds_a_role = Exists(
        Membership.objects.filter(
            user_id=OuterRef("created_by_id"), district_id=OuterRef("district_id"), active=True
        ).filter(Q(user__person__isnull=True) | Q(user__person__active=True))
    )
    return ExpressionWrapper(
        Q(creator_holds_a_role) | Q(created_by__isnull=True), output_field=BooleanField()
    )


def token_required(
    scope: str, *, methods: tuple[str, ...] = ("POST",)
) -> Callable[[Callable[[TokenRequest], HttpResponse]], Callable[[HttpRequest], HttpResponse]]:
    def decorate(
        view: Callable[[TokenRequest], HttpResponse],
    ) -> Callable[[HttpRequest], HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest) -> HttpResponse:
            if request.method not in methods:
                response = error_response(405, "method_not_allowed", f"Use {' or '.join(methods)}.")
                response["Allow"] = ", ".join(methods)
                return response
            if "Authorization" not in request.headers:
                return error_response(
                    401,
                    "not_authenticated",
                    "Send an API token: 'Authorization: Bearer <token>'.",
                    field="Authorization",
                )
            token = authenticate(request)
            if token is None:
                return error_response(
                    401,
                    "invalid_token",
                    "The API token is unknown, malformed or revoked.",
                    field="Authorization",
                )
            if not token.has_scope(scope):
                return error_response(
                    403, "missing_scope", f"This token does not have the {scope!r} scope."
                )
            request.api_token = token  # type: ignore[attr-defined]
            request.district = token.district  # type: ignore[attr-defined]
            return view(request)  # type: ignore[arg-type]

        return wrapper

    return decorate
