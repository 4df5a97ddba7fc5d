"""The archive's pages for the records officer (and the superintendent and designee): search,
a thread read from the archive (audited unless the reader is in it), exports with their status
and download."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.db.models import Count, Exists, OuterRef, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chalkline.messaging.access import (
    archive_exports_visible_to,
    get_archive_thread_for,
    get_export_for_download,
    require_archive_reader,
)
from chalkline.messaging.archive import search_archive
from chalkline.messaging.archive_forms import ArchiveSearchForm, ExportForm
from chalkline.messaging.models import ArchiveExport, Recipient, Retraction
from chalkline.messaging.services import (
    MessagingError,
    record_archive_read,
    record_archive_search,
    record_export_download,
    request_archive_export,
)
from chalkline.people.decorators import DistrictRequest, district_required

PAGE_SIZE = 50
_SEARCH_KEYS = ("text", "sender", "recipient", "date_from", "date_to")


def _page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 10_000 else 1


@never_cache
@require_http_methods(["GET"])
@district_required
def archive(request: DistrictRequest) -> HttpResponse:
    """Search by text, sender, recipient and dates; each search is audited with its criteria."""
    require_archive_reader(request.user, request.district)
    searched = any(k in request.GET for k in _SEARCH_KEYS)
    form = ArchiveSearchForm(request.GET if searched else None)
    page = None
    query = ""
    status = 200
    if searched:
        if form.is_valid():
            criteria = form.criteria()
            number = _page_number(request.GET.get("page"))
            after = request.GET.get("after", "")
            page = search_archive(
                request.district,
                criteria,
                page=number,
                size=PAGE_SIZE,
                after=int(after) if after.isdigit() and len(after) < 19 else None,
            )
            record_archive_search(
                district=request.district,
                by=request.user,
                criteria=criteria,
                page=number,
                shown=len(page.rows),
            )
            query = urlencode({k: request.GET.get(k, "") for k in _SEARCH_KEYS})
        else:
            status = 400
    context = {"form": form, "page": page, "query": query, "searched": searched}
    template = "messaging/archive.html"
    if request.htmx and page is not None:
        template += "#results"
    return render(request, template, context, status=status)


@never_cache
@require_http_methods(["GET"])
@district_required
def archive_thread(request: DistrictRequest, pk: int) -> HttpResponse:
    """Every message of a thread as the archive keeps it (retracted ones marked), with its
    recipients' delivery counts. Audited unless the reader takes part in the thread."""
    thread = get_archive_thread_for(request.user, request.district, pk)
    audited = record_archive_read(thread=thread, by=request.user)
    rows = (
        thread.messages.select_related("sender__person")
        .annotate(
            retracted=Exists(Retraction.objects.filter(message=OuterRef("pk"))),
            recipient_count=Count("recipients", distinct=True),
            read_count=Count(
                "recipients", filter=Q(recipients__status=Recipient.Status.READ), distinct=True
            ),
        )
        .order_by("sent_at", "pk")
    )
    return render(
        request,
        "messaging/archive_thread.html",
        {"thread": thread, "rows": rows, "audited": audited},
    )


def _new_key() -> str:
    return uuid.uuid4().hex


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def archive_exports(request: DistrictRequest) -> HttpResponse:
    """Ask for an export (FOIA, a parent's request, a legal hold) and see the exports made."""
    exports = archive_exports_visible_to(request.user, request.district).select_related(
        "requested_by__person", "student"
    )
    status = 200
    if request.method == "POST":
        form = ExportForm(request.POST, district=request.district)
        if form.is_valid():
            try:
                export = request_archive_export(
                    district=request.district,
                    by=request.user,
                    profile=form.cleaned_data["profile"],
                    criteria=form.criteria(),
                    student=form.student_person,
                    reference=form.cleaned_data["reference"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except MessagingError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, f"Export {export.pk} asked for: it is listed below.")
                return redirect("messaging:archive_exports")
        status = 400
    else:
        initial = {k: request.GET.get(k, "") for k in _SEARCH_KEYS if request.GET.get(k)}
        form = ExportForm(
            initial=initial | {"idempotency_key": _new_key(), "profile": "foia"},
            district=request.district,
        )
    rows = list(exports[:100])
    pending = any(
        e.status in (ArchiveExport.Status.QUEUED, ArchiveExport.Status.RUNNING) for e in rows
    )
    context = {"form": form, "exports": rows, "pending": pending, "me": request.user.pk}
    template = "messaging/archive_exports.html"
    if request.htmx and request.method == "GET":
        template += "#list"
    return render(request, template, context, status=status)


@never_cache
@require_http_methods(["GET"])
@district_required
def archive_export_download(request: DistrictRequest, pk: int) -> FileResponse:
    export = get_export_for_download(request.user, request.district, pk)
    if export.status != ArchiveExport.Status.READY or not export.file:
        raise Http404("This export is not ready.")
    record_export_download(export=export, by=request.user)
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type="application/zip",
    )
