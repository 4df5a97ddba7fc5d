"""The District's logo (Policy 5:125, duty 7) under /registry/logo/: staff ask for permission to
use it and see their requests; the superintendent or designee grants (for a period), refuses or
revokes, and keeps the logo images that screening looks for. Access: registry/access.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from chalkline.people.access import grants_for
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.roles import Capability
from chalkline.registry import access, services
from chalkline.registry.forms import LogoGrantForm, LogoImageForm, LogoReasonForm, LogoRequestForm
from chalkline.registry.models import DistrictLogo, LogoPermission


@require_http_methods(["GET"])
@district_required
def mine(request: DistrictRequest) -> HttpResponse:
    """My logo permissions: the employee's requests, grants (with their period) and answers."""
    access.require_logo_requester(request.user, request.district)
    own = LogoPermission.objects.in_district(request.district).filter(
        person_id=request.user.person_id or 0
    )
    today = timezone.localdate()
    return render(
        request,
        "registry/logo_mine.html",
        {
            "permissions": [(p, p.state_label(today)) for p in own],
            "has_person": bool(request.user.person_id),
            "can_grant": grants_for(request.user, request.district).can_anywhere(
                Capability.GRANT_LOGO_USE
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@district_required
def request_permission(request: DistrictRequest) -> HttpResponse:
    access.require_logo_requester(request.user, request.district)
    person = request.user.person
    if person is None:
        raise PermissionDenied("Only staff in the directory can ask to use the logo.")
    form = LogoRequestForm(
        request.POST if request.method == "POST" else None,
        initial={"purpose": request.GET.get("purpose", "")[:300]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.request_logo_permission(
                district=request.district, by=request.user, person=person, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("purpose", exc)
        else:
            messages.success(
                request, "Your request was sent to the superintendent's office for a decision."
            )
            return redirect("registry:logo_mine")
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/logo_request.html", {"form": form}, status=status)


def _review_context(request: DistrictRequest, **forms: Any) -> dict[str, Any]:
    qs = access.logo_permissions_visible_to(request.user, request.district).select_related(
        "person", "decided_by"
    )
    status = request.GET.get("status", "")
    if status in LogoPermission.Status.values:
        qs = qs.filter(status=status)
    today = timezone.localdate()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return {
        "page": page,
        "rows": [(p, p.state_label(today)) for p in page],
        "status": status,
        "statuses": LogoPermission.Status.choices,
        "today": today,
        "logos": DistrictLogo.objects.filter(district=request.district),
        "grant_form": forms.get("grant_form") or LogoGrantForm(),
        "reason_form": forms.get("reason_form") or LogoReasonForm(),
        "image_form": forms.get("image_form") or LogoImageForm(),
        "failed_pk": forms.get("failed_pk"),
        "query": f"status={status}" if status else "",
    }


@require_http_methods(["GET"])
@district_required
def review(request: DistrictRequest) -> HttpResponse:
    """The designee's list: every request of the district, newest first, with its decision
    forms, and the logo images screening looks for."""
    access.require_logo_granter(request.user, request.district)
    return render(request, "registry/logo_review.html", _review_context(request))


def _refused(request: DistrictRequest, exc: ValidationError, **forms: Any) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return render(
        request, "registry/logo_review.html", _review_context(request, **forms), status=400
    )


@require_POST
@district_required
def grant(request: DistrictRequest, pk: int) -> HttpResponse:
    permission = access.get_logo_permission_for(request.user, request.district, pk)
    form = LogoGrantForm(request.POST)
    if not form.is_valid():
        return _refused(
            request,
            ValidationError("Give the period of the permission."),
            grant_form=form,
            failed_pk=pk,
        )
    try:
        services.grant_logo_permission(permission=permission, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        return _refused(request, exc, grant_form=form, failed_pk=pk)
    messages.success(request, f"Permission granted to {permission.person.display_name}.")
    return redirect("registry:logo_review")


def _with_reason(request: DistrictRequest, pk: int, step: str) -> HttpResponse:
    permission = access.get_logo_permission_for(request.user, request.district, pk)
    form = LogoReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        if step == "refuse":
            services.refuse_logo_permission(permission=permission, by=request.user, reason=reason)
        else:
            services.revoke_logo_permission(permission=permission, by=request.user, reason=reason)
    except ValidationError as exc:
        return _refused(request, exc, reason_form=form, failed_pk=pk)
    done = "refused" if step == "refuse" else "revoked"
    messages.success(request, f"Permission {done}; {permission.person.display_name} sees why.")
    return redirect("registry:logo_review")


@require_POST
@district_required
def refuse(request: DistrictRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, "refuse")


@require_POST
@district_required
def revoke(request: DistrictRequest, pk: int) -> HttpResponse:
    return _with_reason(request, pk, "revoke")


@require_POST
@district_required
def add_image(request: DistrictRequest) -> HttpResponse:
    access.require_logo_granter(request.user, request.district)
    form = LogoImageForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(
            request, ValidationError("Name the logo and choose its image."), image_form=form
        )
    upload = form.cleaned_data["image"]
    data = bytes(upload.read(services.MAX_LOGO_BYTES + 1))
    try:
        services.add_district_logo(
            district=request.district, by=request.user, name=form.cleaned_data["name"], data=data
        )
    except ValidationError as exc:
        return _refused(request, exc, image_form=form)
    messages.success(request, "The logo image was added; screening looks for it from now on.")
    return redirect("registry:logo_review")


@require_POST
@district_required
def remove_image(request: DistrictRequest, pk: int) -> HttpResponse:
    logo = access.get_district_logo_for(request.user, request.district, pk)
    services.remove_district_logo(logo=logo, by=request.user)
    messages.success(request, f"The logo image “{logo.name}” was removed.")
    return redirect("registry:logo_review")
