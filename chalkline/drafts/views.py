""" "Check my draft": any employee screens a draft before posting it. Nothing is stored unless they
click "keep this check"."""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import SuspiciousOperation
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chalkline.drafts.access import (
    audience_buildings_for,
    audience_families_for,
    kept_checks_of,
    require_draft_checker,
)
from chalkline.drafts.channels import abuse_prompt_shown, approved_channels_for, logo_use_for
from chalkline.drafts.forms import DraftForm, KeepForm
from chalkline.drafts.services import keep_draft_check
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roster_index import key_of, roster_index_for
from chalkline.screening import (
    NO_LOGO_USE,
    Attachment,
    Audience,
    LogoUse,
    Message,
    ScreeningInputError,
    Sender,
    screen,
)
from chalkline.screening.highlight import number_findings, segments
from chalkline.screening.i18n import localize

# The salt keeps its old name: a check shown just before an upgrade can still be kept after it.
KEEP_SALT = "chalkline.screening.keep"
KEEP_MAX_AGE = 60 * 60  # a check can be kept within an hour


def _draft_form(
    request: DistrictRequest,
    data: Any = None,
    files: Any = None,
    initial: dict[str, Any] | None = None,
) -> DraftForm:
    buildings = audience_buildings_for(request.user, request.district)
    guardians = audience_families_for(request.user, request.district)
    return DraftForm(data, files, initial=initial, buildings=buildings, guardians=guardians)


def clause_url(district_slug: str, clause: str) -> str | None:
    """The clause on the district's public portal: the policy page at the clause's anchor (each
    clause of a portal page carries its clause id as its ``id``). None for a clause id the portal
    cannot address."""
    number = clause.split("/", 1)[0]
    try:
        page = reverse("policies:portal_policy", args=[district_slug, number])
    except NoReverseMatch:
        return None
    return f"{page}#{clause}"


def _message(request: DistrictRequest, data: dict[str, Any]) -> Message:
    kind = data["audience"]
    if kind == "building":
        building = data.get("building")
        audience = Audience("building", building_id=building.code if building else None)
    elif kind == "family":
        guardian = data.get("guardian")
        audience = Audience("direct", recipients=(key_of(guardian),) if guardian else ())
    elif kind == "class":
        audience = Audience("class")
    else:
        audience = Audience("public")
    person = request.user.person
    sender_id = key_of(person) if person else f"user-{request.user.pk}"
    author = data.get("author") or "me"
    sender = Sender(role="employee", id=sender_id)
    if author in ("student", "guardian"):
        # A message the employee received: the writer is unknown to the index, the employee is
        # its one recipient.
        sender = Sender(role=author)
        audience = Audience("direct", recipients=(sender_id,))
    attachments: tuple[Attachment, ...] = ()
    image = data.get("image")
    if image is not None:
        attachments = (Attachment(data=image.read(), filename=image.name or ""),)
    return Message(
        text=data.get("text") or "",
        sender=sender,
        audience=audience,
        attachments=attachments,
    )


def _logo_use(request: DistrictRequest, data: dict[str, Any]) -> LogoUse:
    """The logos to look for, and the employee's logo permission when they wrote the draft."""
    if not data.get("image"):
        return NO_LOGO_USE
    author = request.user.person if (data.get("author") or "me") == "me" else None
    return logo_use_for(request.district, author)


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def check(request: DistrictRequest) -> HttpResponse:
    require_draft_checker(request.user, request.district)
    context: dict[str, Any] = {"checked": False}
    status = 200
    if request.method == "POST":
        form = _draft_form(request, request.POST, request.FILES)
        if form.is_valid():
            message = _message(request, form.cleaned_data)
            try:
                findings = screen(
                    message,
                    index=roster_index_for(request.district),
                    approved=approved_channels_for(request.district),
                    logo=_logo_use(request, form.cleaned_data),
                )
            except ScreeningInputError as exc:
                form.add_error("text", str(exc))
                status = 400
            else:
                # the explanations in the browser's language (Accept-Language; English otherwise)
                with translation.override(translation.get_language_from_request(request)):
                    findings = localize(findings, translation.gettext)
                context.update(_results(request, message, findings, form.cleaned_data))
        else:
            status = 400
    else:
        form = _draft_form(request)
    context["form"] = form
    template = "drafts/check.html"
    if request.htmx and request.method == "POST":
        template += "#results"
    return render(request, template, context, status=status)


