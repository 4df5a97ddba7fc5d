"""The public SOPPA page, /d/<slug>/privacy/: no sign-in (105 ILCS 85/27(a)).

It lists the operators the district has written agreements with (posted, approved apps; an
expired agreement stays listed, marked "review due"), each with its business address, data
elements, subcontractors and the posted copy of the agreement; the district's own explanation
of the data it collects, the parent-rights procedure, the host of Chalkline, and the breaches.
Paginated (25 operators a page) and searchable by name, operator or data element."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chalkline.lib.http import HtmxRequest
from chalkline.people.models import District
from chalkline.registry.forms import SearchForm
from chalkline.registry.models import App, Breach, PrivacyPage

PER_PAGE = 25


@require_GET
def privacy(request: HtmxRequest, district: str) -> HttpResponse:
    d = get_object_or_404(District, slug=district)
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    apps = (
        App.objects.in_district(d)
        .posted()
        .only(
            "pk",
            "name",
            "operator",
            "operator_address",
            "purpose",
            "data_elements",
            "subcontractors",
            "subcontractors_url",
            "signed_on",
            "expires_on",
            "status",
        )
    )
    if q:
        apps = apps.filter(
            Q(name__icontains=q) | Q(operator__icontains=q) | Q(data_elements__icontains=q)
        )
    page = Paginator(apps.order_by("name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "district": d,
        "form": form,
        "q": q,
        "page": page,
        "query": f"q={q}" if q else "",
        "today": timezone.localdate(),
        "privacy": PrivacyPage.objects.filter(district=d).first(),
        "breaches": Breach.objects.filter(district=d).select_related("app")[:200],
    }
    template = "registry/public.html"
    if request.htmx:
        template += "#operators"
    return render(request, template, context)


@require_GET
def posted_agreement(request: HtmxRequest, district: str, pk: int) -> FileResponse:
    """The posted copy (redacted when there is one) of a listed operator's agreement."""
    d = get_object_or_404(District, slug=district)
    app = get_object_or_404(App.objects.in_district(d).posted(), pk=pk)
    posted = app.posted_file
    if posted is None:
        raise Http404("No agreement posted")
    return FileResponse(
        posted.open("rb"), content_type="application/pdf", filename=f"{app.name} agreement.pdf"
    )
