"""Staff pages: the library for every employee, management for the superintendent and designee."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from chalkline.people.access import require
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roles import Capability
from chalkline.policies import access, search, selectors, services
from chalkline.policies.forms import (
    CompareForm,
    EditDraftForm,
    GuidelineForm,
    GuidelinePublishForm,
    ImportPolicyForm,
    NewGuidelineForm,
    SearchForm,
    too_large_message,
)
from chalkline.policies.models import (
    Guideline,
    GuidelineVersion,
    PolicyImport,
    PolicyVersion,
    VersionStatus,
)
from chalkline.policies.parsing import MAX_POLICY_BYTES
from chalkline.policies.rendering import community_default, render_markdown

MANAGE = Capability.MANAGE_POLICIES
# Room for the multipart envelope and the other fields around a file at the limit.
_ENVELOPE = 64 * 1024


def _can_manage(request: DistrictRequest) -> bool:
    return access.can_manage_policies(request.user, request.district)


@require_GET
@district_required
def library(request: DistrictRequest) -> HttpResponse:
    require(request.user, request.district, Capability.READ_POLICIES)
    can_manage = _can_manage(request)
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    rows = selectors.library_rows(
        access.policies_visible_to(request.user, request.district),
        access.policy_versions_visible_to(request.user, request.district),
    )
    hits = search.search_policies(request.district, query) if query else []
    context = {"rows": rows, "form": form, "query": query, "hits": hits, "can_manage": can_manage}
    template = "policies/library.html"
    if request.htmx and query:
        template += "#results"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@district_required
def import_policy(request: DistrictRequest) -> HttpResponse:
    require(request.user, request.district, MANAGE)
    if request.method != "POST":
        return render(request, "policies/import.html", {"form": ImportPolicyForm()})
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length > MAX_POLICY_BYTES + _ENVELOPE:
        context = {"form": ImportPolicyForm(), "errors": [too_large_message(length)]}
        return render(request, "policies/import.html", context, status=413)
    form = ImportPolicyForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, "policies/import.html", {"form": form}, status=400)
    data, filename, content_type = form.payload()
    record = services.start_policy_import(
        district=request.district,
        data=data,
        filename=filename,
        content_type=content_type,
        number=form.cleaned_data.get("number") or None,
        by=request.user,
    )
    if services.runs_in_background(record):
        record.refresh_from_db()  # an inline task backend has run it already
    else:
        record = services.run_policy_import(import_id=record.pk)
    if record.status == PolicyImport.Status.DONE and record.version_id:
        if record.unchanged:
            messages.info(request, record.message)
        else:
            messages.success(request, record.message)
        return redirect("policies:version", pk=record.version_id)
    if record.status == PolicyImport.Status.FAILED and record.needs_number:
        again = ImportPolicyForm(
            initial={"text": form.cleaned_data.get("text", "")}, ask_number=True
        )
        errors = [record.message + (" Choose the file again." if filename else "")]
        return render(
            request, "policies/import.html", {"form": again, "errors": errors}, status=400
        )
    if record.status == PolicyImport.Status.FAILED:
        form.add_error(None, record.message)
        return render(request, "policies/import.html", {"form": form}, status=400)
    return redirect("policies:import_status", pk=record.pk)


@require_GET
@district_required
def import_status(request: DistrictRequest, pk: int) -> HttpResponse:
    """A background import's progress; htmx polls the status partial until it is over."""
    record = access.get_policy_import_for(request.user, request.district, pk)
    template = "policies/import_status.html"
    if request.htmx:
        template += "#import-status"
    return render(request, template, {"record": record})


@require_GET
@district_required
def policy_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    policy = access.get_policy_for(request.user, request.district, pk)
    versions = access.policy_versions_visible_to(request.user, request.district).filter(
        policy=policy
    )
    guideline_versions = access.guideline_versions_visible_to(
        request.user, request.district
    ).filter(guideline__policy=policy)
    guidelines = selectors.guidelines_of(policy, guideline_versions)
    current = selectors.current_version(policy)
    can_manage = _can_manage(request)
    return render(
        request,
        "policies/policy.html",
        {
            "policy": policy,
            "current": current,
            "clauses": selectors.clauses_of(current) if current else [],
            "versions": versions.order_by("-seq"),
            "guidelines": guidelines,
            "compare_form": CompareForm(versions=versions.order_by("-seq")),
            "can_manage": can_manage,
            "can_add_community": can_manage and not selectors.has_community_page(policy),
        },
    )


@require_GET
@district_required
def version_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    version = access.get_version_for(request.user, request.district, pk)
    can_manage = _can_manage(request)
    return render(
        request,
        "policies/version.html",
        {
            "version": version,
            "policy": version.policy,
            "clauses": selectors.clauses_of(version),
            "can_edit": can_manage and version.is_draft,
            "show_warnings": can_manage,
        },
    )


@require_http_methods(["GET", "POST"])
@district_required
def edit_draft(request: DistrictRequest, pk: int) -> HttpResponse:
    version = access.get_version_for(request.user, request.district, pk, need=MANAGE)
    if not version.is_draft:
        messages.error(request, "A published version never changes; import a new draft instead.")
        return redirect("policies:version", pk=version.pk)
    if request.method == "POST":
        form = EditDraftForm(request.POST)
        if form.is_valid():
            try:
                services.edit_policy_draft(
                    version=version,
                    text=form.cleaned_data["text"],
                    adopted_on=form.cleaned_data["adopted_on"],
                    revised_on=form.cleaned_data["revised_on"],
                    by=request.user,
                )
            except (services.PolicyImportError, services.PolicyStateError) as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The draft was saved.")
                return redirect("policies:version", pk=version.pk)
        status = 400
    else:
        form = EditDraftForm(initial={"text": version.canonical_text})
        status = 200
    return render(
        request, "policies/edit_draft.html", {"form": form, "version": version}, status=status
    )


