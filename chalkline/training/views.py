"""The training pages: the employee's trainings, modules, QR check-in and certificates; the
district's and principals' trainings, sessions, attendance, QR display, settings and reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkline.people.access import get_visible
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import User
from chalkline.policies.models import PolicyVersion, VersionStatus
from chalkline.training import access, qr, selectors, services
from chalkline.training.certificate import certificate_pdf
from chalkline.training.forms import SessionForm, SettingsForm, TrainingForm, module_form
from chalkline.training.models import RosterEntry, Session

ROSTER_PAGE = 200

# --- the employee ----------------------------------------------------------------------------


@require_GET
@district_required
def mine(request: DistrictRequest) -> HttpResponse:
    entries = access.own_entries(request.user, request.district).select_related(
        "session__training", "session__building"
    )
    return render(
        request,
        "training/mine.html",
        {
            "entries": entries.order_by("completed_at", "-session__starts_at"),
            "can_manage": access.may_manage_sessions(request.user, request.district),
            "can_report": access.record_scope(request.user, request.district) != set(),
        },
    )


@require_http_methods(["GET", "POST"])
@district_required
def module(request: DistrictRequest, pk: int) -> HttpResponse:
    entry = access.get_own_entry_for(request.user, request.district, pk)
    training = entry.session.training
    form = module_form(training.questions, request.POST if request.method == "POST" else None)
    result = None
    open_module = not entry.is_complete and entry.session.is_self_paced
    if request.method == "POST" and open_module and form.is_valid():
        answers = {int(k[1:]): v for k, v in form.cleaned_data.items()}
        result = services.complete_module(entry=entry, answers=answers, by=request.user)
        if result.passed:
            messages.success(request, f"You completed {training.title}.")
            return redirect("training:module", pk=entry.pk)
    clauses = (
        training.policy_version.clauses.order_by("position") if training.policy_version else []
    )
    return render(
        request,
        "training/module.html",
        {"entry": entry, "training": training, "form": form, "result": result, "clauses": clauses},
    )


@require_GET
@district_required
def certificate(request: DistrictRequest, pk: int) -> HttpResponse:
    entry = access.get_entry_for(request.user, request.district, pk)
    if not entry.is_complete:
        raise Http404("Not completed")
    response = HttpResponse(certificate_pdf(entry), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="training-{entry.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@district_required
def check_in(request: DistrictRequest, pk: int) -> HttpResponse:
    """Where the room's QR code leads: confirm, then check in (the token is checked on POST)."""
    session = get_visible(
        Session.objects.filter(district=request.district).select_related("training"),
        pk,
        not_found="No such session",
    )
    token = str(request.POST.get("t") or request.GET.get("t") or "")[:64]
    error = ""
    if request.method == "POST":
        try:
            services.check_in_with_code(session=session, by=request.user, token=token)
        except services.CheckInRefused as refused:
            error = str(refused)
        else:
            messages.success(request, f"You are checked in to {session.training.title}.")
            return redirect("training:mine")
    entry = access.own_entry_in(request.user, request.district, session)
    return render(
        request,
        "training/check_in.html",
        {"session": session, "token": token, "error": error, "entry": entry},
        status=400 if error else 200,
    )


# --- trainings and sessions -------------------------------------------------------------------


@require_GET
@district_required
def manage(request: DistrictRequest) -> HttpResponse:
    if not access.may_manage_sessions(request.user, request.district):
        raise PermissionDenied
    return render(
        request,
        "training/manage.html",
        {
            "trainings": access.trainings_visible_to(request.user, request.district),
            "sessions": access.sessions_visible_to(request.user, request.district).select_related(
                "training", "building"
            )[:100],
            "can_write": access.can_write_trainings(request.user, request.district),
        },
    )


