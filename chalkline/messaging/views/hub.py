"""The messaging hub's pages: the inbox, the composer (screened as the sender types and again
on send), a thread with its replies, retraction."""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chalkline.messaging.access import (
    FOUND_LIMIT,
    can_manage_messaging,
    can_manage_records,
    can_see_unreachable,
    composer_choices,
    family_links,
    find_audiences,
    get_own_message_for,
    get_reply_thread_for,
    get_thread_for,
    may_compose,
    may_reply_in,
    may_see_groups,
    may_set_office_hours,
    require_composer,
    require_messaging_manager,
    resolve_audience,
    threads_visible_to,
)
from chalkline.messaging.access_media import can_manage_media
from chalkline.messaging.attachments import AttachmentError, StagedFile
from chalkline.messaging.forms import ComposeForm, ReplyForm, SettingsForm
from chalkline.messaging.models import (
    DEFAULT_RULES,
    WIDE_KINDS,
    AudienceKind,
    Recipient,
    Thread,
)
from chalkline.messaging.photos import (
    PhotoStep,
    photo_step,
    reply_audience,
    screen_with_attachments,
)
from chalkline.messaging.review_access import may_review, may_see_quiet_hours
from chalkline.messaging.screen import Screened, engine_audience
from chalkline.messaging.selectors import (
    Addressee,
    audience_addressees,
    inbox_page,
    mine,
    reply_addressees,
    reply_target,
    settings_of,
    unread_thread_ids,
)
from chalkline.messaging.services import (
    MessagingError,
    mark_thread_read,
    may_mark_urgent,
    record_blocked_attempt,
    reply_in_thread,
    retract_message,
    start_thread,
    update_messaging_settings,
)
from chalkline.messaging.views.attachments import (
    collect_files,
    files_context,
    pending,
    wire_file_input,
)
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.screening import ScreeningInputError
from chalkline.screening.highlight import number_findings
from chalkline.screening.i18n import localize

ACTION_LABELS = {
    "block": "Blocks sending",
    "confirm": "Send only with a reason",
    "note": "Note",
}


def clause_url(district_slug: str, clause: str) -> str | None:
    number = clause.split("/", 1)[0]
    try:
        page = reverse("policies:portal_policy", args=[district_slug, number])
    except NoReverseMatch:
        return None
    return f"{page}#{clause}"


def _findings_context(request: DistrictRequest, screened: Screened | None) -> dict[str, Any]:
    if screened is None:
        return {"screened": False}
    with translation.override(translation.get_language_from_request(request)):
        findings = localize(screened.findings, translation.gettext)
    shown = number_findings(findings, screened.text)
    outcome = screened.outcome
    rows = []
    for s in shown:
        original = screened.findings[findings.index(s.finding)]
        action = outcome.action_of(original)
        rows.append(
            {
                "s": s,
                "action": action,
                "action_label": ACTION_LABELS[action],
                "url": clause_url(request.district.slug, s.finding.clause),
            }
        )
    return {
        "screened": True,
        "rows": rows,
        "blocked": outcome.blocked,
        "needs_reason": outcome.needs_reason,
        "hotlines": outcome.hotlines,
    }


def _screen(
    request: DistrictRequest,
    text: str,
    kind: str,
    key: str,
    addressees: Any,
    files: list[StagedFile] | None = None,
    step: PhotoStep | None = None,
) -> Screened:
    """The body and its attachments, screened for the audience the message really has."""
    audience = engine_audience(request.district, kind, key, addressees)
    return screen_with_attachments(
        district=request.district,
        by=request.user,
        text=text,
        audience=audience,
        kind=kind,
        files=files or [],
        step=step or PhotoStep(),
        hub_host=request.get_host(),
    )


MAX_FIND_CHARS = 80


def _new_key() -> str:
    return uuid.uuid4().hex


@never_cache
@require_http_methods(["GET"])
@district_required
def inbox(request: DistrictRequest) -> HttpResponse:
    page = inbox_page(
        threads_visible_to(request.user, request.district),
        request.GET.get("page"),
        size=settings.PAGE_SIZE,
    )
    unread = unread_thread_ids(request.user, request.district)
    return render(
        request,
        "messaging/inbox.html",
        {
            "page": page,
            "unread": unread,
            "can_compose": may_compose(request.user, request.district),
            "can_manage": can_manage_messaging(request.user, request.district),
            "can_manage_records": can_manage_records(request.user, request.district),
            **family_links(request.user, request.district),
            "can_review": may_review(request.user, request.district),
            "can_quiet_hours": may_see_quiet_hours(request.user, request.district),
            "can_see_unreachable": can_see_unreachable(request.user, request.district),
            "can_set_office_hours": may_set_office_hours(request.user, request.district),
            "can_see_groups": may_see_groups(request.user, request.district),
            "can_media": can_manage_media(request.user, request.district),
        },
    )


