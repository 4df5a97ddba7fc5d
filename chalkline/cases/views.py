"""Case pages under /cases/ and the public concerns page under /d/<slug>/concerns/.

Access checks come from cases/access.py: a case the user is not named on is a 404."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.forms import Form
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkline.cases import access, selectors, services
from chalkline.cases.citations import citations_for
from chalkline.cases.forms import (
    CaseFilterForm,
    CloseForm,
    ConcernForm,
    DisclosureForm,
    EvidenceForm,
    ExtendForm,
    FindingsForm,
    HoldForm,
    InviteRepForm,
    MandatedReportForm,
    ManualCaseForm,
    NoteForm,
    NoticeForm,
    OutcomeForm,
    OutcomeTypeForm,
    PauseForm,
    RefusalForm,
    ResponseForm,
    TriageForm,
)
from chalkline.cases.models import Case, CaseEntry, CaseMember, Evidence, OutcomeType
from chalkline.lib.csvsafe import safe_row
from chalkline.people.access import grants_for
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import Building, District, Person, User
from chalkline.people.roles import STAFF_ROLES, Role

PER_PAGE = 50


def _buildings(district: District) -> QuerySet[Building]:
    return Building.objects.in_district(district).active().order_by("name")


def _staff(district: District) -> QuerySet[Person]:
    return Person.objects.in_district(district).filter(kind=Person.Kind.STAFF, active=True)


def _staff_users(district: District) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__district=district,
            memberships__active=True,
            memberships__role__in=STAFF_ROLES,
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def _reps(district: District) -> QuerySet[User]:
    return (
        User.objects.filter(
            memberships__district=district,
            memberships__active=True,
            memberships__role=Role.EMPLOYEE_REP,
        )
        .distinct()
        .order_by("username")
    )


def _outcomes(district: District) -> QuerySet[OutcomeType]:
    return OutcomeType.objects.filter(district=district, active=True)


def _reporter_kind(request: DistrictRequest) -> str:
    grants = grants_for(request.user, request.district)
    if grants.is_staff_member:
        return Case.ReporterKind.STAFF
    if Role.GUARDIAN in grants.roles:
        return Case.ReporterKind.GUARDIAN
    return Case.ReporterKind.STUDENT


# --- list, report, enter by hand -------------------------------------------------------------


@require_GET
@district_required
def cases(request: DistrictRequest) -> HttpResponse:
    access.require_reporter(request.user, request.district)
    form = CaseFilterForm(request.GET)
    qs = access.cases_visible_to(request.user, request.district).select_related(
        "building", "outcome"
    )
    filters: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    if filters.get("status") == "open":
        qs = qs.open()
    elif filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("building"):
        qs = qs.filter(building_id=filters["building"])
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    ids = [c.pk for c in page]
    parts: dict[int, set[str]] = {}
    for case_id, part in CaseMember.objects.filter(case_id__in=ids, user=request.user).values_list(
        "case_id", "part"
    ):
        parts.setdefault(case_id, set()).add(part)
    views = access.views_of(request.user, request.district, list(page))
    rows = [(c, views[c.pk]) for c in page]
    query = "&".join(f"{k}={v}" for k, v in request.GET.items() if k != "page" and v)
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "buildings": _buildings(request.district),
            "query": query,
            "today": timezone.localdate(),
            **access.case_permissions(request.user, request.district),
        },
    )


@require_http_methods(["GET", "POST"])
@district_required
def report(request: DistrictRequest) -> HttpResponse:
    access.require_reporter(request.user, request.district)
    initial = {"kind": request.GET.get("kind", ""), "idempotency_key": uuid.uuid4().hex}
    form = ConcernForm(
        request.POST or None, initial=initial, buildings=_buildings(request.district)
    )
    if request.method == "POST" and form.is_valid():
        case = services.report_concern(
            district=request.district,
            by=request.user,
            reporter_kind=_reporter_kind(request),
            **form.cleaned_data,
        )
        messages.success(request, "Your concern was received.")
        return redirect("cases:case", case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/report.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
@district_required
def new_case(request: DistrictRequest) -> HttpResponse:
    access.require_case_manager(request.user, request.district)
    form = ManualCaseForm(
        request.POST or None,
        buildings=_buildings(request.district),
        staff=_staff(request.district),
    )
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                district=request.district, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("subject", exc)
        else:
            messages.success(request, f"Case {case.pk} is open.")
            return redirect("cases:case", case.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "cases/new.html", {"form": form}, status=status)


# --- the case page ---------------------------------------------------------------------------


def _timeline(case: Case, view: str, user: User) -> list[CaseEntry]:
    entries = case.entries.select_related("by")
    if view == "employee":
        return list(entries.filter(for_employee=True))
    if view == "reporter":
        return list(entries.filter(kind__in=[CaseEntry.Kind.OPENED, CaseEntry.Kind.CLOSED]))
    return list(entries)


def _case_context(
    request: DistrictRequest, case: Case, view: str, forms: dict[str, Form] | None = None
) -> dict[str, Any]:
    d = request.district
    forms = forms or {}
    context: dict[str, Any] = {
        "case": case,
        "view": view,
        "entries": _timeline(case, view, request.user),
        "today": timezone.localdate(),
        "notice_rights": services.NOTICE_RIGHTS,
    }
    if view == "full":
        context.update(
            {
                "members": case.members.select_related("user").order_by("part", "user__username"),
                # 200 items on a case is ordinary: only the columns shown, and their links built
                # from one reversed prefix (docs/benchmarks.md)
                "evidence": list(
                    case.evidence.only(
                        "pk",
                        "case_id",
                        "name",
                        "size",
                        "sha256",
                        "reason",
                        "reason_note",
                        "uploaded_at",
                    )
                ),
                "evidence_prefix": reverse("cases:evidence_file", args=[case.pk, 1])[:-1],
                "triage_form": forms.get("triage")
                or TriageForm(
                    staff_users=_staff_users(d),
                    staff=_staff(d),
                    initial={"subject": case.subject_id, "investigator": case.investigator_id},
                ),
                "note_form": forms.get("note") or NoteForm(),
                "evidence_form": forms.get("evidence") or EvidenceForm(),
                "notice_form": forms.get("notice") or NoticeForm(),
                "findings_form": forms.get("findings") or FindingsForm(),
                "outcome_form": forms.get("outcome") or OutcomeForm(outcomes=_outcomes(d)),
                "refusal_form": forms.get("refusal") or RefusalForm(),
                "close_form": forms.get("close") or CloseForm(),
                "pause_form": forms.get("pause") or PauseForm(),
                "disclosure_form": forms.get("disclosure") or DisclosureForm(),
                "disclosures": list(case.disclosures.all()),
                # cited records (a referred message), re-read and re-hashed on every view
                "citations": citations_for(case),
                "hold_form": forms.get("hold") or HoldForm(initial={"hold": not case.legal_hold}),
            }
        )
    if view == "employee":
        is_subject = CaseMember.objects.filter(
            case=case, user=request.user, part=CaseMember.Part.SUBJECT
        ).exists()
        context.update(
            {
                "is_subject": is_subject,
                "response_form": forms.get("response") or ResponseForm(),
                "invite_form": forms.get("invite") or InviteRepForm(reps=_reps(d)),
                "rep_invited": case.members.filter(part=CaseMember.Part.EMPLOYEE_REP).exists(),
            }
        )
    for key, value in context.items():
        if key.endswith("_form") and isinstance(value, Form):
            value.auto_id = key.removesuffix("_form") + "_%s"
    return context


@never_cache
@require_GET
@district_required
def case_page(request: DistrictRequest, pk: int) -> HttpResponse:
    case, view = access.get_case_for(request.user, request.district, pk)
    services.record_case_view(case=case, by=request.user, view=view)
    return render(request, "cases/case.html", _case_context(request, case, view))


def _step(
    request: DistrictRequest,
    pk: int,
    key: str,
    make_form: Callable[[DistrictRequest], Form],
    call: Callable[[Case, dict[str, Any]], object],
    done: str,
    *,
    need: access.View = "full",
) -> HttpResponse:
    """One step of the workflow: access, form, one service call, then the case page."""
    case, view = access.get_case_for(request.user, request.district, pk, need=need)
    form = make_form(request)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
                messages.error(request, message)
        else:
            messages.success(request, done)
            return redirect("cases:case", case.pk)
    case.refresh_from_db()
    forms = {key: form}
    context = _case_context(request, case, view, forms)
    context["failed"] = key
    return render(request, "cases/case.html", context, status=400)


@require_POST
@district_required
def triage(request: DistrictRequest, pk: int) -> HttpResponse:
    d = request.district
    return _step(
        request,
        pk,
        "triage",
        lambda r: TriageForm(r.POST, staff_users=_staff_users(d), staff=_staff(d)),
        lambda case, data: services.triage_case(case=case, by=request.user, **data),
        "The case is triaged.",
    )


@require_POST
@district_required
def note(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "note",
        lambda r: NoteForm(r.POST),
        lambda case, data: services.add_note(case=case, by=request.user, **data),
        "The note is added.",
    )


@require_POST
@district_required
def evidence(request: DistrictRequest, pk: int) -> HttpResponse:
    def call(case: Case, data: dict[str, Any]) -> object:
        return services.add_evidence(
            case=case,
            by=request.user,
            upload=data["file"],
            reason=data["reason"],
            reason_note=data["reason_note"],
        )

    return _step(
        request,
        pk,
        "evidence",
        lambda r: EvidenceForm(r.POST, r.FILES),
        call,
        "The evidence is stored with its SHA-256.",
    )


@require_POST
@district_required
def notice(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "notice",
        lambda r: NoticeForm(r.POST),
        lambda case, data: services.send_notice(case=case, by=request.user, **data),
        "Notice was sent to the employee.",
    )


@require_POST
@district_required
def respond(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "response",
        lambda r: ResponseForm(r.POST),
        lambda case, data: services.respond_to_notice(case=case, by=request.user, **data),
        "Your response is on the case.",
        need="employee",
    )


@require_POST
@district_required
def invite_rep(request: DistrictRequest, pk: int) -> HttpResponse:
    d = request.district
    return _step(
        request,
        pk,
        "invite",
        lambda r: InviteRepForm(r.POST, reps=_reps(d)),
        lambda case, data: services.invite_representative(case=case, by=request.user, **data),
        "Your representative is invited to the case.",
        need="employee",
    )


@require_POST
@district_required
def findings(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "findings",
        lambda r: FindingsForm(r.POST),
        lambda case, data: services.record_findings(case=case, by=request.user, **data),
        "The findings are recorded.",
    )


@require_POST
@district_required
def outcome(request: DistrictRequest, pk: int) -> HttpResponse:
    d = request.district
    return _step(
        request,
        pk,
        "outcome",
        lambda r: OutcomeForm(r.POST, outcomes=_outcomes(d)),
        lambda case, data: services.record_outcome(case=case, by=request.user, **data),
        "The outcome is recorded; the employee is asked to acknowledge it.",
    )


@require_POST
@district_required
def acknowledge(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "acknowledge",
        lambda r: Form(r.POST),
        lambda case, data: services.acknowledge_outcome(case=case, by=request.user),
        "You acknowledged receiving the outcome.",
        need="employee",
    )


@require_POST
@district_required
def refusal(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "refusal",
        lambda r: RefusalForm(r.POST),
        lambda case, data: services.record_refusal(case=case, by=request.user, **data),
        "The witnessed refusal is recorded.",
    )


@require_POST
@district_required
def close(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "close",
        lambda r: CloseForm(r.POST),
        lambda case, data: services.close_case(case=case, by=request.user, **data),
        "The case is closed. Later notes are added as amendments.",
    )


@require_POST
@district_required
def pause(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "pause",
        lambda r: PauseForm(r.POST),
        lambda case, data: services.pause_case(case=case, by=request.user, **data),
        "The case is paused.",
    )


@require_POST
@district_required
def resume(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "resume",
        lambda r: Form(r.POST),
        lambda case, data: services.resume_case(case=case, by=request.user),
        "The case is resumed.",
    )


@never_cache
@require_GET
@district_required
def evidence_file(request: DistrictRequest, pk: int, evidence_pk: int) -> FileResponse:
    case, _ = access.get_case_for(request.user, request.district, pk, need="full")
    item = get_object_or_404(Evidence, case=case, pk=evidence_pk)
    services.record_evidence_view(evidence=item, by=request.user)
    return FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=item.content_type
    )


@never_cache
@require_GET
@district_required
def export(request: DistrictRequest, pk: int) -> HttpResponse:
    """The case's timeline as CSV (audited)."""
    case, view = access.get_case_for(request.user, request.district, pk, need="full")
    services.record_case_view(case=case, by=request.user, view=view, export=True)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="case-{case.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["at", "step", "by", "text"])
    for entry in case.entries.select_related("by"):
        writer.writerow(
            safe_row(
                [
                    timezone.localtime(entry.at).isoformat(),
                    entry.get_kind_display(),
                    entry.by.get_username() if entry.by else "",
                    entry.text,
                ]
            )
        )
    for item in case.evidence.all():
        writer.writerow(
            safe_row(
                [
                    timezone.localtime(item.uploaded_at).isoformat(),
                    "Evidence",
                    "",
                    f"{item.name} sha256={item.sha256} ({item.get_reason_display()})",
                ]
            )
        )
    return response


