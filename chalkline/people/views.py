"""The district switch and the staff directory (the home page is chalkline/workflows/home.py)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chalkline.lib.csvsafe import safe_row
from chalkline.lib.oneroster import PackageError
from chalkline.people import access, roster_import, services, uploads
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.forms import (
    DirectoryTabForm,
    ImportTakeoverForm,
    PageForm,
    RoleDecisionForm,
    RosterUploadForm,
)
from chalkline.people.middleware import SESSION_KEY
from chalkline.people.models import ImportBatch, Person, RoleSuggestion
from chalkline.people.roles import Capability


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_POST
@district_required
def switch_district(request: DistrictRequest) -> HttpResponse:
    wanted = request.POST.get("district", "")
    district = (
        access.districts_of(request.user).filter(pk=wanted).first() if wanted.isdigit() else None
    )
    if district is None:
        raise PermissionDenied
    request.session[SESSION_KEY] = district.pk
    return redirect("home")


@require_GET
@district_required
def directory(request: DistrictRequest) -> HttpResponse:
    access.require(request.user, request.district, Capability.VIEW_STAFF_DIRECTORY)
    buildings = access.buildings_visible_to(request.user, request.district).active()
    can_manage = access.can(request.user, request.district, Capability.MANAGE_DIRECTORY)
    return render(
        request, "people/directory.html", {"buildings": buildings, "can_manage": can_manage}
    )


@never_cache
@require_GET
@district_required
def building_directory(request: DistrictRequest, pk: int) -> HttpResponse:
    building = access.get_building_for(request.user, request.district, pk)
    form = DirectoryTabForm(request.GET)
    valid = form.is_valid()
    query = form.cleaned_data.get("q", "") if valid else ""
    page_number = (form.cleaned_data.get("page") if valid else None) or 1
    tab = (form.cleaned_data.get("tab") if valid else "") or "staff"
    can_students = access.students_visible_in(request.user, request.district, building)
    if tab == "students" and not can_students:
        raise PermissionDenied
    rows: Any
    if tab == "classes":
        rows = (
            access.classes_visible_to(request.user, request.district)
            .filter(building=building, active=True)
            .order_by("title", "pk")
        )
        if query:
            rows = rows.filter(Q(title__icontains=query) | Q(class_code__icontains=query))
    else:
        people = Person.objects.in_district(request.district).active().in_building(building)
        if tab == "students":
            people = people.students().filter(
                pk__in=access.people_visible_to(request.user, request.district).values("pk")
            )
        else:
            people = people.staff()
        if query:
            people = people.search(query)
        rows = people.prefetch_related("affiliations").order_by("family_name", "given_name", "pk")
    page = Paginator(rows, settings.PAGE_SIZE).get_page(page_number)
    context = {
        "building": building,
        "form": form,
        "query": query,
        "tab": tab,
        "page": page,
        "can_students": can_students,
        "query_string": urlencode({"tab": tab, "q": query}),
    }
    template = "people/building.html"
    if request.htmx:
        template += "#staff-list"
    return render(request, template, context)


@never_cache
@require_GET
@district_required
def person_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, request.district, pk)
    show_details = access.person_details_allowed(request.user, request.district, person)
    visible_buildings = access.buildings_visible_to(request.user, request.district)
    affiliations = person.affiliations.filter(active=True).select_related("building")
    visible_people = access.people_visible_to(request.user, request.district)
    guardians = (
        visible_people.filter(student_links__student=person, student_links__active=True)
        if person.kind == Person.Kind.STUDENT and show_details
        else Person.objects.none()
    )
    students = visible_people.filter(guardian_links__guardian=person, guardian_links__active=True)
    classes = (
        access.classes_visible_to(request.user, request.district)
        .filter(enrollments__person=person, enrollments__active=True, active=True)
        .select_related("building")
        .distinct()
        .order_by("title", "pk")
    )
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "show_details": show_details,
            "affiliations": affiliations,
            "linkable_buildings": set(visible_buildings.values_list("pk", flat=True)),
            "guardians": guardians,
            "students": students if person.kind == Person.Kind.GUARDIAN else Person.objects.none(),
            "classes": classes[:100],
        },
    )


@never_cache
@require_GET
@district_required
def class_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    school_class = access.get_class_for(request.user, request.district, pk)
    enrollments = school_class.enrollments.filter(active=True)
    teachers = Person.objects.filter(
        pk__in=enrollments.exclude(role="student").values("person_id")
    ).order_by("family_name", "given_name", "pk")
    students = (
        access.people_visible_to(request.user, request.district)
        .filter(pk__in=enrollments.filter(role="student").values("person_id"))
        .order_by("family_name", "given_name", "pk")
    )
    form = PageForm(request.GET)
    page_number = (form.cleaned_data.get("page") if form.is_valid() else None) or 1
    page = Paginator(students, settings.PAGE_SIZE).get_page(page_number)
    can_students = bool(
        school_class.building
        and access.students_visible_in(request.user, request.district, school_class.building)
    )
    template = "people/class.html"
    if request.htmx:
        template += "#student-list"
    return render(
        request,
        template,
        {
            "school_class": school_class,
            "teachers": teachers,
            "page": page,
            "can_students": can_students,
        },
    )


# --- directory import -------------------------------------------------------------------------


def _imports_page(
    request: DistrictRequest,
    form: RosterUploadForm,
    status: int = 200,
    takeover_form: ImportTakeoverForm | None = None,
) -> HttpResponse:
    batches = access.import_batches_visible_to(request.user, request.district)
    page_form = PageForm(request.GET)
    page_number = (page_form.cleaned_data.get("page") if page_form.is_valid() else None) or 1
    page = Paginator(batches.select_related("created_by"), settings.PAGE_SIZE).get_page(page_number)
    pending = RoleSuggestion.objects.filter(
        district=request.district, status=RoleSuggestion.Status.PENDING
    ).count()
    return render(
        request,
        "people/imports.html",
        {
            "form": form,
            "page": page,
            "pending_suggestions": pending,
            "running": services.current_import(request.district),
            "takeover_form": takeover_form or ImportTakeoverForm(),
        },
        status=status,
    )


@require_GET
@district_required
def imports(request: DistrictRequest) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_DIRECTORY)
    return _imports_page(request, RosterUploadForm())


@require_POST
@district_required
def import_upload(request: DistrictRequest) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_DIRECTORY)
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _imports_page(request, form, status=400)
    package = form.cleaned_data.get("package")
    staff = form.cleaned_data.get("staff_csv")
    names = " + ".join(Path(f.name).name for f in (package, staff) if f)
    try:  # stored without credentials; Django's temporary copy is deleted at once
        package_path = uploads.store_package(request.district.pk, package) if package else ""
    except PackageError as exc:
        form.add_error("package", str(exc))
        return _imports_page(request, form, status=400)
    staff_path = uploads.store_csv(request.district.pk, staff) if staff else ""
    try:
        batch = services.start_directory_import(
            district=request.district,
            package_path=package_path,
            staff_csv_path=staff_path,
            source_name=names,
            dry_run=form.cleaned_data["dry_run"],
            reread=form.cleaned_data["reread"],
            confirm_deactivations=form.cleaned_data["confirm_deactivations"],
            by=request.user,
        )
    except services.ImportBusyError as exc:
        uploads.discard(package_path, staff_path)
        form.add_error(None, str(exc))
        return _imports_page(request, form, status=409)
    return redirect("people:import_detail", pk=batch.pk)


@require_POST
@district_required
def import_takeover(request: DistrictRequest) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_DIRECTORY)
    form = ImportTakeoverForm(request.POST)
    if not form.is_valid():
        return _imports_page(request, RosterUploadForm(), status=400, takeover_form=form)
    try:
        batch = services.take_over_import_lock(
            district=request.district, reason=form.cleaned_data["reason"], by=request.user
        )
    except services.NothingToTakeOver as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, f"Import #{batch.pk} was abandoned; a new import can start.")
    return redirect("people:imports")


@never_cache
@require_GET
@district_required
def import_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    batch = access.get_import_batch_for(request.user, request.district, pk)
    template = "people/import_detail.html"
    if request.htmx:
        template += "#import-status"
    return render(request, template, _batch_context(batch))


def _batch_context(batch: ImportBatch) -> dict[str, Any]:
    counts = [
        (entity.replace("_", " ").capitalize(), [per.get(a, 0) for a in roster_import.ACTIONS])
        for entity, per in batch.counts.items()
        if any(per.values())
    ]
    return {
        "batch": batch,
        "counts": counts,
        "actions": [a.capitalize() for a in roster_import.ACTIONS],
        "errors": [i for i in batch.issues if i["severity"] == "error"],
        "warnings": [i for i in batch.issues if i["severity"] == "warning"],
        "infos": [i for i in batch.issues if i["severity"] == "info"],
        "hidden": sum(batch.issue_counts.values()) - len(batch.issues),
        "credentials_note": roster_import.CREDENTIALS_NOTE,
    }


@never_cache
@require_GET
@district_required
def import_report(request: DistrictRequest, pk: int) -> HttpResponse:
    batch = access.get_import_batch_for(request.user, request.district, pk)
    fmt = request.GET.get("format", "csv")
    if fmt == "txt":
        lines = [
            f"Chalkline directory import #{batch.pk}: {batch.get_status_display()}",
            f"File: {batch.source_name}  OneRoster version: {batch.version or '-'}",
            batch.message,
            roster_import.CREDENTIALS_NOTE,
            "",
            "entity," + ",".join(roster_import.ACTIONS),
        ]
        for entity, per in batch.counts.items():
            lines.append(entity + "," + ",".join(str(per.get(a, 0)) for a in roster_import.ACTIONS))
        lines.append("")
        lines += [roster_import.format_issue(i) for i in batch.issues]
        hidden = sum(batch.issue_counts.values()) - len(batch.issues)
        if hidden > 0:
            lines.append(f"... and {hidden} more issues of the same kinds (counted, not listed)")
        response = HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.txt"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.csv"'
    writer = csv.writer(response)
    writer.writerow(["severity", "code", "file", "line", "column", "message", "sourced_id"])
    for entity, per in batch.counts.items():
        for action in roster_import.ACTIONS:
            writer.writerow(["count", f"{entity}.{action}", "", "", "", per.get(action, 0), ""])
    for issue in batch.issues:
        writer.writerow(
            safe_row(
                [
                    issue["severity"],
                    issue["code"],
                    issue["file"],
                    issue["line"] or "",
                    issue["column"] or "",
                    issue["message"],
                    issue.get("sourced_id") or "",
                ]
            )
        )
    return response


@never_cache
@require_GET
@district_required
def role_suggestions(request: DistrictRequest) -> HttpResponse:
    access.require(request.user, request.district, Capability.MANAGE_DIRECTORY)
    pending = (
        RoleSuggestion.objects.filter(
            district=request.district, status=RoleSuggestion.Status.PENDING
        )
        .select_related("person", "building")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    form = PageForm(request.GET)
    page_number = (form.cleaned_data.get("page") if form.is_valid() else None) or 1
    page = Paginator(pending, settings.PAGE_SIZE).get_page(page_number)
    return render(request, "people/role_suggestions.html", {"page": page})


@require_POST
@district_required
def role_suggestion_decide(request: DistrictRequest, pk: int) -> HttpResponse:
    suggestion = access.get_role_suggestion_for(request.user, request.district, pk)
    form = RoleDecisionForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose confirm or dismiss.")
    try:
        services.decide_role_suggestion(
            suggestion=suggestion,
            confirm=form.cleaned_data["decision"] == "confirm",
            by=request.user,
        )
    except services.RoleSuggestionError as exc:
        messages.error(request, str(exc))
    else:
        verb = "confirmed" if form.cleaned_data["decision"] == "confirm" else "dismissed"
        messages.success(request, f"Role {verb} for {suggestion.person.display_name}.")
    return redirect("people:role_suggestions")