def _compose_context(
    request: DistrictRequest,
    form: ComposeForm,
    files: list[StagedFile] | None = None,
    step: PhotoStep | None = None,
) -> dict[str, Any]:
    wire_file_input(form, reverse("messaging:compose_check"))
    choices = composer_choices(request.user, request.district)
    audiences = choices.audiences
    chosen = str(form["audience"].value() or "")
    if chosen and all(a.value != chosen for a in audiences):
        # a class or family found by search (or linked with ?to=) is not in the short list:
        # offer it when the user may write to it, so it stays selected
        kind, _, key = chosen.partition(":")
        with suppress(PermissionDenied):
            audiences = [resolve_audience(request.user, request.district, kind, key), *audiences]
    return {
        "form": form,
        "audiences": audiences,
        "searchable": choices.searchable,
        "can_mark_urgent": may_mark_urgent(request.user, request.district),
    } | files_context(request, files or [], step or PhotoStep())


def _find_context(request: DistrictRequest) -> dict[str, Any]:
    """The composer's search for a class or a student's family (``?find=``)."""
    text = request.GET.get("find", "").strip()
    error = ""
    found: list[Any] = []
    if len(text) > MAX_FIND_CHARS:
        error = f"Find: at most {MAX_FIND_CHARS} characters (this has {len(text)})."
    elif text and len(text) < 2 and not request.htmx:  # still typing: no error yet
        error = "Find: type at least 2 letters of a name or class."
    elif len(text) >= 2:
        found = find_audiences(request.user, request.district, text)
    return {"find": text, "find_error": error, "found": found, "found_limit": FOUND_LIMIT}


@dataclass(frozen=True)
class _ComposeScreen:
    audience: Any
    screened: Screened | None
    #: the audience's addressees when screening needed them (one family, one person): the send
    #: reuses them instead of resolving them again
    addressees: list[Addressee] | None
    step: PhotoStep


def _compose_screen(
    request: DistrictRequest, form: ComposeForm, files: list[StagedFile]
) -> _ComposeScreen:
    """The audience (403 outside), the photo step, and the screening of body and files."""
    kind, key = form.cleaned_data["audience"]
    audience = resolve_audience(request.user, request.district, kind, key)  # 403 outside
    addressees = (
        audience_addressees(request.district, kind, key, sender=request.user)
        if kind in (AudienceKind.FAMILY, AudienceKind.DIRECT, AudienceKind.STAFF_GROUP)
        else None
    )
    step = photo_step(
        district=request.district,
        by=request.user,
        kind=kind,
        key=key,
        files=files,
        pictured=request.POST.getlist("pictured"),
    )
    try:
        screened = _screen(
            request, form.cleaned_data["body"], kind, key, addressees or [], files, step
        )
    except ScreeningInputError as exc:
        form.add_error("body", f"Message: {exc}")
        return _ComposeScreen(audience, None, addressees, step)
    return _ComposeScreen(audience, screened, addressees, step)


_WHO_IS_PICTURED = "Who is in the photo: tick the students pictured, or “No students are pictured”."


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def compose(request: DistrictRequest) -> HttpResponse:
    require_composer(request.user, request.district)
    status = 200
    screened: Screened | None = None
    files: list[StagedFile] = []
    step = PhotoStep()
    if request.method == "POST":
        form = ComposeForm(request.POST, request.FILES)
        files = collect_files(request, form) if form.is_valid() else []
        if form.is_valid():
            found = _compose_screen(request, form, files)
            audience, screened, step = found.audience, found.screened, found.step
            if screened is not None:
                outcome = screened.outcome
                reason = form.cleaned_data["reason"].strip()
                if step.asks and not step.answered:
                    form.add_error("attachments", _WHO_IS_PICTURED)
                    status = 400
                elif outcome.blocked:
                    record_blocked_attempt(
                        district=request.district,
                        by=request.user,
                        kind=audience.kind,
                        key=audience.key,
                        detectors=outcome.detectors("block"),
                        body=form.cleaned_data["body"],
                    )
                    status = 400
                elif outcome.needs_reason and not reason:
                    form.add_error(
                        "reason", "Why send it anyway: a finding below asks for your reason."
                    )
                    status = 400
                else:
                    try:
                        message = start_thread(
                            district=request.district,
                            by=request.user,
                            kind=audience.kind,
                            key=audience.key,
                            audience_label=audience.label,
                            subject=form.cleaned_data["subject"],
                            body=form.cleaned_data["body"],
                            idempotency_key=form.cleaned_data["idempotency_key"],
                            findings=screened.summary,
                            override_reason=reason if outcome.needs_reason else "",
                            urgent_reason=form.cleaned_data["urgent_reason"],
                            addressees=found.addressees,
                            attachments=pending(files, step),
                        )
                    except (MessagingError, AttachmentError) as exc:
                        form.add_error(None, str(exc))
                        status = 400
                    else:
                        flash.success(request, "Message sent.")
                        return redirect("messaging:thread", pk=message.thread_id)
            else:
                status = 400
        else:
            status = 400
    else:
        if request.htmx and "find" in request.GET:  # the search's results as the writer types
            return render(request, "messaging/compose.html#found", _find_context(request))
        form = ComposeForm(
            initial={"idempotency_key": _new_key(), "audience": request.GET.get("to", "")}
        )
    context = _compose_context(request, form, files, step) | _findings_context(request, screened)
    context |= _find_context(request)
    return render(request, "messaging/compose.html", context, status=status)


