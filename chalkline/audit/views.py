"""The audit page for the superintendent, with filters and an audited CSV export."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chalkline.audit.actions import Action, action_label, target_type_of
from chalkline.audit.forms import AuditFilterForm
from chalkline.audit.selectors import filtered_events
from chalkline.audit.services import record_event
from chalkline.lib.csvsafe import safe_row
from chalkline.people import access
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roles import Capability

EXPORT_COLUMNS = [
    "seq",
    "at",
    "actor",
    "action",
    "action_label",
    "target_type",
    "target_type_shown",
    "target_id",
    "before",
    "after",
    "hash",
]


def _filters(form: AuditFilterForm) -> dict[str, Any]:
    if not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "") and k != "page"}


@require_GET
@district_required
def events(request: DistrictRequest) -> HttpResponse:
    grants = access.require(request.user, request.district, Capability.VIEW_AUDIT)
    form = AuditFilterForm(request.GET)
    filters = _filters(form)
    page_number = (form.cleaned_data.get("page") if form.is_valid() else None) or 1
    page = Paginator(filtered_events(request.district, filters), settings.PAGE_SIZE).get_page(
        page_number
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "rows": [(e, action_label(e.action), target_type_of(e.target_type)) for e in page],
        "query": query.urlencode(),
        "can_export": grants.can(Capability.EXPORT_AUDIT),
    }
    template = "audit/events.html"
    if request.htmx:
        template += "#event-list"
    return render(request, template, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@require_GET
@district_required
def export_csv(request: DistrictRequest) -> HttpResponse | StreamingHttpResponse:
    access.require(request.user, request.district, Capability.EXPORT_AUDIT)
    form = AuditFilterForm(request.GET)
    filters = _filters(form)
    generated = timezone.now()
    with transaction.atomic():
        # The export itself is an audit event, written before the rows are read, so it is in the
        # chain even when the download is interrupted.
        record_event(
            district=request.district,
            actor=request.user,
            action=Action.AUDIT_EXPORTED,
            target=("audit.auditevent", "*"),
            after={"filters": filters, "generated_at": generated.isoformat()},
        )
    rows = filtered_events(request.district, filters).order_by("seq")
    writer = csv.writer(_Echo())

    def stream() -> Any:
        yield writer.writerow([f"# Chalkline audit export for {request.district.slug}"])
        yield writer.writerow([f"# generated {generated.isoformat()} filters {filters or 'none'}"])
        yield writer.writerow(EXPORT_COLUMNS)
        for e in rows.iterator(chunk_size=2000):
            yield writer.writerow(
                safe_row(
                    [
                        e.seq,
                        e.at.isoformat(),
                        e.actor_label,
                        e.action,
                        action_label(e.action),
                        e.target_type,
                        target_type_of(e.target_type),
                        e.target_id,
                        e.before,
                        e.after,
                        e.hash,
                    ]
                )
            )

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    stamp = generated.strftime("%Y%m%dT%H%M%SZ")
    response["Content-Disposition"] = (
        f'attachment; filename="audit-{request.district.slug}-{stamp}.csv"'
    )
    return response
