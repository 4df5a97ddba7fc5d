"""Staff pages of the registry under /registry/: the list, requests, review, approval, import,
breaches and the privacy page's text. Access checks come from registry/access.py."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.csvsafe import safe_row
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import Person
from chalkline.people.roles import Capability
from chalkline.registry import access, services
from chalkline.registry.forms import (
    ApproveForm,
    BreachForm,
    DelayForm,
    ImportForm,
    NotesForm,
    PrivacyPageForm,
    RequestForm,
    ReviewForm,
)
from chalkline.registry.models import App, PrivacyPage
from chalkline.registry.reminders import reminders_for

C = Capability


def _errors(request: DistrictRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@require_GET
@district_required
def apps(request: DistrictRequest) -> HttpResponse:
    access.require_registry_reader(request.user, request.district)
    qs = access.apps_visible_to(request.user, request.district)
    status = request.GET.get("status", "")
    if status in App.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    perms = access.registry_permissions(request.user, request.district)
    return render(
        request,
        "registry/apps.html",
        {
            "page": page,
            "status": status,
            "statuses": App.Status.choices,
            "today": timezone.localdate(),
            "reminders": reminders_for(request.user, request.district),
            "query": f"status={status}" if status else "",
            **perms,
        },
    )


@require_http_methods(["GET", "POST"])
@district_required
def request_app(request: DistrictRequest) -> HttpResponse:
    access.require_registry_reader(request.user, request.district)
    form = RequestForm(request.POST or None, initial={"name": request.GET.get("name", "")[:200]})
    if request.method == "POST" and form.is_valid():
        try:
            app = services.request_app(
                district=request.district, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("name", exc)
        else:
            messages.success(request, f"Your request for {app.name} was sent for review.")
            return redirect("registry:app", app.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/request.html", {"form": form}, status=status)


@require_GET
@district_required
def app(request: DistrictRequest, pk: int) -> HttpResponse:
    obj = access.get_app_for(request.user, request.district, pk, need=C.REQUEST_APPS)
    return render(request, "registry/app.html", _app_context(request, obj))


def _app_context(request: DistrictRequest, obj: App, **forms: Any) -> dict[str, Any]:
    perms = access.registry_permissions(request.user, request.district)
    return {
        "app": obj,
        "today": timezone.localdate(),
        "review_form": forms.get("review_form") or ReviewForm(),
        "approve_form": forms.get("approve_form") or ApproveForm(),
        "notes_form": NotesForm(),
        **perms,
    }


@require_POST
@district_required
def review(request: DistrictRequest, pk: int) -> HttpResponse:
    obj = access.get_app_for(request.user, request.district, pk, need=C.REVIEW_APPS)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_app(app=obj, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, "Your review is recorded.")
            return redirect("registry:app", obj.pk)
    ctx = _app_context(request, obj, review_form=form)
    return render(request, "registry/app.html", ctx, status=400)


def _decide(request: DistrictRequest, pk: int, need: Capability, step: str) -> HttpResponse:
    obj = access.get_app_for(request.user, request.district, pk, need=need)
    form = NotesForm(request.POST)
    notes = form.cleaned_data["notes"] if form.is_valid() else ""
    try:
        if step == "changes":
            services.ask_for_changes(app=obj, by=request.user, notes=notes)
        elif step == "refuse":
            services.refuse_app(app=obj, by=request.user, notes=notes)
        elif step == "post":
            services.post_agreement(app=obj, by=request.user)
        else:
            services.retire_app(app=obj, by=request.user, notes=notes)
    except ValidationError as exc:
        _errors(request, exc)
        return render(request, "registry/app.html", _app_context(request, obj), status=409)
    messages.success(request, "Done.")
    return redirect("registry:app", obj.pk)


@require_POST
@district_required
def ask_changes(request: DistrictRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, C.REVIEW_APPS, "changes")


@require_POST
@district_required
def refuse(request: DistrictRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, C.REVIEW_APPS, "refuse")


@require_POST
@district_required
def post(request: DistrictRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, C.APPROVE_APPS, "post")


@require_POST
@district_required
def retire(request: DistrictRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, C.APPROVE_APPS, "retire")


@require_POST
@district_required
def approve(request: DistrictRequest, pk: int) -> HttpResponse:
    obj = access.get_app_for(request.user, request.district, pk, need=C.APPROVE_APPS)
    form = ApproveForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.approve_app(app=obj, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"{obj.name} is approved. Post its agreement next.")
            return redirect("registry:app", obj.pk)
    ctx = _app_context(request, obj, approve_form=form)
    return render(request, "registry/app.html", ctx, status=400)


@never_cache
@require_GET
@district_required
def agreement(request: DistrictRequest, pk: int) -> FileResponse:
    """The signed agreement itself (unredacted): for those who review or approve."""
    obj = access.get_app_for(request.user, request.district, pk, need=C.REVIEW_APPS)
    if not obj.agreement:
        raise Http404("No agreement")
    return FileResponse(
        obj.agreement.open("rb"),
        content_type="application/pdf",
        filename=f"{obj.name} agreement.pdf",
    )


@require_http_methods(["GET", "POST"])
@district_required
def import_csv(request: DistrictRequest) -> HttpResponse:
    access.require_approver(request.user, request.district)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.import_apps(
                district=request.district, by=request.user, data=form.cleaned_data["file"].read()
            )
        except services.CsvImportError as exc:
            errors = exc.errors
        else:
            messages.success(request, f"Imported {len(created)} apps.")
            return redirect("registry:apps")
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/import.html", {"form": form, "errors": errors}, status=status)


@require_http_methods(["GET", "POST"])
@district_required
def breaches(request: DistrictRequest) -> HttpResponse:
    access.require_approver(request.user, request.district)
    apps_qs = access.apps_visible_to(request.user, request.district)
    form = BreachForm(request.POST or None, apps=apps_qs)
    if request.method == "POST" and form.is_valid():
        try:
            breach = services.log_breach(
                district=request.district, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, f"Breach logged. Notify families by {breach.deadline:%B %-d, %Y}."
            )
            return redirect("registry:breach", breach.pk)
    listing = access.breaches_visible_to(request.user, request.district).select_related("app")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "registry/breaches.html", {"form": form, "breaches": listing}, status=status
    )


@require_http_methods(["GET", "POST"])
@district_required
def breach(request: DistrictRequest, pk: int) -> HttpResponse:
    obj = access.get_breach_for(request.user, request.district, pk)
    form = DelayForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delay_breach_notice(breach=obj, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error("delayed_until", exc)
        else:
            messages.success(request, "The delay is recorded.")
            return redirect("registry:breach", obj.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/breach.html", {"breach": obj, "form": form}, status=status)


@never_cache
@require_GET
@district_required
def breach_recipients(request: DistrictRequest, pk: int) -> StreamingHttpResponse:
    """Until the messaging hub exists, the notice goes out from a CSV of the district's families
    with an email address (the district narrows it to the affected students' families)."""
    obj = access.get_breach_for(request.user, request.district, pk)
    guardians = (
        Person.objects.filter(district=request.district, kind=Person.Kind.GUARDIAN)
        .exclude(email="")
        .order_by("family_name", "given_name", "pk")
        .values_list("given_name", "family_name", "email")
    )
    record_event(
        district=request.district,
        actor=request.user,
        action=Action.REGISTRY_BREACH_NOTICE_EXPORTED,
        target=obj,
    )

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def rows() -> Any:
        yield writer.writerow(["given_name", "family_name", "email"])
        for row in guardians.iterator(chunk_size=2000):
            yield writer.writerow(safe_row(list(row)))

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="breach-{obj.pk}-recipients.csv"'
    return response


@require_http_methods(["GET", "POST"])
@district_required
def privacy_settings(request: DistrictRequest) -> HttpResponse:
    access.require_approver(request.user, request.district)
    page = PrivacyPage.objects.filter(district=request.district).first()
    initial = (
        {
            "data_explanation": page.data_explanation,
            "parent_rights": page.parent_rights,
            "host_name": page.host_name,
            "host_address": page.host_address,
        }
        if page
        else {}
    )
    form = PrivacyPageForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.edit_privacy_page(district=request.district, by=request.user, **form.cleaned_data)
        messages.success(request, "The public privacy page is updated.")
        return redirect("registry:privacy_settings")
    status = 400 if request.method == "POST" else 200
    return render(request, "registry/privacy_settings.html", {"form": form}, status=status)
