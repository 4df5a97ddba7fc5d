"""The "Unreachable families" page: guardians with no working channel, with counts."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chalkline.messaging.access import unreachable_buildings_for
from chalkline.messaging.unreachable import (
    NO_ADDRESS,
    counts_by_building,
    reason_of,
    unreachable_guardians,
)
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import Building


@never_cache
@require_http_methods(["GET"])
@district_required
def unreachable(request: DistrictRequest) -> HttpResponse:
    buildings = unreachable_buildings_for(request.user, request.district)
    people = unreachable_guardians(request.district, buildings)
    page = Paginator(people, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    counts = counts_by_building(request.district, buildings)
    rows = [
        (
            p,
            "No account and no e-mail address"
            if reason_of(p) == NO_ADDRESS
            else "No account; every e-mail to their address bounced",
        )
        for p in page.object_list
    ]
    return render(
        request,
        "messaging/unreachable.html",
        {
            "page": page,
            "rows": rows,
            "counts": counts,
            "total": sum(c.unreachable for c in counts),
            "district_wide": buildings.count()
            == Building.objects.filter(district=request.district).count(),
        },
    )
