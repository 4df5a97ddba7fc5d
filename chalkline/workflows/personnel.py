"""The personnel file: an employee's signed acknowledgments (acks) beside the outcomes of cases
that go into the file, with the employee's rebuttals (cases). It joins two domain apps, so it
lives here. Access: the acknowledgment file's rule (the employee, HR, the superintendent, and
principals for their buildings' staff); the outcomes only for the employee and case managers
(cases/access.py). Every view is audited."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from chalkline.acks import access as acks_access
from chalkline.acks import selectors as acks_selectors
from chalkline.cases import access as cases_access
from chalkline.cases import services as cases_services
from chalkline.cases.models import CaseEntry
from chalkline.people.decorators import DistrictRequest, district_required


@never_cache
@require_GET
@district_required
def personnel_file(request: DistrictRequest, pk: int) -> HttpResponse:
    person = acks_access.get_personnel_file_for(request.user, request.district, pk)
    records, open_assignments = acks_selectors.personnel_records(person)
    outcomes = list(cases_access.personnel_outcomes_for(request.user, request.district, person))
    rebuttals: dict[int, list[CaseEntry]] = {}
    for entry in CaseEntry.objects.filter(
        case__in=[c.pk for c in outcomes], kind=CaseEntry.Kind.REBUTTAL
    ):
        rebuttals.setdefault(entry.case_id, []).append(entry)
    cases_services.record_personnel_file_view(
        district=request.district, person=person, by=request.user
    )
    is_self = person.pk == request.user.person_id
    return render(
        request,
        "workflows/personnel_file.html",
        {
            "person": person,
            "records": records,
            "open_assignments": open_assignments,
            "outcomes": [(c, rebuttals.get(c.pk, [])) for c in outcomes],
            "is_self": is_self,
            "requests": cases_access.inspection_requests_visible_to(
                request.user, request.district
            ).filter(person=person)[:10],
        },
    )


@require_POST
@district_required
def request_inspection(request: DistrictRequest, pk: int) -> HttpResponse:
    person = acks_access.get_personnel_file_for(request.user, request.district, pk)
    if person.pk != request.user.person_id:
        raise PermissionDenied
    item = cases_services.request_inspection(
        district=request.district, person=person, by=request.user
    )
    messages.success(
        request,
        f"Your request is recorded. The District must let you inspect your file by "
        f"{item.due_on:%B %-d, %Y} (7 working days).",
    )
    return redirect("personnel:file", person.pk)


app_name = "personnel"

urlpatterns: list[URLPattern] = [
    path("<id:pk>/", personnel_file, name="file"),
    path("<id:pk>/inspect", request_inspection, name="inspect"),
]
