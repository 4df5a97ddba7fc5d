"""The public concerns page, /d/<slug>/concerns/: no sign-in.

Anyone (a parent, a member of the community, a job applicant whose social-media password was
asked for) can raise a concern. The page is rate-limited per address (429), has a honeypot (a
caught bot gets the same thanks and nothing is stored), and never says whether a case exists:
every accepted submission gets the same answer, with no case number. It says plainly that it is
not watched around the clock, and that a child in danger means 911 or the DCFS hotline."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from chalkline.cases import services
from chalkline.cases.forms import PublicConcernForm
from chalkline.lib import ratelimit
from chalkline.lib.http import HtmxRequest, client_ip
from chalkline.people.models import Building, District


def _key() -> str:
    return uuid.uuid4().hex


# Submissions per address per hour (CASES_PUBLIC_LIMIT in settings).
SCOPE = "cases-public"


@never_cache
@require_http_methods(["GET", "POST"])
def concerns(request: HtmxRequest, district: str) -> HttpResponse:
    d = get_object_or_404(District, slug=district)
    buildings = Building.objects.in_district(d).active().order_by("name")
    form = PublicConcernForm(
        request.POST or None, buildings=buildings, initial={"idempotency_key": _key()}
    )
    context = {"district": d, "form": form, "received": False}
    if request.method == "POST":
        retry = ratelimit.consume(
            SCOPE,
            f"{d.pk}:{client_ip(request)}",
            limit=getattr(settings, "CASES_PUBLIC_LIMIT", 5),
            seconds=3600,
        )
        if retry is not None:
            return ratelimit.too_many_requests(request, retry)
        if form.is_valid():
            data = dict(form.cleaned_data)
            if not data.pop("website"):  # a filled honeypot: a bot; store nothing
                services.submit_public_concern(district=d, **data)
            context["received"] = True
            context["form"] = PublicConcernForm(
                buildings=buildings, initial={"idempotency_key": _key()}
            )
            return render(request, "cases/public.html", context)
        return render(request, "cases/public.html", context, status=400)
    return render(request, "cases/public.html", context)