@require_http_methods(["GET", "POST"])
@district_required
def training_new(request: DistrictRequest) -> HttpResponse:
    access.require_write_trainings(request.user, request.district)
    versions = PolicyVersion.objects.filter(
        policy__district=request.district, status=VersionStatus.PUBLISHED
    ).select_related("policy")
    form = TrainingForm(request.POST or None, request.FILES or None, versions=versions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        training = services.create_training(
            district=request.district,
            by=request.user,
            title=data["title"],
            topic=data["topic"],
            content=data["content"],
            material=data["material"],
            policy_version=data["policy_version"],
            questions=data["questions"],
            pass_percent=data["pass_percent"],
            pd_hours=data["pd_hours"],
            renewal_years=data["renewal_years"],
        )
        return redirect("training:training", pk=training.pk)
    return render(request, "training/training_new.html", {"form": form})


def _session_form(request: DistrictRequest, data: Any = None) -> SessionForm:
    presenters = User.objects.filter(
        memberships__district=request.district, memberships__active=True
    ).distinct()
    return SessionForm(
        data,
        buildings=access.schedulable_buildings(request.user, request.district),
        presenters=presenters,
        district_wide=access.can_schedule_in(request.user, request.district, None),
    )


@require_GET
@district_required
def training_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    training = access.get_training_for(request.user, request.district, pk)
    return render(
        request,
        "training/training.html",
        {
            "training": training,
            "sessions": access.sessions_visible_to(request.user, request.district)
            .filter(training=training)
            .select_related("building"),
            "form": _session_form(request),
        },
    )


@require_POST
@district_required
def session_new(request: DistrictRequest, pk: int) -> HttpResponse:
    training = access.get_training_for(request.user, request.district, pk)
    form = _session_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if not access.can_schedule_in(request.user, request.district, data["building"]):
            raise PermissionDenied
        session = services.schedule_session(
            training=training,
            by=request.user,
            format=data["format"],
            building=data["building"],
            starts_at=data["starts_at"],
            location=data["location"],
            presenter=data["presenter"],
        )
        messages.success(request, f"Scheduled, with {session.roster_count} people on the roster.")
        return redirect("training:session", pk=session.pk)
    sessions = access.sessions_visible_to(request.user, request.district).filter(training=training)
    return render(
        request,
        "training/training.html",
        {"training": training, "sessions": sessions, "form": form},
        status=400,
    )


@require_GET
@district_required
def session_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, request.district, pk, need="attendance")
    roster = RosterEntry.objects.filter(session=session).select_related("person")
    page = Paginator(roster, ROSTER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "training/session.html",
        {
            "session": session,
            "page": page,
            "done": roster.completed().count(),
        },
    )


@require_POST
@district_required
def attendance(request: DistrictRequest, pk: int) -> HttpResponse:
    session = access.get_session_for(request.user, request.district, pk, need="attendance")
    ids = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
    count = services.mark_attendance(session=session, person_ids=ids, by=request.user)
    messages.success(request, f"Marked {count} present.")
    return redirect(reverse("training:session", args=[session.pk]) + _page_query(request))


def _page_query(request: DistrictRequest) -> str:
    page = str(request.POST.get("page", ""))
    return f"?page={page}" if page.isdigit() else ""


@require_GET
@district_required
def code(request: DistrictRequest, pk: int) -> HttpResponse:
    """The QR code to show in the room; the page refreshes its code every 30 seconds (htmx)."""
    session = access.get_session_for(request.user, request.district, pk, need="attendance")
    if session.is_self_paced:
        raise Http404("A self-paced module has no check-in code")
    now = timezone.now()
    token = qr.current_token(session_id=session.pk, secret=session.qr_secret, now=now)
    url = request.build_absolute_uri(reverse("training:check_in", args=[session.pk]))
    link = f"{url}?t={token}"
    context = {
        "session": session,
        "svg": qr.qr_svg(link),
        "link": link,
        "seconds": qr.seconds_left(now),
        "done": RosterEntry.objects.filter(session=session).completed().count(),
    }
    template = "training/code.html#code" if request.htmx else "training/code.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
@district_required
def training_settings(request: DistrictRequest) -> HttpResponse:
    access.require_write_trainings(request.user, request.district)
    current = services.settings_of(request.district)
    form = SettingsForm(
        request.POST or None, initial={"isbe_provider_number": current.isbe_provider_number}
    )
    if request.method == "POST" and form.is_valid():
        services.set_provider_number(
            district=request.district,
            number=form.cleaned_data["isbe_provider_number"],
            by=request.user,
        )
        messages.success(request, "Saved.")
        return redirect("training:settings")
    return render(request, "training/settings.html", {"form": form})


# --- reports -----------------------------------------------------------------------------------


@require_GET
@district_required
def reports(request: DistrictRequest) -> HttpResponse:
    access.require_reports(request.user, request.district)
    today = timezone.localdate()
    scope = access.record_scope(request.user, request.district)
    buildings = list(access.report_buildings(request.user, request.district))
    rows = []
    for training in request.district.trainings.all():
        district_row = selectors.counts(training, None, today=today) if scope is None else None
        per_building = [(b, selectors.counts(training, b, today=today)) for b in buildings]
        rows.append((training, district_row, per_building))
    return render(request, "training/reports.html", {"rows": rows, "district_wide": scope is None})


@require_GET
@district_required
def report(request: DistrictRequest, pk: int) -> HttpResponse:
    access.require_reports(request.user, request.district)
    training = get_visible(request.district.trainings.all(), pk, not_found="No such training")
    building_pk = str(request.GET.get("building", ""))
    if building_pk.isdigit():
        building = access.get_report_building_for(request.user, request.district, int(building_pk))
    elif access.record_scope(request.user, request.district) is None:
        building = None
    else:
        raise PermissionDenied
    result = selectors.report(training, building, today=timezone.localdate())
    return render(request, "training/report.html", {"report": result})
