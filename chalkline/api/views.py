"""/api/v1: the token-authenticated screening endpoint, the OpenAPI document, and the staff page
where API tokens are created and revoked."""

from __future__ import annotations

import dataclasses
import logging
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from chalkline.api import contract, services
from chalkline.api.auth import TokenRequest, token_required
from chalkline.api.errors import ApiError, error_response, from_error
from chalkline.api.forms import TokenForm
from chalkline.api.models import ApiToken, Scope
from chalkline.api.openapi import openapi_document
from chalkline.lib import ratelimit
from chalkline.people import access
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roles import Capability
from chalkline.people.roster_index import roster_index_for
from chalkline.registry.selectors import approved_channels, logo_use_for, person_for_key
from chalkline.screening import NO_LOGO_USE, ScreeningInputError, screen, screened_text
from chalkline.screening.i18n import localize

logger = logging.getLogger(__name__)


@csrf_exempt  # reads and writes nothing: another method is a JSON 405, not a CSRF page
def openapi(request: HttpRequest) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        response = error_response(405, "method_not_allowed", "Use GET.")
        response["Allow"] = "GET, HEAD"
        return response
    return JsonResponse(openapi_document(request.build_absolute_uri("/api/v1").rstrip("/")))


@token_required(Scope.SCREEN, methods=("POST",))
def screen_message(request: TokenRequest) -> HttpResponse:
    limit, seconds = settings.RATE_LIMIT_API_SCREEN
    retry = ratelimit.consume("api-screen", str(request.api_token.pk), limit=limit, seconds=seconds)
    if retry is not None:
        response = error_response(
            429,
            "rate_limited",
            f"This token may screen {limit} messages every {seconds} seconds; "
            f"retry in {retry} seconds.",
        )
        response["Retry-After"] = str(retry)
        return response
    try:
        request_body = contract.decode_json(contract.read_body(request))
        message = contract.parse_screen_request(request_body)
        lang = contract.language_of(request_body, frozenset(code for code, _ in settings.LANGUAGES))
        index = roster_index_for(request.district)
        approved = approved_channels(request.district)
        approved = dataclasses.replace(
            approved, request_url=request.build_absolute_uri(approved.request_url)
        )
        logo = NO_LOGO_USE
        if message.attachments:
            author = person_for_key(request.district, message.sender.id)
            logo = logo_use_for(request.district, author if message.sender.is_staff else None)
            logo = dataclasses.replace(
                logo, request_url=request.build_absolute_uri(logo.request_url)
            )
        findings = screen(message, index=index, approved=approved, logo=logo)
        text = screened_text(message) if message.html else None
    except ApiError as exc:
        return from_error(exc)
    except ScreeningInputError as exc:
        return error_response(400, "invalid_message", str(exc), field="text")
    except Exception as exc:  # a bug, not bad input: answer in JSON, log no message content
        logger.error(
            "screening failed: %s (token %s)", type(exc).__name__, request.api_token.prefix
        )
        return error_response(500, "internal_error", "Screening failed; the error was logged.")
    # explanations in the body's "lang", else the Accept-Language header's, else English
    with translation.override(lang or translation.get_language_from_request(request)):
        findings = localize(findings, translation.gettext)
        language = translation.get_language()
    body: dict[str, object] = {
        "id": message.id or None,
        "findings": [f.to_dict() for f in findings],
    }
    if text is not None:
        body["screened_text"] = text
    try:
        # Encoded before the audit event, so that a call the API cannot answer is not recorded.
        response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    except UnicodeEncodeError:
        return error_response(400, "invalid_message", "The message cannot be encoded as UTF-8.")
    services.record_screen_call(
        token=request.api_token,
        by_detector=dict(Counter(f.detector for f in findings)),
        attachments=len(message.attachments),
        characters=len(message.text),
    )
    response["Content-Language"] = language
    patch_vary_headers(response, ("Accept-Language",))
    return response


# --- staff page: API tokens ------------------------------------------------------------------


def _token_list(request: DistrictRequest) -> list[ApiToken]:
    return list(ApiToken.objects.in_district(request.district).select_related("created_by"))


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def tokens(request: DistrictRequest) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_API_TOKENS)
    form = TokenForm(request.POST if request.method == "POST" else None)
    created: ApiToken | None = None
    plain = ""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            created, plain = services.create_api_token(
                district=request.district,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                by=request.user,
            )
            form = TokenForm()
            status = 201
        else:
            status = 400
    return render(
        request,
        "api/tokens.html",
        {"form": form, "tokens": _token_list(request), "created": created, "plain": plain},
        status=status,
    )


@require_POST
@district_required
def revoke_token(request: DistrictRequest, pk: int) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_API_TOKENS)
    token = get_object_or_404(ApiToken.objects.in_district(request.district), pk=pk)
    services.revoke_api_token(token=token, by=request.user)
    messages.success(request, f"Token “{token.name}” ({token.prefix}…) is revoked.")
    return redirect("api:tokens")