# --- the mandated-report log ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@district_required
def mandated_reports(request: DistrictRequest) -> HttpResponse:
    access.require_staff(request.user, request.district)
    form = MandatedReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.log_mandated_report(
                district=request.district, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error("reported_at", exc)
        else:
            messages.success(request, "Your report to DCFS is logged.")
            return redirect("cases:mandated_reports")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "cases/mandated_reports.html",
        {
            "form": form,
            "reports": access.own_mandated_reports(request.user, request.district),
            **access.case_permissions(request.user, request.district),
        },
        status=status,
    )


@never_cache
@require_GET
@district_required
def mandated_log(request: DistrictRequest) -> HttpResponse:
    reports = access.mandated_log_for(request.user, request.district)
    services.record_mandated_log_view(district=request.district, by=request.user)
    page = Paginator(reports, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "cases/mandated_log.html", {"page": page, "query": ""})


@require_POST
@district_required
def disclose(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "disclosure",
        lambda r: DisclosureForm(r.POST),
        lambda case, data: services.record_disclosure(case=case, by=request.user, **data),
        "The disclosure is recorded; the employee's notice is on the case.",
    )


# --- the district's outcomes -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@district_required
def outcomes(request: DistrictRequest) -> HttpResponse:
    """Rename, change or add outcomes on the policy's range."""
    access.require_case_manager(request.user, request.district)
    d = request.district
    form = OutcomeTypeForm(request.POST or None, auto_id="new_%s")
    status = 200
    if request.method == "POST":
        target = None
        if request.POST.get("outcome"):
            target = get_object_or_404(OutcomeType, district=d, pk=request.POST["outcome"])
        if form.is_valid():
            try:
                services.save_outcome_type(
                    district=d, by=request.user, outcome=target, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error("label", exc)
            else:
                messages.success(request, "The outcomes are saved.")
                return redirect("cases:outcomes")
        status = 400
    rows = [
        (
            o,
            OutcomeTypeForm(
                auto_id=f"o{o.pk}_%s",
                initial={
                    "label": o.label,
                    "discipline": o.discipline,
                    "personnel_file": o.personnel_file,
                    "has_period": o.has_period,
                    "isbe_may_apply": o.isbe_may_apply,
                    "active": o.active,
                },
            ),
        )
        for o in OutcomeType.objects.filter(district=d)
    ]
    return render(request, "cases/outcomes.html", {"rows": rows, "form": form}, status=status)


# --- personnel-file inspection requests (820 ILCS 40/2) --------------------------------------


@require_GET
@district_required
def inspections(request: DistrictRequest) -> HttpResponse:
    access.require_case_manager(request.user, request.district)
    qs = access.inspection_requests_visible_to(request.user, request.district)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "cases/inspections.html",
        {"page": page, "query": "", "today": timezone.localdate()},
    )