def _two_versions(
    request: DistrictRequest, pk: int
) -> tuple[Any, CompareForm, PolicyVersion | None, PolicyVersion | None]:
    policy = access.get_policy_for(request.user, request.district, pk)
    versions = (
        access.policy_versions_visible_to(request.user, request.district)
        .filter(policy=policy)
        .order_by("-seq")
    )
    form = CompareForm(request.GET or None, versions=versions)
    if form.is_bound and form.is_valid():
        return policy, form, form.cleaned_data["from"], form.cleaned_data["to"]
    issued = list(versions.exclude(status=VersionStatus.DRAFT)[:2])
    if not form.is_bound and len(issued) == 2:
        return (
            policy,
            CompareForm(initial={"from": issued[1].pk, "to": issued[0].pk}, versions=versions),
            issued[1],
            issued[0],
        )
    return policy, form, None, None


@require_GET
@district_required
def compare(request: DistrictRequest, pk: int) -> HttpResponse:
    policy, form, old, new = _two_versions(request, pk)
    changes = selectors.changes_since(old, new) if old and new else None
    return render(
        request, "policies/compare.html", {"policy": policy, "form": form, "changes": changes}
    )


@require_GET
@district_required
def changes(request: DistrictRequest, pk: int) -> HttpResponse:
    """What changed since the version someone signed: clause by clause, then the full redline."""
    policy, form, old, new = _two_versions(request, pk)
    changeset = selectors.changes_since(old, new) if old and new else None
    return render(
        request, "policies/changes.html", {"policy": policy, "form": form, "changes": changeset}
    )


# --- guidelines ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@district_required
def guideline_new(request: DistrictRequest, pk: int) -> HttpResponse:
    policy = access.get_policy_for(request.user, request.district, pk, need=MANAGE)
    if request.method == "POST":
        form = NewGuidelineForm(request.POST)
        if form.is_valid():
            try:
                version = services.create_guideline(
                    policy=policy,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    by=request.user,
                )
            except services.PolicyStateError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The draft was saved. Publish it when it is ready.")
                return redirect("policies:guideline", pk=version.guideline_id)
    elif request.GET.get("kind") == Guideline.Kind.COMMUNITY:
        form = NewGuidelineForm(
            initial={
                "kind": Guideline.Kind.COMMUNITY,
                "title": f"What Policy {policy.number_raw} means for families",
                "body": community_default(policy.number) or "",
            }
        )
    else:
        form = NewGuidelineForm(initial={"kind": Guideline.Kind.GUIDELINE})
    return render(
        request,
        "policies/guideline_form.html",
        {"form": form, "policy": policy, "guideline": None},
        status=400 if form.is_bound else 200,
    )


@require_GET
@district_required
def guideline_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    guideline = access.get_guideline_for(request.user, request.district, pk)
    versions = (
        access.guideline_versions_visible_to(request.user, request.district)
        .filter(guideline=guideline)
        .order_by("-seq")
    )
    shown: GuidelineVersion | None = next(iter(versions), None)
    can_manage = _can_manage(request)
    return render(
        request,
        "policies/guideline.html",
        {
            "guideline": guideline,
            "policy": guideline.policy,
            "versions": versions,
            "shown": shown,
            "body_html": render_markdown(shown.body) if shown else "",
            "can_manage": can_manage,
            "publish_form": GuidelinePublishForm()
            if can_manage and shown and shown.is_draft
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@district_required
def guideline_edit(request: DistrictRequest, pk: int) -> HttpResponse:
    guideline = access.get_guideline_for(request.user, request.district, pk, need=MANAGE)
    latest = selectors.latest_guideline_version(guideline)
    if request.method == "POST":
        form = GuidelineForm(request.POST)
        if form.is_valid():
            try:
                services.save_guideline_draft(
                    guideline=guideline,
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    by=request.user,
                )
            except services.PolicyStateError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "The draft was saved.")
                return redirect("policies:guideline", pk=guideline.pk)
    else:
        form = GuidelineForm(
            initial={"title": latest.title, "body": latest.body} if latest else None
        )
    return render(
        request,
        "policies/guideline_form.html",
        {"form": form, "policy": guideline.policy, "guideline": guideline},
        status=400 if form.is_bound else 200,
    )


@require_http_methods(["GET", "POST"])
@district_required
def guideline_publish(request: DistrictRequest, pk: int) -> HttpResponse:
    version = access.get_guideline_version_for(request.user, request.district, pk, need=MANAGE)
    form = GuidelinePublishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.publish_guideline_version(
                version=version, change_summary=form.cleaned_data["change_summary"], by=request.user
            )
        except services.PolicyStateError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "The guideline is published.")
            return redirect("policies:guideline", pk=version.guideline_id)
    return render(
        request,
        "policies/guideline_publish.html",
        {
            "form": form,
            "version": version,
            "guideline": version.guideline,
            "back": reverse("policies:guideline", args=[version.guideline_id]),
        },
        status=400 if form.is_bound else 200,
    )
