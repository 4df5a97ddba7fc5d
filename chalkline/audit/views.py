"""The audit page for the superintendent, with filters and an audited CSV export."""

from __future__ import annotations

import csv
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chalkline.audit.actions import Action, action_label, target_type_of
from chalkline.audit.forms import AuditFilterForm, target_type_choices
from chalkline.audit.models import AuditEvent
from chalkline.audit.selectors import filtered_events, last_verification
from chalkline.audit.services import record_event, verify_audit_chain
from chalkline.audit.targets import target_urls
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
    """The filters asked for; call only on a valid form (an invalid one lists nothing)."""
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "") and k != "page"}


@require_GET
@district_required
def events(request: DistrictRequest) -> HttpResponse:
    grants = access.require(request.user, request.district, Capability.VIEW_AUDIT)
    form = AuditFilterForm(request.GET)
    valid = form.is_valid()
    # An invalid filter lists nothing (and the form says why), never the whole log.
    events_qs = (
        filtered_events(request.district, _filters(form)) if valid else AuditEvent.objects.none()
    )
    page_number = (form.cleaned_data.get("page") if valid else None) or 1
    page = Paginator(events_qs, settings.PAGE_SIZE).get_page(page_number)
    query = request.GET.copy()
    query.pop("page", None)
    kinds = dict(target_type_choices())
    links = target_urls(
        request.user, request.district, [(e.target_type, e.target_id) for e in page]
    )
    context = {
        "form": form,
        "filters_valid": valid,
        "page": page,
        "rows": [
            (
                e,
                action_label(e.action),
                kinds.get(target_type_of(e.target_type), target_type_of(e.target_type)),
                links.get((e.target_type, e.target_id)),
            )
            for e in page
        ],
        "query": query.urlencode(),
        "can_export": grants.can(Capability.EXPORT_AUDIT),
        "can_verify": grants.can(Capability.EXPORT_AUDIT),
        "verification": last_verification(request.district),
    }
    template = "audit/events.html"
    if request.htmx:
        template += "#event-list"
    return render(request, template, context)


class _Echo:
    def write(self, value: str) -> str:
        return value


@never_cache
@require_GET
@district_required
def export_csv(request: DistrictRequest) -> HttpResponse | StreamingHttpResponse:
    access.require(request.user, request.district, Capability.EXPORT_AUDIT)
    form = AuditFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest("The filters are not valid; correct them on the audit page.")
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


@require_POST
@district_required
def verify(request: DistrictRequest) -> HttpResponse:
    """Verify the chain now (the superintendent: holders of ``export_audit``); the outcome is an
    audit event, which the page shows as the last verification."""
    access.require(request.user, request.district, Capability.EXPORT_AUDIT)
    result = verify_audit_chain(district=request.district, by=request.user)
    if result.ok:
        messages.success(request, f"The audit chain is intact: {result.count} events verified.")
    else:
        messages.error(request, f"The audit chain is broken at event #{result.broken_seq}.")
    return redirect("audit:events")