@never_cache
@require_POST
@district_required
def compose_check(request: DistrictRequest) -> HttpResponse:
    """The findings for the composer's text and audience, as the sender types (htmx); without
    JavaScript, the whole composer with the findings. Nothing is stored."""
    require_composer(request.user, request.district)
    form = ComposeForm(request.POST, request.FILES)
    screened = None
    files: list[StagedFile] = []
    step = PhotoStep()
    if form.is_valid():
        files = collect_files(request, form)
        found = _compose_screen(request, form, files)
        screened, step = found.screened, found.step
    elif "audience" in form.cleaned_data:
        resolve_audience(request.user, request.district, *form.cleaned_data["audience"])
    context = _compose_context(request, form, files, step) | _findings_context(request, screened)
    context |= _find_context(request)
    template = "messaging/compose.html"
    if request.htmx:
        template += "#findings"
    return render(request, template, context)


def _thread_context(
    request: DistrictRequest,
    thread: Thread,
    form: ReplyForm | None = None,
    files: list[StagedFile] | None = None,
    step: PhotoStep | None = None,
) -> dict[str, Any]:
    # each reader sees the messages they sent or received (a guardian copied on a staff-student
    # conversation does not see a student's message that was kept from them)
    received = (
        Recipient.objects.filter(mine(request.user))
        .exclude(status=Recipient.Status.HELD)
        .values("message_id")
    )
    messages = list(
        thread.messages.filter(Q(sender=request.user) | Q(pk__in=received))
        .select_related("sender__person", "retraction")
        .prefetch_related("attachments")
        .annotate(
            queued=Count("recipients", filter=Q(recipients__status=Recipient.Status.QUEUED)),
            delivered=Count("recipients", filter=Q(recipients__status=Recipient.Status.SENT)),
            read=Count("recipients", filter=Q(recipients__status=Recipient.Status.READ)),
            held=Count("recipients", filter=Q(recipients__status=Recipient.Status.HELD)),
        )
        .select_related("urgent_mark")
    )
    target, private = reply_target(thread, request.user)
    starter = thread.started_by
    form = form or ReplyForm(initial={"idempotency_key": _new_key()})
    wire_file_input(form, reverse("messaging:reply_check", args=[thread.pk]))
    private_to = ""
    if private:
        private_to = starter.person.display_name if starter.person else starter.get_username()
    return {
        "thread": thread,
        "thread_messages": messages,
        "me": request.user.pk,
        "form": form,
        "private_to": private_to,
        "private_thread": target if private else None,
        "wide": thread.audience_kind in WIDE_KINDS,
        "can_reply": may_reply_in(request.user, request.district, thread),
        "can_mark_urgent": may_mark_urgent(request.user, request.district),
        "received_ids": set(
            Recipient.objects.filter(
                mine(request.user), message__thread=thread, status__in=Recipient.DELIVERED
            ).values_list("message_id", flat=True)
        ),
        "is_copy": Recipient.objects.filter(
            mine(request.user), message__thread=thread, copy_of_student__isnull=False
        ).exists(),
    } | files_context(request, files or [], step or PhotoStep())


@never_cache
@require_http_methods(["GET"])
@district_required
def thread(request: DistrictRequest, pk: int) -> HttpResponse:
    found = get_thread_for(request.user, request.district, pk)
    mark_thread_read(thread=found, by=request.user)
    return render(request, "messaging/thread.html", _thread_context(request, found))


def _reply_screen(
    request: DistrictRequest, found: Thread, text: str, files: list[StagedFile], step: PhotoStep
) -> Screened:
    addressees = reply_addressees(found, request.user)
    audience = engine_audience(request.district, AudienceKind.DIRECT, "", addressees)
    return screen_with_attachments(
        district=request.district,
        by=request.user,
        text=text,
        audience=audience,
        kind=reply_audience(found, request.user)[0],
        files=files,
        step=step,
        hub_host=request.get_host(),
    )


