"""The public portal's review pages (no sign-in): each policy's adoption history, and the drafts
the district chose to show while they are out for first reading."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from chalkline.people.models import District
from chalkline.policies.forms import SearchForm
from chalkline.policies.models import Policy, VersionStatus
from chalkline.policies.parsing import normalize_number
from chalkline.policies.redline import redline_html
from chalkline.reviews.models import BoardItem


def _district(slug: str) -> District:
    return get_object_or_404(District, slug=slug)


@require_GET
def history(request: HttpRequest, district: str, number: str) -> HttpResponse:
    d = _district(district)
    normalized = normalize_number(number)
    policy = (
        Policy.objects.filter(district=d, number=normalized.normalized).first()
        if normalized
        else None
    )
    if policy is None or not policy.versions.issued().exists():
        raise Http404("No such policy")
    versions = list(policy.versions.issued().order_by("-seq"))
    outcomes = {
        item.review.draft_id: item
        for item in BoardItem.objects.filter(
            review__policy=policy, status=BoardItem.Status.ADOPTED
        ).select_related("review")
    }
    rows = [(v, outcomes.get(v.pk)) for v in versions]
    return render(
        request,
        "reviews/portal_history.html",
        {"district": d, "policy": policy, "rows": rows, "search_form": SearchForm()},
    )


@require_GET
def first_reading(request: HttpRequest, district: str) -> HttpResponse:
    d = _district(district)
    items = (
        BoardItem.objects.filter(
            district=d,
            public_first_reading=True,
            status__in=[BoardItem.Status.ON_AGENDA, BoardItem.Status.FIRST_READING],
            review__draft__status=VersionStatus.DRAFT,
        )
        .select_related("review__policy", "review__draft", "review__base")
        .order_by("review__policy__sort_key")
    )
    drafts = [
        (
            item,
            mark_safe(  # noqa: S308 - redline_html escapes every text it renders
                redline_html(item.review.base.canonical_text, item.review.draft.canonical_text)
            ),
        )
        for item in items
    ]
    return render(
        request,
        "reviews/portal_first_reading.html",
        {"district": d, "drafts": drafts, "search_form": SearchForm()},
    )
