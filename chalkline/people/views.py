"""Home, district switch and the staff directory."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from chalkline.people import access
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.forms import DirectorySearchForm
from chalkline.people.middleware import SESSION_KEY
from chalkline.people.models import Person
from chalkline.people.roles import Capability


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


@require_GET
@district_required
def home(request: DistrictRequest) -> HttpResponse:
    grants = access.grants_for(request.user, request.district)
    person = request.user.person
    buildings = access.buildings_visible_to(request.user, request.district)
    return render(
        request,
        "people/home.html",
        {
            "person": person,
            "buildings": buildings[:20],
            "can_directory": grants.can_anywhere(Capability.VIEW_STAFF_DIRECTORY),
            "can_audit": grants.can_anywhere(Capability.VIEW_AUDIT),
            "is_district_wide": bool(grants.district_caps),
            "districts": access.districts_of(request.user),
        },
    )


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
    return render(request, "people/directory.html", {"buildings": buildings})


@require_GET
@district_required
def building_directory(request: DistrictRequest, pk: int) -> HttpResponse:
    building = access.get_building_for(request.user, request.district, pk)
    form = DirectorySearchForm(request.GET)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    page_number = (form.cleaned_data.get("page") if form.is_valid() else None) or 1
    staff = (
        Person.objects.in_district(request.district)
        .staff()
        .active()
        .in_building(building)
        .prefetch_related("affiliations__building")
    )
    if query:
        staff = staff.search(query)
    page = Paginator(
        staff.order_by("family_name", "given_name", "pk"), settings.PAGE_SIZE
    ).get_page(page_number)
    context = {"building": building, "form": form, "query": query, "page": page}
    template = "people/building.html"
    if getattr(request, "htmx", False):
        template += "#staff-list"
    return render(request, template, context)


@require_GET
@district_required
def person_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    person = access.get_person_for(request.user, request.district, pk)
    show_details = access.person_details_allowed(request.user, request.district, person)
    affiliations = person.affiliations.filter(active=True).select_related("building")
    guardians = (
        Person.objects.filter(student_links__student=person, student_links__active=True)
        if person.kind == Person.Kind.STUDENT
        else Person.objects.none()
    )
    students = access.people_visible_to(request.user, request.district).filter(
        guardian_links__guardian=person, guardian_links__active=True
    )
    return render(
        request,
        "people/person.html",
        {
            "person": person,
            "show_details": show_details,
            "affiliations": affiliations,
            "guardians": guardians if show_details else Person.objects.none(),
            "students": students if person.kind == Person.Kind.GUARDIAN else Person.objects.none(),
        },
    )
