"""The records officer's pages (MANAGE_RECORDS_RETENTION): retention schedule items, disposal
certificates, legal holds, what is eligible for disposal, the confirm-first disposal run and
the disposal history. Everyone else gets 403; another district's certificate or hold, 404."""

from __future__ import annotations

import uuid

from django.contrib import messages as flash
from django.db.models import Count
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from chalkline.messaging.access import require_records_officer
from chalkline.messaging.models import (
    DisposalCertificate,
    DisposalRun,
    LegalHold,
    RetentionSchedule,
    Thread,
    Tombstone,
)
from chalkline.messaging.retention_forms import (
    CertificateForm,
    DisposeForm,
    HoldForm,
    ReleaseForm,
    ScheduleForm,
)
from chalkline.messaging.services import (
    MessagingError,
    add_disposal_certificate,
    add_retention_schedule,
    dispose_records,
    eligibility,
    place_legal_hold,
    release_legal_hold,
)
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import Person


@district_required
@require_http_methods(["GET", "POST"])
def schedules(request: DistrictRequest) -> HttpResponse:
    require_records_officer(request.user, request.district)
    form = ScheduleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                add_retention_schedule(
                    district=request.district, by=request.user, **form.cleaned_data
                )
            except MessagingError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, "Schedule item entered.")
                return redirect("messaging:records_schedules")
        status = 400
    items = RetentionSchedule.objects.filter(district=request.district).annotate(
        n_certificates=Count("certificates")
    )
    return render(
        request, "messaging/records/schedules.html", {"form": form, "items": items}, status=status
    )


@district_required
@require_http_methods(["GET", "POST"])
def certificates(request: DistrictRequest) -> HttpResponse:
    require_records_officer(request.user, request.district)
    form = CertificateForm(request.POST or None, request.FILES or None, district=request.district)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                add_disposal_certificate(
                    district=request.district,
                    by=request.user,
                    schedule=data["schedule"],
                    number=data["number"],
                    approved_on=data["approved_on"],
                    covers_from=data["covers_from"],
                    covers_through=data["covers_through"],
                    description=data["description"],
                    upload=data["file"] or None,
                )
            except MessagingError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, "Disposal certificate entered.")
                return redirect("messaging:records_certificates")
        status = 400
    items = DisposalCertificate.objects.filter(district=request.district).select_related("schedule")
    return render(
        request,
        "messaging/records/certificates.html",
        {"form": form, "items": items},
        status=status,
    )


def _certificate(request: DistrictRequest, pk: int) -> DisposalCertificate:
    require_records_officer(request.user, request.district)
    return get_object_or_404(
        DisposalCertificate.objects.select_related("schedule", "district"),
        pk=pk,
        district=request.district,
    )


@district_required
def certificate_file(request: DistrictRequest, pk: int) -> FileResponse:
    certificate = _certificate(request, pk)
    if not certificate.file:
        raise Http404("No scan was entered for this certificate.")
    return FileResponse(
        certificate.file.open("rb"),
        as_attachment=True,
        filename=f"disposal-certificate-{certificate.number}{_suffix(certificate.file.name or '')}",
    )


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1] if "." in name else ""


@district_required
@require_http_methods(["GET", "POST"])
def holds(request: DistrictRequest) -> HttpResponse:
    require_records_officer(request.user, request.district)
    form = HoldForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            person = thread = None
            if data["scope"] == LegalHold.Scope.PERSON:
                person = Person.objects.filter(
                    district=request.district, sourced_id=data["person"]
                ).first()
                if person is None:
                    form.add_error("person", "No one in the directory has that roster ID.")
            if data["scope"] == LegalHold.Scope.THREAD:
                thread = Thread.objects.filter(district=request.district, pk=data["thread"]).first()
                if thread is None:
                    form.add_error("thread", "No conversation of this district has that number.")
            if not form.errors:
                try:
                    place_legal_hold(
                        district=request.district,
                        by=request.user,
                        name=data["name"],
                        matter=data["matter"],
                        scope=data["scope"],
                        person=person,
                        thread=thread,
                        date_from=data["date_from"],
                        date_to=data["date_to"],
                    )
                except MessagingError as exc:
                    form.add_error(None, str(exc))
                else:
                    flash.success(request, "Legal hold placed.")
                    return redirect("messaging:records_holds")
        status = 400
    items = LegalHold.objects.filter(district=request.district).select_related(
        "person", "started_by", "released_by"
    )
    return render(
        request,
        "messaging/records/holds.html",
        {"form": form, "items": items, "release_form": ReleaseForm()},
        status=status,
    )


@district_required
@require_POST
def release_hold(request: DistrictRequest, pk: int) -> HttpResponse:
    require_records_officer(request.user, request.district)
    hold = get_object_or_404(LegalHold, pk=pk, district=request.district)
    form = ReleaseForm(request.POST)
    if form.is_valid():
        try:
            release_legal_hold(hold=hold, by=request.user, reason=form.cleaned_data["reason"])
        except MessagingError as exc:
            form.add_error("reason", str(exc))
        else:
            flash.success(request, f"Legal hold “{hold.name}” released.")
            return redirect("messaging:records_holds")
    items = LegalHold.objects.filter(district=request.district).select_related(
        "person", "started_by", "released_by"
    )
    return render(
        request,
        "messaging/records/holds.html",
        {"form": HoldForm(), "items": items, "release_form": form, "release_pk": hold.pk},
        status=400,
    )


@district_required
def disposal(request: DistrictRequest) -> HttpResponse:
    """What each certificate would dispose of now, and every run so far."""
    require_records_officer(request.user, request.district)
    rows = [
        eligibility(c)
        for c in DisposalCertificate.objects.filter(district=request.district).select_related(
            "schedule", "district"
        )
    ]
    runs = (
        DisposalRun.objects.filter(district=request.district)
        .select_related("certificate", "by")
        .annotate(n_tombstones=Count("tombstones"))
    )
    return render(
        request,
        "messaging/records/disposal.html",
        {
            "rows": rows,
            "runs": runs,
            "tombstones": Tombstone.objects.filter(district=request.district).count(),
            "active_holds": LegalHold.objects.filter(
                district=request.district, released_at__isnull=True
            ).count(),
        },
    )


@district_required
@require_http_methods(["GET", "POST"])
def dispose(request: DistrictRequest, pk: int) -> HttpResponse:
    """Confirm first (the counts), then one disposal run."""
    certificate = _certificate(request, pk)
    status = 200
    if request.method == "POST":
        form = DisposeForm(request.POST)
        if form.is_valid():
            run = dispose_records(
                certificate=certificate,
                by=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
            if run is None:
                flash.info(request, "Nothing was eligible: no message was disposed of.")
            else:
                flash.success(
                    request,
                    f"Disposed of {run.disposed:,} messages under certificate "
                    f"{certificate.number}; {run.disposed:,} tombstones kept.",
                )
            return redirect("messaging:records_disposal")
        status = 400
    else:
        form = DisposeForm(initial={"idempotency_key": uuid.uuid4().hex})
    return render(
        request,
        "messaging/records/dispose.html",
        {"certificate": certificate, "found": eligibility(certificate), "form": form},
        status=status,
    )