@require_POST
@district_required
def inspection_extend(request: DistrictRequest, pk: int) -> HttpResponse:
    item = access.get_inspection_request_for(request.user, request.district, pk)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why the deadline cannot be met.")
        return redirect("cases:inspections")
    try:
        services.extend_inspection(request=item, by=request.user, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The deadline is extended by 7 working days.")
    return redirect("cases:inspections")


@require_POST
@district_required
def inspection_fulfil(request: DistrictRequest, pk: int) -> HttpResponse:
    item = access.get_inspection_request_for(request.user, request.district, pk)
    try:
        services.fulfil_inspection(request=item, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "The inspection is recorded as provided.")
    return redirect("cases:inspections")


@require_POST
@district_required
def hold(request: DistrictRequest, pk: int) -> HttpResponse:
    return _step(
        request,
        pk,
        "hold",
        lambda r: HoldForm(r.POST),
        lambda case, data: services.set_legal_hold(case=case, by=request.user, **data),
        "The legal hold is recorded.",
    )


# --- the periodic review (Supt. 6) ----------------------------------------------------------


@never_cache
@require_GET
@district_required
def review(request: DistrictRequest) -> HttpResponse:
    """Counts by school year, building, kind and outcome: no names. ``?format=csv`` exports
    them (audited) for the review packet."""
    access.require_case_reports(request.user, request.district)
    rows = selectors.review_counts(request.district)
    if request.GET.get("format") == "csv":
        services.record_review_export(district=request.district, by=request.user, rows=len(rows))
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="case-review.csv"'
        writer = csv.writer(response)
        writer.writerow(["school year", "building", "kind", "outcome", "cases"])
        for r in rows:
            writer.writerow(safe_row([r.school_year, r.building, r.kind, r.outcome, r.cases]))
        return response
    return render(request, "cases/review.html", {"rows": rows})
