"""Media releases and directory opt-outs of a building's students: list, filter, bulk edit
(a principal or the registrar)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages as flash
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chalkline.messaging.access import can_manage_messaging, require_messaging_manager
from chalkline.messaging.access_media import (
    get_media_building_for,
    media_buildings_for,
    require_media_manager,
)
from chalkline.messaging.models import unknown_means_release
from chalkline.messaging.services import set_unknown_media_release
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import Person
from chalkline.people.services.media_releases import MediaReleaseError, set_media_flags

_CHANGE = [("", "Leave as it is"), ("yes", "Yes"), ("no", "No")]


class MediaFilterForm(forms.Form):
    q = forms.CharField(label="Name", required=False, max_length=100)
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("", "Every student"),
            ("no_release", "No media release"),
            ("opt_out", "Directory opt-out"),
        ],
    )


class MediaEditForm(forms.Form):
    students = forms.TypedMultipleChoiceField(
        label="Students", coerce=int, error_messages={"required": "Students: tick at least one."}
    )
    media_release = forms.ChoiceField(label="Media release", choices=_CHANGE, required=False)
    directory_opt_out = forms.ChoiceField(
        label="Directory opt-out", choices=_CHANGE, required=False
    )

    def __init__(self, *args: Any, student_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["students"].choices = [(pk, str(pk)) for pk in student_ids]  # type: ignore[attr-defined]

    @staticmethod
    def flag(value: str) -> bool | None:
        return {"yes": True, "no": False}.get(value)


class UnknownForm(forms.Form):
    unknown_means_release = forms.TypedChoiceField(
        label="A student whose media release is not known",
        coerce=lambda v: v == "release",
        choices=[
            ("none", "has no media release (the default)"),
            ("release", "has a media release"),
        ],
        help_text="Applies to students the roster brings without the flag and nobody recorded here.",
    )


@never_cache
@require_http_methods(["GET"])
@district_required
def media_index(request: DistrictRequest) -> HttpResponse:
    require_media_manager(request.user, request.district)
    buildings = list(media_buildings_for(request.user, request.district))
    can_set = can_manage_messaging(request.user, request.district)
    if len(buildings) == 1 and not can_set:
        return redirect("messaging:media_building", pk=buildings[0].pk)
    current = "release" if unknown_means_release(request.district) else "none"
    return render(
        request,
        "messaging/media_index.html",
        {
            "buildings": buildings,
            "can_set_unknown": can_set,
            "unknown_form": UnknownForm(initial={"unknown_means_release": current}),
        },
    )


@never_cache
@require_http_methods(["POST"])
@district_required
def media_unknown(request: DistrictRequest) -> HttpResponse:
    """What an unknown media release means (superintendent and designee)."""
    require_messaging_manager(request.user, request.district)
    form = UnknownForm(request.POST)
    if not form.is_valid():
        buildings = list(media_buildings_for(request.user, request.district))
        context = {"buildings": buildings, "can_set_unknown": True, "unknown_form": form}
        return render(request, "messaging/media_index.html", context, status=400)
    set_unknown_media_release(
        district=request.district,
        means_release=form.cleaned_data["unknown_means_release"],
        by=request.user,
    )
    flash.success(request, "Saved what an unknown media release means.")
    return redirect("messaging:media_index")


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def media_building(request: DistrictRequest, pk: int) -> HttpResponse:
    building = get_media_building_for(request.user, request.district, pk)
    students = (
        Person.objects.filter(
            district=request.district,
            kind=Person.Kind.STUDENT,
            active=True,
            affiliations__building=building,
            affiliations__active=True,
        )
        .distinct()
        .order_by("family_name", "given_name", "pk")
    )
    status = 200
    if request.method == "POST":
        edit = MediaEditForm(request.POST, student_ids=list(students.values_list("pk", flat=True)))
        if edit.is_valid():
            try:
                changed = set_media_flags(
                    building=building,
                    students=edit.cleaned_data["students"],
                    media_release=edit.flag(edit.cleaned_data["media_release"]),
                    directory_opt_out=edit.flag(edit.cleaned_data["directory_opt_out"]),
                    by=request.user,
                )
            except MediaReleaseError as exc:
                edit.add_error(None, str(exc))
            else:
                flash.success(
                    request, f"Recorded for {changed} student{'s' if changed != 1 else ''}."
                )
                query = request.POST.get("return_query", "")
                url = request.path + (f"?{query}" if query and len(query) < 300 else "")
                return redirect(url)
        status = 400
    else:
        edit = MediaEditForm(student_ids=[])
    filters = MediaFilterForm(request.GET)
    if filters.is_valid():
        if filters.cleaned_data["q"]:
            students = students.search(filters.cleaned_data["q"])
        if filters.cleaned_data["show"] == "no_release":
            none = Q(media_release_known=True, media_release=False)
            if not unknown_means_release(request.district):
                none |= Q(media_release_known=False)
            students = students.filter(none)
        elif filters.cleaned_data["show"] == "opt_out":
            students = students.filter(directory_opt_out=True)
    page = Paginator(students, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "unknown_means_release": unknown_means_release(request.district),
        "building": building,
        "filters": filters,
        "edit": edit,
        "page": page,
        "query": request.GET.urlencode(),
        "chosen": set(edit.cleaned_data.get("students", []))
        if edit.is_bound and hasattr(edit, "cleaned_data")
        else set(),
    }
    template = "messaging/media_building.html"
    if request.htmx and request.method == "GET":
        template += "#student-list"
    return render(request, template, context, status=status)