def _results(
    request: DistrictRequest, message: Message, findings: list[Any], data: dict[str, Any]
) -> dict[str, Any]:
    shown = number_findings(findings, message.text)
    severities = Counter(f.severity for f in findings)
    detectors = Counter(f.detector for f in findings)
    payload = {
        "u": request.user.pk,
        "d": request.district.pk,
        "a": data["audience"],
        "s": dict(severities),
        "t": dict(detectors),
        "i": bool(message.attachments),
        "h": hashlib.sha256(message.text.encode("utf-8")).hexdigest(),
    }
    keep_form = KeepForm(
        initial={"check": signing.dumps(payload, salt=KEEP_SALT), "text": message.text}
    )
    hotlines = sorted(
        {str(f.extra.get("hotline")) for f in findings if f.detector == "abuse_disclosure"}
    )
    if hotlines:
        abuse_prompt_shown(request.district, request.user)
    slug = request.district.slug
    return {
        "checked": True,
        "shown": shown,
        "listed": [(s, clause_url(slug, s.finding.clause)) for s in shown],
        "text_findings": [s for s in shown if s.finding.attachment is None],
        "image_findings": [s for s in shown if s.finding.attachment is not None],
        "segments": segments(message.text, shown),
        "blocks": severities.get("block", 0),
        "warnings": severities.get("warn", 0),
        "notes": severities.get("info", 0),
        "hotlines": hotlines,
        "keep_form": keep_form,
    }


@never_cache
@require_POST
@district_required
def keep(request: DistrictRequest) -> HttpResponse:
    require_draft_checker(request.user, request.district)
    form = KeepForm(request.POST)
    if not form.is_valid():
        raise SuspiciousOperation("keep form without a check")
    try:
        payload = signing.loads(form.cleaned_data["check"], salt=KEEP_SALT, max_age=KEEP_MAX_AGE)
    except signing.SignatureExpired:
        messages.error(request, "That check is more than an hour old; check the draft again.")
        return redirect("drafts:check")
    except signing.BadSignature:
        raise SuspiciousOperation("tampered draft check") from None
    if payload.get("u") != request.user.pk or payload.get("d") != request.district.pk:
        raise SuspiciousOperation("draft check of another user")
    text: str | None = None
    if form.cleaned_data["keep_text"]:
        text = form.cleaned_data["text"]
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != payload.get("h"):
            raise SuspiciousOperation("kept text differs from the checked text")
    keep_draft_check(
        district=request.district,
        audience=payload["a"],
        by_detector=payload["t"],
        severities=payload["s"],
        had_image=bool(payload["i"]),
        text=text,
        by=request.user,
    )
    messages.success(
        request,
        "Check kept with its text." if text else "Check kept (date and findings only, no text).",
    )
    # The page comes back with the draft still in the box (it was posted with the check), so the
    # employee can go on editing it; nothing more of it is stored than they chose.
    draft_form = _draft_form(
        request, initial={"text": form.cleaned_data["text"], "audience": payload["a"]}
    )
    return render(request, "drafts/check.html", {"checked": False, "form": draft_form})


@never_cache
@require_http_methods(["GET"])
@district_required
def kept(request: DistrictRequest) -> HttpResponse:
    """My kept checks: the checks the employee kept, newest first; only their own."""
    checks = kept_checks_of(request.user, request.district)
    page = Paginator(checks, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "drafts/kept.html", {"page": page})