def _reply_photo_step(
    request: DistrictRequest, found: Thread, files: list[StagedFile]
) -> PhotoStep:
    """The pictured-students step for the audience the reply really reaches."""
    kind, key = reply_audience(found, request.user)
    return photo_step(
        district=request.district,
        by=request.user,
        kind=kind,
        key=key,
        files=files,
        pictured=request.POST.getlist("pictured"),
    )


@never_cache
@require_POST
@district_required
def reply(request: DistrictRequest, pk: int) -> HttpResponse:
    found = get_reply_thread_for(request.user, request.district, pk)
    form = ReplyForm(request.POST, request.FILES)
    screened: Screened | None = None
    files: list[StagedFile] = []
    step = PhotoStep()
    if form.is_valid():
        files = collect_files(request, form)
        step = _reply_photo_step(request, found, files)
    if form.is_valid():
        try:
            screened = _reply_screen(request, found, form.cleaned_data["body"], files, step)
        except ScreeningInputError as exc:
            form.add_error("body", f"Message: {exc}")
        else:
            outcome = screened.outcome
            reason = form.cleaned_data["reason"].strip()
            if step.asks and not step.answered:
                form.add_error("attachments", _WHO_IS_PICTURED)
            elif outcome.blocked:
                record_blocked_attempt(
                    district=request.district,
                    by=request.user,
                    kind=found.audience_kind,
                    key=found.audience_key,
                    detectors=outcome.detectors("block"),
                    thread=found,
                    body=form.cleaned_data["body"],
                )
            elif outcome.needs_reason and not reason:
                form.add_error(
                    "reason", "Why send it anyway: a finding below asks for your reason."
                )
            else:
                try:
                    message = reply_in_thread(
                        thread=found,
                        by=request.user,
                        body=form.cleaned_data["body"],
                        idempotency_key=form.cleaned_data["idempotency_key"],
                        findings=screened.summary,
                        override_reason=reason if outcome.needs_reason else "",
                        urgent_reason=form.cleaned_data["urgent_reason"],
                        attachments=pending(files, step),
                    )
                except (MessagingError, AttachmentError) as exc:
                    form.add_error(None, str(exc))
                else:
                    flash.success(request, "Reply sent.")
                    return redirect("messaging:thread", pk=message.thread_id)
    context = _thread_context(request, found, form, files, step)
    context |= _findings_context(request, screened)
    return render(request, "messaging/thread.html", context, status=400)


@never_cache
@require_POST
@district_required
def reply_check(request: DistrictRequest, pk: int) -> HttpResponse:
    found = get_reply_thread_for(request.user, request.district, pk)
    form = ReplyForm(request.POST, request.FILES)
    screened = None
    files: list[StagedFile] = []
    step = PhotoStep()
    if form.is_valid():
        files = collect_files(request, form)
        step = _reply_photo_step(request, found, files)
    if form.is_valid():
        try:
            screened = _reply_screen(request, found, form.cleaned_data["body"], files, step)
        except ScreeningInputError as exc:
            form.add_error("body", f"Message: {exc}")
    context = _thread_context(request, found, form, files, step)
    context |= _findings_context(request, screened)
    template = "messaging/thread.html"
    if request.htmx:
        template += "#findings"
    return render(request, template, context)


@never_cache
@require_POST
@district_required
def retract(request: DistrictRequest, pk: int) -> HttpResponse:
    message = get_own_message_for(request.user, request.district, pk)
    try:
        retract_message(message=message, by=request.user, reason=request.POST.get("reason", ""))
    except MessagingError as exc:
        flash.error(request, str(exc))
    else:
        flash.success(request, "Message retracted: its recipients no longer see it.")
    return redirect("messaging:thread", pk=message.thread_id)


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def settings_page(request: DistrictRequest) -> HttpResponse:
    """What each screening finding does to a message, and the hub's settings (superintendent
    and designee)."""
    require_messaging_manager(request.user, request.district)
    current = settings_of(request.district)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                update_messaging_settings(
                    district=request.district,
                    rules=form.rules(),
                    students_may_start=form.cleaned_data["students_may_start"],
                    guardians_through_grade=form.cleaned_data["guardians_through_grade"],
                    by=request.user,
                    students_reachable_grades=form.reachable_grades(),
                    keep_blocked_text=form.cleaned_data["keep_blocked_text"],
                )
            except MessagingError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, "Messaging settings saved.")
                return redirect("messaging:settings")
        status = 400
    else:
        initial: dict[str, Any] = {f"rule_{d}": current.rule_for(d) for d in DEFAULT_RULES}
        initial["students_may_start"] = current.students_may_start
        initial["guardians_through_grade"] = current.guardians_see_student_threads_through_grade
        initial["students_from_grade"] = current.students_reachable_from_grade
        initial["students_through_grade"] = current.students_reachable_through_grade
        initial["keep_blocked_text"] = current.keep_blocked_text
        form = SettingsForm(initial=initial)
    return render(request, "messaging/settings.html", {"form": form}, status=status)
