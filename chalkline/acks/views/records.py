"""Records and files: certificates, scans, public verification, the personnel file, exports."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chalkline.acks import access, selectors, services
from chalkline.acks.certificate import certificate_rows
from chalkline.acks.forms import StaffFilterForm
from chalkline.acks.models import Signature
from chalkline.lib.csvsafe import safe_row
from chalkline.people.decorators import DistrictRequest, district_required


@never_cache
@require_GET
@district_required
def certificate(request: DistrictRequest, pk: int) -> FileResponse:
    record = access.get_signature_for(request.user, request.district, pk)
    cert = services.issue_certificate(signature=record)
    return FileResponse(
        cert.file.open("rb"),
        as_attachment=True,
        filename=f"acknowledgment-{record.verification_code}.pdf",
        content_type="application/pdf",
    )


@never_cache
@require_GET
@district_required
def scan(request: DistrictRequest, pk: int) -> FileResponse:
    record = access.get_signature_for(request.user, request.district, pk)
    if not record.scan:
        raise Http404("No scan")
    name = (record.scan.name or "").rsplit("/", 1)[-1]
    return FileResponse(record.scan.open("rb"), as_attachment=True, filename=name)


@require_GET
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """Public: anyone holding a certificate can check that its record is intact. Shows only
    what the certificate already shows about outcome, policy and date, never contact data."""
    record = Signature.objects.by_code(code)
    if record is None:
        return render(request, "acks/verify.html", {"record": None, "code": code}, status=404)
    check = selectors.verify_signature(record)
    context = {
        "record": record,
        "code": code,
        "record_ok": check.record_ok,
        "text_ok": check.text_ok,
        "audit_ok": check.audit_ok,
        "intact": check.intact,
    }
    return render(request, "acks/verify.html", context)


@never_cache
@require_GET
@district_required
def personnel_file(request: DistrictRequest, pk: int) -> HttpResponse:
    person = access.get_personnel_file_for(request.user, request.district, pk)
    records, open_assignments = selectors.personnel_records(person)
    return render(
        request,
        "acks/personnel_file.html",
        {
            "person": person,
            "records": [(r, certificate_rows(r)) for r in records],
            "open_assignments": open_assignments,
            "is_self": person.pk == request.user.person_id,
        },
    )


def _zip_response(files: list[tuple[str, bytes]], filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            archive.writestr(name, data)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _record_files(record: Signature, prefix: str = "") -> list[tuple[str, bytes]]:
    cert = services.issue_certificate(signature=record)
    with cert.file.open("rb") as fh:
        files = [(f"{prefix}{record.verification_code}-certificate.pdf", fh.read())]
    if record.scan:
        ext = (record.scan.name or "").rsplit(".", 1)[-1]
        with record.scan.open("rb") as fh:
            files.append((f"{prefix}{record.verification_code}-scan.{ext}", fh.read()))
    return files


@never_cache
@require_GET
@district_required
def personnel_zip(request: DistrictRequest, pk: int) -> HttpResponse:
    person = access.get_personnel_file_for(request.user, request.district, pk)
    files: list[tuple[str, bytes]] = []
    summary = io.StringIO()
    writer = csv.writer(summary)
    writer.writerow(["code", "outcome", "campaign", "recorded_at", "comment", "refusal_reason"])
    for record in Signature.objects.of_person(person.pk):
        files.extend(_record_files(record))
        writer.writerow(
            safe_row(
                [
                    record.verification_code,
                    record.get_kind_display(),
                    record.campaign_title,
                    record.signed_at.isoformat(),
                    record.comment,
                    record.refusal_reason,
                ]
            )
        )
    files.append(("records.csv", summary.getvalue().encode("utf-8")))
    services.record_export(
        district=request.district,
        by=request.user,
        what="personnel_file",
        filters={"person": person.pk},
        rows=len(files),
    )
    return _zip_response(files, f"acknowledgments-{slugify(person.family_name)}-{person.pk}.zip")


@never_cache
@require_GET
@district_required
def building_zip(request: DistrictRequest, pk: int, building_pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    bldg = access.get_ack_building_for(request.user, request.district, building_pk)
    files: list[tuple[str, bytes]] = []
    for record in selectors.building_records(campaign, bldg):
        folder = f"{slugify(record.employee_name)}-{record.person_id}/"
        files.extend(_record_files(record, folder))
    services.record_export(
        district=request.district,
        by=request.user,
        what="building_certificates",
        filters={"campaign": campaign.pk, "building": bldg.pk},
        rows=len(files),
    )
    return _zip_response(files, f"certificates-{slugify(bldg.name)}-{campaign.pk}.zip")


def _csv_response(name: str, header: list[list[str]], rows: list[list[Any]]) -> HttpResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    for line in header:
        writer.writerow(safe_row(line))
    for row in rows:
        writer.writerow(safe_row(row))
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@never_cache
@require_GET
@district_required
def campaign_export(request: DistrictRequest, pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    buildings = access.ack_buildings_visible_to(request.user, request.district)
    today = timezone.localdate()
    tallies = selectors.building_tallies(
        campaign,
        buildings,
        today,
        every_building=access.sees_every_building(request.user, request.district),
    )
    now = timezone.now()
    filters = {"campaign": campaign.pk, "buildings": "visible to the requester"}
    services.record_export(
        district=request.district,
        by=request.user,
        what="campaign_completion",
        filters=filters,
        rows=len(tallies),
    )
    header = [
        ["# Chalkline acknowledgment completion", campaign.title, campaign.school_year],
        ["# generated_at", now.isoformat(), "generated_by", request.user.get_username()],
        ["# filters", f"campaign={campaign.pk}", "buildings=all visible to the requester"],
        [
            "building",
            "assigned",
            "signed",
            "paper_or_proxy",
            "refused",
            "open",
            "overdue",
            "replaced_by_newer_version",
            "left_district",
            "percent_complete",
        ],
    ]
    # assigned = signed + paper + refused + open + replaced + left; percent_complete counts
    # the assignments still asked for (without replaced and left), as the campaign page does.
    rows = [
        [
            t.label,
            t.assigned,
            t.signed,
            t.paper,
            t.refused,
            t.open,
            t.overdue,
            t.replaced,
            t.left,
            t.percent,
        ]
        for t in tallies
    ]
    follow_ups = selectors.follow_ups_of(campaign)
    if follow_ups:
        header.insert(3, ["# carried_on_by", *[f"campaign={f.pk} {f.title}" for f in follow_ups]])
    return _csv_response(f"completion-{campaign.pk}-{now:%Y%m%d-%H%M}.csv", header, rows)


@never_cache
@require_GET
@district_required
def building_export(request: DistrictRequest, pk: int, building_pk: int) -> HttpResponse:
    campaign = access.get_campaign_for(request.user, request.district, pk)
    bldg = access.get_ack_building_for(request.user, request.district, building_pk)
    form = StaffFilterForm(request.GET)
    filters = form.filters()
    today = timezone.localdate()
    now = timezone.now()
    rows_qs = selectors.staff_rows(campaign, bldg, filters, today)
    rows: list[list[Any]] = []
    for a in rows_qs.iterator(chunk_size=2000):
        record: Signature | None = getattr(a, "signature", None)
        rows.append(
            [
                a.person.family_name,
                a.person.given_name,
                a.person.identifier,
                a.job_title,
                a.status_label,
                a.due_on.isoformat(),
                a.opened_at.isoformat() if a.opened_at else "",
                record.signed_at.isoformat() if record else "",
                record.get_method_display() if record else "",
                record.verification_code if record else "",
                record.text_sha256 if record else "",
            ]
        )
    shown = {k: str(v) for k, v in filters.items()}
    services.record_export(
        district=request.district,
        by=request.user,
        what="building_staff",
        filters={"campaign": campaign.pk, "building": bldg.pk, **shown},
        rows=len(rows),
    )
    header = [
        ["# Chalkline acknowledgments", campaign.title, bldg.name],
        ["# generated_at", now.isoformat(), "generated_by", request.user.get_username()],
        ["# filters", *([f"{k}={v}" for k, v in sorted(shown.items())] or ["none"])],
        [
            "family_name",
            "given_name",
            "employee_number",
            "job_title",
            "status",
            "due_on",
            "opened_at",
            "recorded_at",
            "method",
            "verification_code",
            "signed_text_sha256",
        ],
    ]
    return _csv_response(
        f"acknowledgments-{slugify(bldg.name)}-{now:%Y%m%d-%H%M}.csv", header, rows
    )
