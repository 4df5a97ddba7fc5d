"""Pages of the review queue and quiet hours: the queue, an item with its outcome form, "report
this message", and the quiet-hours settings (the district's window, a building's narrowing)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chalkline.messaging.forms_review import (
    BuildingQuietHoursForm,
    OutcomeForm,
    QuietHoursForm,
    ReportForm,
)
from chalkline.messaging.models import BuildingQuietHours, Recipient, ReviewItem
from chalkline.messaging.referrals import refer
from chalkline.messaging.review_access import (
    get_received_message_for,
    get_review_item_for,
    may_see_quiet_hours,
    may_set_district_quiet_hours,
    quiet_hours_buildings,
    require_reviewer,
    review_items_visible_to,
)
from chalkline.messaging.services import (
    ReviewError,
    record_review_outcome,
    report_message,
    review_settings_of,
    set_building_quiet_hours,
    update_quiet_hours,
)
from chalkline.people.decorators import DistrictRequest, district_required


@never_cache
@require_http_methods(["GET"])
@district_required
def review_queue(request: DistrictRequest) -> HttpResponse:
    require_reviewer(request.user, request.district)
    items = review_items_visible_to(request.user, request.district).select_related(
        "message__thread", "message__sender__person", "building"
    )
    return render(
        request,
        "messaging/review_queue.html",
        {
            "open_items": list(items.open().order_by("opened_at", "pk")[:200]),
            "done_items": list(
                items.filter(status=ReviewItem.Status.RESOLVED).order_by("-resolved_at")[:50]
            ),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def review_item(request: DistrictRequest, pk: int) -> HttpResponse:
    item = get_review_item_for(request.user, request.district, pk)
    status = 200
    form = OutcomeForm(request.POST or None)
    if request.method == "POST":
        if item.status != ReviewItem.Status.OPEN:
            form.add_error(None, "This message was already reviewed.")
            status = 400
        elif form.is_valid():
            outcome = form.cleaned_data["outcome"]
            note = form.cleaned_data["note"]
            try:
                if outcome == ReviewItem.Outcome.REFERRAL:
                    case_id = refer(item=item, by=request.user, note=note)
                    flash.success(request, f"Referred: case {case_id} is open.")
                else:
                    record_review_outcome(item=item, by=request.user, outcome=outcome, note=note)
                    flash.success(request, "Outcome recorded.")
            except ReviewError as exc:
                form.add_error(None, str(exc))
                status = 400
            else:
                return redirect("messaging:review_queue")
        else:
            status = 400
    message = item.message
    recipients = (
        Recipient.objects.filter(message=message).select_related("person", "user").order_by("pk")
    )
    return render(
        request,
        "messaging/review_item.html",
        {"item": item, "message": message, "recipients": recipients[:200], "form": form},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def report(request: DistrictRequest, pk: int) -> HttpResponse:
    message = get_received_message_for(request.user, request.district, pk)
    form = ReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report_message(message=message, by=request.user, reason=form.cleaned_data["reason"])
            except ReviewError as exc:
                form.add_error("reason", str(exc))
            else:
                flash.success(
                    request, "Thank you: the message was reported. The District will review it."
                )
                return redirect("messaging:thread", pk=message.thread_id)
        status = 400
    return render(
        request, "messaging/report.html", {"message": message, "form": form}, status=status
    )


def _building_forms(request: DistrictRequest) -> list[dict[str, Any]]:
    rows = []
    own = {
        b.building_id: b
        for b in BuildingQuietHours.objects.filter(
            building__in=quiet_hours_buildings(request.user, request.district)
        )
    }
    for b in quiet_hours_buildings(request.user, request.district).order_by("name"):
        current = own.get(b.pk)
        initial: dict[str, Any] = {"building": b.pk}
        if current is not None:
            initial |= {"quiet_start": current.quiet_start, "quiet_end": current.quiet_end}
        form = BuildingQuietHoursForm(initial=initial, auto_id=f"b{b.pk}_%s")
        rows.append({"building": b, "form": form, "own": current})
    return rows


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def quiet_hours(request: DistrictRequest) -> HttpResponse:
    """The district's quiet hours and review-queue settings (those who set the messaging
    settings), and each building's narrower window (also its principal)."""
    district = request.district
    if not may_see_quiet_hours(request.user, district):
        raise PermissionDenied
    may_district = may_set_district_quiet_hours(request.user, district)
    buildings = quiet_hours_buildings(request.user, district)
    current = review_settings_of(district)
    initial = {
        "quiet_start": current.quiet_start,
        "quiet_end": current.quiet_end,
        "time_zone": current.time_zone,
        "escalate_after_school_days": current.escalate_after_school_days,
        "non_school_days": "\n".join(current.non_school_days or []),
    }
    form = QuietHoursForm(initial=initial)
    posted_building: BuildingQuietHoursForm | None = None
    status = 200
    if request.method == "POST":
        if request.POST.get("part") == "district":
            if not may_district:
                raise PermissionDenied
            form = QuietHoursForm(request.POST)
            if form.is_valid():
                try:
                    update_quiet_hours(district=district, by=request.user, **form.cleaned_data)
                except ReviewError as exc:
                    form.add_error(None, str(exc))
                else:
                    flash.success(request, "Quiet hours saved.")
                    return redirect("messaging:quiet_hours")
            status = 400
        else:
            building_pk = request.POST.get("building", "")
            posted_building = BuildingQuietHoursForm(request.POST, auto_id=f"b{building_pk}_%s")
            building = (
                buildings.filter(pk=int(building_pk)).first() if building_pk.isdigit() else None
            )
            if building is None:
                raise PermissionDenied
            if posted_building.is_valid():
                try:
                    set_building_quiet_hours(
                        building=building,
                        by=request.user,
                        quiet_start=posted_building.cleaned_data["quiet_start"],
                        quiet_end=posted_building.cleaned_data["quiet_end"],
                    )
                except ReviewError as exc:
                    posted_building.add_error(None, str(exc))
                else:
                    flash.success(request, f"Quiet hours of {building.name} saved.")
                    return redirect("messaging:quiet_hours")
            status = 400
    rows = _building_forms(request)
    if posted_building is not None:
        for row in rows:
            if str(row["building"].pk) == request.POST.get("building"):
                row["form"] = posted_building
    return render(
        request,
        "messaging/quiet_hours.html",
        {"form": form, "may_district": may_district, "building_rows": rows, "current": current},
        status=status,
    )
