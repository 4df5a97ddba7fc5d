"""Office hours: a staff member's weekly hours, for the automatic reply to families."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chalkline.messaging.access import may_set_office_hours
from chalkline.messaging.models import OfficeHours
from chalkline.messaging.office_hours import DAYS, OfficeHoursError, format_day, parse_day
from chalkline.messaging.services import set_office_hours
from chalkline.people.decorators import DistrictRequest, district_required


class OfficeHoursForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n, day in enumerate(DAYS):
            self.fields[f"day{n}"] = forms.CharField(
                label=day,
                required=False,
                max_length=100,
                help_text="For example 08:00-11:30, 13:00-15:30. Empty: closed." if n == 0 else "",
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        hours: dict[str, list[list[str]]] = {}
        for n, day in enumerate(DAYS):
            try:
                hours[str(n)] = parse_day(day, cleaned.get(f"day{n}", ""))
            except OfficeHoursError as exc:
                self.add_error(f"day{n}", str(exc))
        cleaned["hours"] = hours
        return cleaned


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def office_hours(request: DistrictRequest) -> HttpResponse:
    if not may_set_office_hours(request.user, request.district):
        raise PermissionDenied("Office hours are for staff who message families.")
    current = OfficeHours.objects.filter(user=request.user).first()
    status = 200
    if request.method == "POST":
        form = OfficeHoursForm(request.POST)
        if form.is_valid():
            set_office_hours(
                user=request.user,
                district=request.district,
                hours=form.cleaned_data["hours"],
                by=request.user,
            )
            flash.success(request, "Office hours saved.")
            return redirect("messaging:office_hours")
        status = 400
    else:
        saved = current.hours if current else {}
        form = OfficeHoursForm(
            initial={f"day{n}": format_day(saved.get(str(n), [])) for n in range(7)}
        )
    return render(request, "messaging/office_hours.html", {"form": form}, status=status)
