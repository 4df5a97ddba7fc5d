"""The public policy portal: no sign-in, one district per URL, published versions only."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from chalkline.lib.http import HtmxRequest
from chalkline.people.models import District
from chalkline.policies import access, search, selectors
from chalkline.policies.forms import SearchForm
from chalkline.policies.models import (
    PolicyVersion,
)
from chalkline.policies.parsing import normalize_number
from chalkline.policies.rendering import community_default, render_markdown, version_pdf


def _district(slug: str) -> District:
    return get_object_or_404(District, slug=slug)


def _current(district: District, number: str) -> PolicyVersion:
    normalized = normalize_number(number)
    if normalized is None:
        raise Http404("No such policy")
    version = (
        access.public_policy_versions(district)
        .select_related("policy")
        .filter(policy__number=normalized.normalized)
        .first()
    )
    if version is None:
        raise Http404("No such policy")
    return version


def _context(district: District, **extra: object) -> dict[str, object]:
    return {"district": district, "search_form": SearchForm(), **extra}


@require_GET
def index(request: HttpRequest, district: str) -> HttpResponse:
    d = _district(district)
    sections = selectors.manual_index(access.public_policy_versions(d))
    return render(request, "policies/portal/index.html", _context(d, sections=sections))


@require_GET
def search_results(request: HtmxRequest, district: str) -> HttpResponse:
    d = _district(district)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    hits = search.search_policies(d, query) if query else []
    context = _context(d, hits=hits, query=query)
    context["search_form"] = form
    template = "policies/portal/search.html"
    if request.htmx:
        template += "#results"
    return render(request, template, context)


def _policy_context(d: District, version: PolicyVersion) -> dict[str, object]:
    policy = version.policy
    cited = {c["number"]["normalized"] for c in version.parsed.get("cross_references", []) if c}
    linkable = selectors.numbers_among(access.public_policy_versions(d), cited)
    return _context(
        d,
        version=version,
        policy=policy,
        clauses=selectors.clauses_of(version),
        history=selectors.issued_history(policy),
        guidelines=selectors.published_guidelines(policy),
        has_community=bool(
            selectors.published_community_page(policy) or community_default(policy.number)
        ),
        linkable=linkable,
    )


@require_GET
def policy(request: HttpRequest, district: str, number: str) -> HttpResponse:
    d = _district(district)
    version = _current(d, number)
    return render(request, "policies/portal/policy.html", _policy_context(d, version))


@require_GET
def printable(request: HttpRequest, district: str, number: str) -> HttpResponse:
    d = _district(district)
    version = _current(d, number)
    return render(request, "policies/portal/print.html", _policy_context(d, version))


@require_GET
def pdf(request: HttpRequest, district: str, number: str) -> HttpResponse:
    d = _district(district)
    version = _current(d, number)
    body = version_pdf(version, district_name=d.name, clauses=list(selectors.clauses_of(version)))
    response = HttpResponse(body, content_type="application/pdf")
    filename = f"policy-{version.policy.number.replace(':', '-')}-v{version.seq}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_GET
def guideline(request: HttpRequest, district: str, number: str, slug: str) -> HttpResponse:
    d = _district(district)
    version = _current(d, number)
    shown = selectors.published_guideline(version.policy, slug)
    if shown is None:
        raise Http404("No such guideline")
    return render(
        request,
        "policies/portal/guideline.html",
        _context(
            d, version=version, policy=version.policy, shown=shown, body=render_markdown(shown.body)
        ),
    )


@require_GET
def community(request: HttpRequest, district: str, number: str) -> HttpResponse:
    d = _district(district)
    version = _current(d, number)
    page = selectors.published_community_page(version.policy)
    text = page.body if page else community_default(version.policy.number)
    if text is None:
        raise Http404("No community page")
    return render(
        request,
        "policies/portal/community.html",
        _context(d, version=version, policy=version.policy, page=page, body=render_markdown(text)),
    )


@require_GET
def clause(request: HttpRequest, district: str, clause_id: str) -> HttpResponse:
    d = _district(district)
    found = selectors.clause_in(access.public_policy_versions(d), clause_id)
    if found is None:
        raise Http404("No such clause")
    children = found.children.order_by("position")
    return render(
        request,
        "policies/portal/clause.html",
        _context(
            d, clause=found, version=found.version, policy=found.version.policy, children=children
        ),
    )
