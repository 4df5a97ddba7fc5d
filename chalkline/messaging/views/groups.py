"""Staff groups: the list (with a new group's form), one group (its members, the search that
adds staff, its name and description), adding and removing a member. htmx refreshes the
members and the search results in place; every form also works without JavaScript."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chalkline.messaging.access import (
    get_staff_group_for,
    group_buildings,
    group_candidates,
    groups_kept_by,
    may_keep,
    may_keep_groups,
    staff_groups_visible_to,
    writable_groups,
)
from chalkline.messaging.forms import StaffGroupForm
from chalkline.messaging.models import AudienceKind, StaffGroup, StaffGroupMember
from chalkline.messaging.services import (
    StaffGroupError,
    add_staff_group_member,
    create_staff_group,
    remove_staff_group_member,
    update_staff_group,
)
from chalkline.people import access as people_access
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import Person
from chalkline.people.roles import Capability

MAX_QUERY = 100
FOUND_LIMIT = 20


def _new_group_form(request: DistrictRequest, data: Any = None) -> StaffGroupForm:
    buildings = [(b.pk, b.name) for b in group_buildings(request.user, request.district)]
    wide = people_access.can(request.user, request.district, Capability.MANAGE_STAFF_GROUPS)
    return StaffGroupForm(data, buildings=buildings, district_wide=wide)


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def staff_groups(request: DistrictRequest) -> HttpResponse:
    """The groups the user keeps and the groups they are in; a new group (those who keep
    groups). 403 for everyone else."""
    keeps = may_keep_groups(request.user, request.district)
    visible = staff_groups_visible_to(request.user, request.district)
    if not keeps and not visible.exists():
        raise PermissionDenied("Staff groups are kept by principals and the district office.")
    status = 200
    form = _new_group_form(request) if keeps else None
    if request.method == "POST":
        if not keeps:
            raise PermissionDenied("Only principals and the district office create staff groups.")
        form = _new_group_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            building = None
            if data["where"] is not None:
                building = group_buildings(request.user, request.district).get(pk=data["where"])
            try:
                group = create_staff_group(
                    district=request.district,
                    building=building,
                    name=data["name"],
                    description=data["description"],
                    by=request.user,
                )
            except StaffGroupError as exc:
                form.add_error("name", str(exc))
            else:
                flash.success(request, f"Group “{group.name}” created: now add its members.")
                return redirect("messaging:staff_group", pk=group.pk)
        status = 400
    counted = visible.select_related("building").annotate(
        member_count=Count("members", filter=Q(members__person__active=True))
    )
    kept_ids = set(groups_kept_by(request.user, request.district).values_list("pk", flat=True))
    person = request.user.person_id or 0
    mine = set(
        StaffGroupMember.objects.filter(person_id=person, group__in=visible).values_list(
            "group_id", flat=True
        )
    )
    rows = list(counted.order_by("-active", "building__name", "name", "pk"))
    context = {
        "kept": [g for g in rows if g.pk in kept_ids],
        "member_of": [g for g in rows if g.pk in mine and g.pk not in kept_ids],
        "form": form,
    }
    return render(request, "messaging/staff_groups.html", context, status=status)


def _manage_context(
    request: DistrictRequest, group: StaffGroup, *, q: str = "", done: str = ""
) -> dict[str, Any]:
    can_manage = may_keep(request.user, request.district, group)
    members = list(
        StaffGroupMember.objects.filter(group=group)
        .select_related("person")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    q = q.strip()[:MAX_QUERY]
    found: list[Person] = []
    if can_manage and len(q) >= 2:
        found = list(
            group_candidates(request.user, request.district, group)
            .exclude(pk__in=[m.person_id for m in members])
            .filter(pk__in=Person.objects.search(q).values("pk"))
            .order_by("family_name", "given_name", "pk")[:FOUND_LIMIT]
        )
    return {
        "group": group,
        "members": members,
        "reached": sum(1 for m in members if m.person.active),
        "can_manage": can_manage,
        "q": q,
        "found": found,
        "found_limit": FOUND_LIMIT,
        "done": done,
    }


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def staff_group(request: DistrictRequest, pk: int) -> HttpResponse:
    """One group: members for those in it; for those who keep it, also the search that adds
    staff and the form that renames, describes or retires it."""
    group = get_staff_group_for(request.user, request.district, pk, manage=request.method == "POST")
    status = 200
    if request.method == "POST":
        form = StaffGroupForm(request.POST, editing=True)
        if form.is_valid():
            try:
                update_staff_group(
                    group=group,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    active=form.cleaned_data["active"],
                    by=request.user,
                )
            except StaffGroupError as exc:
                form.add_error("name", str(exc))
            else:
                flash.success(request, "Group saved.")
                return redirect("messaging:staff_group", pk=group.pk)
        status = 400
    else:
        if request.htmx and "q" in request.GET:  # the search's results as the keeper types
            context = _manage_context(request, group, q=request.GET["q"])
            return render(request, "messaging/staff_group.html#manage", context)
        form = StaffGroupForm(
            initial={"name": group.name, "description": group.description, "active": group.active},
            editing=True,
        )
    context = _manage_context(request, group, q=request.GET.get("q", ""))
    context["form"] = form
    context["can_write"] = writable_groups(request.user, request.district).filter(pk=pk).exists()
    context["write_to"] = f"{AudienceKind.STAFF_GROUP}:{group.pk}"
    return render(request, "messaging/staff_group.html", context, status=status)


def _member_person(request: DistrictRequest, group: StaffGroup, *, adding: bool) -> Person:
    raw = request.POST.get("person", "")
    if not raw.isdigit():
        raise Http404("No such staff member.")
    if adding:
        people = group_candidates(request.user, request.district, group)
    else:
        people = Person.objects.filter(staff_groups__group=group)
    person = people.filter(pk=int(raw)).first()
    if person is None:
        raise Http404("No such staff member.")
    return person


def _after_change(
    request: DistrictRequest, group: StaffGroup, done: str, error: str = ""
) -> HttpResponse:
    q = request.POST.get("q", "")
    if request.htmx:
        context = _manage_context(request, group, q=q, done=error or done)
        context["error"] = bool(error)
        return render(request, "messaging/staff_group.html#manage", context)
    if error:
        flash.error(request, error)
    else:
        flash.success(request, done)
    url = reverse("messaging:staff_group", args=[group.pk])
    return redirect(f"{url}?{urlencode({'q': q})}#members" if q else f"{url}#members")


@never_cache
@require_POST
@district_required
def staff_group_add_member(request: DistrictRequest, pk: int) -> HttpResponse:
    group = get_staff_group_for(request.user, request.district, pk, manage=True)
    person = _member_person(request, group, adding=True)
    try:
        add_staff_group_member(group=group, person=person, by=request.user)
    except StaffGroupError as exc:
        return _after_change(request, group, "", str(exc))
    return _after_change(request, group, f"Added {person.display_name} to the group.")


@never_cache
@require_POST
@district_required
def staff_group_remove_member(request: DistrictRequest, pk: int) -> HttpResponse:
    group = get_staff_group_for(request.user, request.district, pk, manage=True)
    person = _member_person(request, group, adding=False)
    try:
        remove_staff_group_member(group=group, person=person, by=request.user)
    except StaffGroupError as exc:
        return _after_change(request, group, "", str(exc))
    return _after_change(request, group, f"Removed {person.display_name} from the group.")
