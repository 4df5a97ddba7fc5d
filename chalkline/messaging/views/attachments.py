"""Attachments in the composer and the thread: staging uploads between round trips, the
pictured-students step, and the access-checked download."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import FileResponse, Http404
from django.http.response import HttpResponseBase
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chalkline.messaging.access import get_thread_for
from chalkline.messaging.attachments import (
    MAX_ATTACHMENT_BYTES,
    MAX_ATTACHMENTS,
    AttachmentError,
    StagedFile,
    accept,
    blob_path,
)
from chalkline.messaging.models import Attachment, Recipient
from chalkline.messaging.photos import NOBODY, PhotoStep
from chalkline.messaging.selectors import mine
from chalkline.messaging.services.attachments import PendingFile
from chalkline.people.decorators import DistrictRequest, district_required


def collect_files(request: DistrictRequest, form: forms.Form) -> list[StagedFile]:
    """The files the message will carry: those kept from an earlier round trip (signed tokens the
    sender may untick) and new uploads, each checked and stored. Refusals become errors of the
    form's ``attachments`` field, naming the file and the limit."""
    files: list[StagedFile] = []
    seen: set[str] = set()
    errors: list[str] = []
    uploads = form.cleaned_data.get("attachments") or []
    tokens = request.POST.getlist("kept")
    if not uploads:
        # the composer's checks (htmx) leave the file input out and send back what the
        # previous check staged; a request that uploads files replaces those
        tokens += request.POST.getlist("staged")
    for token in tokens[: MAX_ATTACHMENTS * 2]:
        try:
            staged = StagedFile.from_token(token, request.user.pk)
        except AttachmentError as exc:
            errors.append(str(exc))
            continue
        if staged.sha256 not in seen:
            seen.add(staged.sha256)
            files.append(staged)
    for upload in uploads:
        name = upload.name or "attachment"
        if (upload.size or 0) > MAX_ATTACHMENT_BYTES:
            # refused from its size alone: a huge upload is never read into memory
            errors.append(
                f"Attachments: {name} is {(upload.size or 0) / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB a file."
            )
            continue
        try:
            staged = accept(upload.read(), name)
        except AttachmentError as exc:
            errors.append(str(exc))
            continue
        if staged.sha256 not in seen:
            seen.add(staged.sha256)
            files.append(staged)
    if len(files) > MAX_ATTACHMENTS:
        errors.append(
            f"Attachments: at most {MAX_ATTACHMENTS} files a message (this one has {len(files)})."
        )
    for error in errors:
        form.add_error("attachments", error)
    return files


def wire_file_input(form: forms.Form, check_url: str) -> None:
    """Choosing files runs the composer's check with them (htmx): counted faces ask who is
    pictured at once. The form's other checks leave the file input out (its tokens come back)."""
    form.fields["attachments"].widget.attrs.update(
        {
            "hx-post": check_url,
            "hx-trigger": "change",
            "hx-params": "*",
            "hx-encoding": "multipart/form-data",
            "hx-target": "#findings",
            "hx-swap": "outerHTML",
            # one check at a time: a check queued behind this one sends the tokens it returns
            "hx-sync": "closest form:queue last",
        }
    )


def pending(files: list[StagedFile], step: PhotoStep) -> list[PendingFile]:
    return [
        PendingFile(f, tuple(sorted(step.chosen)) if f.is_photo_with_faces and step.asks else ())
        for f in files
    ]


def files_context(
    request: DistrictRequest, files: list[StagedFile], step: PhotoStep
) -> dict[str, Any]:
    staged = [(f, f.token(request.user.pk)) for f in files]
    kept = set()
    for token in request.POST.getlist("kept"):
        try:
            kept.add(StagedFile.from_token(token, request.user.pk).sha256)
        except AttachmentError:
            continue
    return {
        "staged": staged,
        # an htmx check: the file input keeps the files it uploaded, and the findings carry
        # their tokens for the next check (files kept from a full page stay in its checkboxes)
        "htmx_staged": [(f, t) for f, t in staged if f.sha256 not in kept]
        if getattr(request, "htmx", False)
        else [],
        "photo_step": step,
        "pictured_nobody": NOBODY in request.POST.getlist("pictured"),
        "nobody_value": NOBODY,
    }


def _visible_attachment(request: DistrictRequest, pk: int, position: int) -> Attachment:
    found = (
        Attachment.objects.filter(message_id=pk, position=position)
        .select_related("message__thread", "message__retraction")
        .first()
    )
    if found is None:
        raise Http404("No such attachment")
    message = found.message
    get_thread_for(request.user, request.district, message.thread_id)  # 404 outside the thread
    if message.sender_id == request.user.pk:
        return found
    received = Recipient.objects.filter(mine(request.user), message=message).exists()
    if not received or hasattr(message, "retraction"):
        raise Http404("No such attachment")
    return found


@never_cache
@require_http_methods(["GET"])
@district_required
def download(request: DistrictRequest, pk: int, position: int) -> HttpResponseBase:
    """One attachment, to the message's sender and recipients only (others: 404), always as a
    download with its checked type: never rendered in the hub's own origin."""
    found = _visible_attachment(request, pk, position)
    response = FileResponse(
        blob_path(found.sha256).open("rb"),
        as_attachment=True,
        filename=found.filename,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
