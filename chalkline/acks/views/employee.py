"""The employee's pages: My acknowledgments, reading, e-consent, signing and refusing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chalkline.acks import access, selectors, services
from chalkline.acks.consent import CURRENT_CONSENT_VERSION, consent_text
from chalkline.acks.forms import ConsentForm, RefuseForm, SignForm
from chalkline.acks.steps import step_before_signing
from chalkline.acks.views.common import (
    agent_of,
    forget_stash,
    ip_of,
    stash_comment,
    stashed_comment,
)
from chalkline.people import throttle
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.policies.selectors import changes_since

PAUSED_SIGNING_MESSAGE = (
    "Signing with your password is paused after several wrong passwords. Type your full name "
    "instead, or try again later."
)


@require_GET
@district_required
def mine(request: DistrictRequest) -> HttpResponse:
    person_id = request.user.person_id
    assignments = selectors.my_assignments(access.own_assignments(request.user, request.district))
    notifications = selectors.my_notifications(request.user, request.district)
    return render(
        request,
        "acks/mine.html",
        {
            "assignments": assignments,
            "notifications": notifications,
            "unread": sum(1 for n in notifications if n.read_at is None),
            "has_consent": services.has_consent(person_id),
            "has_person": bool(person_id),
        },
    )


@require_POST
@district_required
def notifications_read(request: DistrictRequest) -> HttpResponse:
    services.mark_notifications_read(by=request.user)
    return redirect("acks:mine")


@require_GET
@district_required
def assignment_detail(request: DistrictRequest, pk: int) -> HttpResponse:
    assignment = access.get_own_assignment_for(request.user, request.district, pk)
    versions = services.packet_versions(assignment.campaign)
    record = selectors.record_of(assignment)
    changes = []
    # "What changed since the version you signed" speaks to someone about to sign; once this
    # assignment has its record (or is closed), the version they signed last is this one.
    if assignment.opened_at is not None and record is None and assignment.is_open:
        for version in versions:
            previous = selectors.previous_version(assignment, version)
            if previous is not None:
                changes.append((version, previous, changes_since(previous, version)))
    return render(
        request,
        "acks/assignment.html",
        {
            "assignment": assignment,
            "campaign": assignment.campaign,
            "versions": versions,
            "changes": changes,
            "record": record,
            "opened": assignment.opened_at is not None,
            "can_act": assignment.is_open and record is None,
            "superseded": any(not v.is_published for v in versions),
            "before_signing": step_before_signing(assignment),
        },
    )


@require_POST
@district_required
def open_text(request: DistrictRequest, pk: int) -> HttpResponse:
    assignment = access.get_own_assignment_for(request.user, request.district, pk)
    try:
        services.record_open(assignment=assignment, by=request.user)
    except services.SigningError as exc:
        messages.error(request, str(exc))
    return redirect("acks:assignment", pk=pk)


@require_POST
@district_required
def done_reading(request: DistrictRequest, pk: int) -> HttpResponse:
    assignment = access.get_own_assignment_for(request.user, request.district, pk)
    try:
        services.record_reading_done(assignment=assignment, by=request.user)
    except services.SigningError as exc:
        messages.error(request, str(exc))
        return redirect("acks:assignment", pk=pk)
    return redirect("acks:sign", pk=pk)


def _safe_next(request: HttpRequest, fallback: str) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return fallback


@require_http_methods(["GET", "POST"])
@district_required
def consent(request: DistrictRequest) -> HttpResponse:
    if not access.may_give_econsent(request.user, request.district):
        raise PermissionDenied  # students and guardians sign nothing here
    nxt = _safe_next(request, reverse("acks:mine"))
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.give_econsent(by=request.user, ip=ip_of(request), user_agent=agent_of(request))
        except services.SigningError as exc:
            messages.error(request, str(exc))
            return redirect("acks:mine")
        messages.success(request, "Thank you. You can now sign electronically.")
        return redirect(nxt)
    return render(
        request,
        "acks/consent.html",
        {
            "form": form,
            "text": consent_text(),
            "version": CURRENT_CONSENT_VERSION,
            "next": nxt,
            "given": services.has_consent(request.user.person_id),
        },
    )


@require_http_methods(["GET", "POST"])
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    """Signing. If the session expired while the employee was signing, their comment is kept in
    the (new) session and put back into the form after they sign in again."""
    if not request.user.is_authenticated:
        url = reverse("acks:sign", args=[pk])
        response = redirect_to_login(url)
        if request.method == "POST":
            comment = str(request.POST.get("comment", ""))[:5000]
            if comment.strip():
                stash_comment(response, path=url, comment=comment)
        return response
    return _sign(request, pk)


@district_required
def _sign(request: DistrictRequest, pk: int) -> HttpResponse:
    assignment = access.get_own_assignment_for(request.user, request.district, pk)
    if assignment.opened_at is None:
        messages.info(request, "Open and read the policy text before you sign.")
        return redirect("acks:assignment", pk=pk)
    if request.method == "GET" or not assignment.is_open:
        # A POST on an open assignment goes straight to the service, which checks all of this
        # again under the row lock (one record, however many tabs or retries).
        if selectors.has_record(assignment):
            return redirect("acks:assignment", pk=pk)
        if not services.has_consent(request.user.person_id):
            return redirect(reverse("acks:consent") + f"?next={reverse('acks:sign', args=[pk])}")
    url = reverse("acks:sign", args=[pk])
    stashed = ""
    if request.method == "POST":
        form = SignForm(request.POST)
        ip = ip_of(request) or ""
        by_password = bool(form.is_valid() and not form.cleaned_data["typed_name"].strip())
        if by_password and throttle.is_locked(request.user.get_username(), ip):
            # Re-entering the password is throttled like the sign-in form, with its counters.
            form.add_error(None, PAUSED_SIGNING_MESSAGE)
        elif form.is_valid():
            try:
                record = services.sign_acknowledgment(
                    assignment=assignment,
                    by=request.user,
                    typed_name=form.cleaned_data["typed_name"],
                    password=form.cleaned_data["password"],
                    comment=form.cleaned_data["comment"],
                    ip=ip_of(request),
                    user_agent=agent_of(request),
                )
            except services.SigningError as exc:
                if isinstance(exc, services.WrongPasswordError):
                    throttle.note_failure(request.user.get_username(), ip)
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    f"Signed. Your verification code is {record.verification_code}.",
                )
                done = redirect("acks:assignment", pk=pk)
                forget_stash(done, path=url)
                return done
        status = 400
    else:
        stashed = stashed_comment(request)
        form = SignForm(initial={"comment": stashed})
        if stashed:
            messages.info(request, "Your session had expired. Your comment was kept; sign again.")
        status = 200
    response = render(
        request,
        "acks/sign.html",
        {
            "assignment": assignment,
            "campaign": assignment.campaign,
            "versions": services.packet_versions(assignment.campaign),
            "form": form,
            "before_signing": step_before_signing(assignment),
        },
        status=status,
    )
    if stashed:
        forget_stash(response, path=url)  # put back into the form once
    return response


@require_http_methods(["GET", "POST"])
@district_required
def refuse(request: DistrictRequest, pk: int) -> HttpResponse:
    assignment = access.get_own_assignment_for(request.user, request.district, pk)
    if selectors.has_record(assignment):
        return redirect("acks:assignment", pk=pk)
    form = RefuseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.refuse_acknowledgment(
                    assignment=assignment,
                    by=request.user,
                    reason=form.cleaned_data["reason"],
                    comment=form.cleaned_data["comment"],
                    ip=ip_of(request),
                    user_agent=agent_of(request),
                )
            except services.SigningError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "Your refusal and your reason were recorded.")
                return redirect("acks:assignment", pk=pk)
    return render(
        request,
        "acks/refuse.html",
        {"assignment": assignment, "campaign": assignment.campaign, "form": form},
        status=status,
    )
