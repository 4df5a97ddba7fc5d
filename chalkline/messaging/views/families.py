"""Family and student accounts: the invitations page (a building or a class), the claim page,
one-time sign-in links, a family member's preferences, and the confidential contact
restrictions pages."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from chalkline.lib import ratelimit
from chalkline.lib.http import client_ip
from chalkline.messaging.access import (
    family_person,
    get_invite_building_for,
    get_invite_class_for,
    get_restriction_for,
    get_restriction_student_for,
    invite_buildings,
    require_messaging_manager,
    require_restriction_manager,
    restriction_students,
    restrictions_visible_to,
)
from chalkline.messaging.families import (
    STANDING_LABELS,
    Standing,
    account_settings_of,
    family_rows,
    invitable_kind_ok,
    people_to_invite,
    today,
)
from chalkline.messaging.family_forms import (
    FAMILY_LANGUAGES,
    ClaimForm,
    FamilyAccountSettingsForm,
    PreferencesForm,
    RestrictionForm,
)
from chalkline.messaging.services import (
    AccountError,
    FamilyError,
    claim_invitation,
    end_contact_restriction,
    invitation_from_token,
    invite_people,
    preference_of,
    record_contact_restriction,
    send_sign_in_link,
    set_contact_preference,
    update_family_account_settings,
    use_sign_in_link,
)
from chalkline.people.backends import account_for
from chalkline.people.decorators import DistrictRequest, district_required
from chalkline.people.models import Building, GuardianLink, Person, SchoolClass

BACKEND = "chalkline.people.backends.ChalklineBackend"
PAGE_SIZE = 100
#: what inviting reads of each person
INVITE_FIELDS = ("pk", "district_id", "kind", "email", "active", "grade", "birth_date")


@never_cache
@district_required
def invitations(request: DistrictRequest) -> HttpResponse:
    """The buildings whose families the user may invite."""
    buildings = list(invite_buildings(request.user, request.district).order_by("name"))
    if not buildings:
        raise PermissionDenied
    if len(buildings) == 1:
        return redirect("messaging:invitations_building", pk=buildings[0].pk)
    return render(request, "messaging/invitations_index.html", {"buildings": buildings})


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def invitations_building(request: DistrictRequest, pk: int) -> HttpResponse:
    """Who of a building's (or one of its classes') families and students has an account, was
    invited, was not, or has no e-mail on the roster; invite one, or everyone not yet invited."""
    building = get_invite_building_for(request.user, request.district, pk)
    class_id = request.POST.get("class") or request.GET.get("class") or ""
    school_class = (
        get_invite_class_for(request.user, request.district, building, int(class_id))
        if class_id.isdigit()
        else None
    )
    everyone = people_to_invite(
        request.district, building_id=building.pk, school_class=school_class
    )
    now = timezone.now()
    if request.method == "POST":
        one = request.POST.get("person", "")
        chosen = everyone.filter(pk=int(one)) if one.isdigit() else everyone
        result = invite_people(
            district=request.district,
            people=chosen.only(*INVITE_FIELDS).iterator(chunk_size=2000),
            by=request.user,
            batch_key=request.POST.get("batch_key", "")[:64],
            now=now,
        )
        if result.repeated:
            flash.info(request, "These invitations were already sent.")
        else:
            flash.success(
                request,
                f"{result.invited:,} invitation{'s' if result.invited != 1 else ''} queued. "
                f"Skipped: {result.skipped_claimed:,} with an account, "
                f"{result.skipped_no_email:,} with no e-mail on the roster.",
            )
        url = reverse("messaging:invitations_building", args=[building.pk])
        return redirect(f"{url}?class={school_class.pk}" if school_class else url)
    conf = account_settings_of(request.district)
    # students below the district's grade are not listed: they are not invited at all
    people = [
        p
        for p in everyone.order_by("family_name", "given_name", "pk")
        if invitable_kind_ok(p, conf)
    ]
    rows = family_rows(request.district, people, now)
    counts = dict.fromkeys(STANDING_LABELS.values(), 0)
    for r in rows:
        counts[r.label] += 1
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    classes = building_classes(building)
    to_invite = sum(1 for r in rows if r.standing == Standing.NOT_INVITED)
    return render(
        request,
        "messaging/invitations.html",
        {
            "building": building,
            "school_class": school_class,
            "classes": classes,
            "page": page,
            "counts": counts,
            "to_invite": to_invite,
            "batch_key": uuid.uuid4().hex,
            "query": f"class={school_class.pk}" if school_class else "",
            "students_from": conf.students_invited_from_grade,
        },
    )


def building_classes(building: Building) -> list[SchoolClass]:
    return list(
        SchoolClass.objects.filter(building=building, active=True).order_by("title", "pk")[:500]
    )


@never_cache
@require_http_methods(["GET", "POST"])
def claim(request: HttpRequest, token: str) -> HttpResponse:
    """An invited person sets a password, or asks for a one-time sign-in link by e-mail."""
    try:
        invitation = invitation_from_token(token)
    except AccountError as exc:
        return render(request, "messaging/claim_invalid.html", {"reason": str(exc)}, status=410)
    form = ClaimForm()
    status = 200
    if request.method == "POST":
        use_link = request.POST.get("action") == "link"
        form = ClaimForm(request.POST)
        if use_link or form.is_valid():
            try:
                claim_invitation(
                    token=token, password=None if use_link else form.cleaned_data["password1"]
                )
            except ValidationError as exc:
                form.add_error("password1", exc)
            except AccountError as exc:
                return render(
                    request, "messaging/claim_invalid.html", {"reason": str(exc)}, status=410
                )
            else:
                if use_link:
                    return render(request, "messaging/claim_link_sent.html", {})
                flash.success(request, "Your account is ready. Sign in with your new password.")
                return redirect(f"{reverse('login')}?next={reverse('messaging:inbox')}")
        status = 400
    return render(
        request,
        "messaging/claim.html",
        {"invitation": invitation, "person": invitation.person, "form": form, "token": token},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """A one-time sign-in link: the GET only asks to continue (mail scanners follow links), the
    POST signs in."""
    if request.method == "POST":
        try:
            user = use_sign_in_link(token=token)
        except AccountError as exc:
            return render(request, "messaging/claim_invalid.html", {"reason": str(exc)}, status=410)
        login(request, user, backend=BACKEND)
        return redirect("messaging:inbox")
    return render(request, "messaging/sign_in_link.html", {"token": token})


@never_cache
@require_http_methods(["GET", "POST"])
def request_sign_in_link(request: HttpRequest) -> HttpResponse:
    """A family member asks for a one-time sign-in link; the same answer for every address."""
    if request.method == "POST":
        email = request.POST.get("email", "").strip()[:254]
        limits = (
            ("signin-link-ip", client_ip(request), settings.RATE_LIMIT_SIGN_IN_LINK_ADDRESS),
            ("signin-link", email.casefold(), settings.RATE_LIMIT_SIGN_IN_LINK_ACCOUNT),
        )
        for scope, value, (limit, seconds) in limits:
            retry = ratelimit.consume(scope, value, limit=limit, seconds=seconds)
            if retry is not None:
                return ratelimit.too_many_requests(request, retry)
        user = account_for(email) if "@" in email else None
        if user is not None and user.person is not None:
            send_sign_in_link(user=user, district=user.person.district)
        return render(request, "messaging/claim_link_sent.html", {})
    return render(request, "messaging/request_sign_in_link.html", {})


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def preferences(request: DistrictRequest) -> HttpResponse:
    """A signed-in guardian or student chooses their language and how they hear from the hub."""
    person = family_person(request.user, request.district)
    current = preference_of(person)
    status = 200
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            set_contact_preference(person=person, by=request.user, **form.cleaned_data)
            flash.success(request, "Your preferences are saved.")
            return redirect("messaging:preferences")
        status = 400
    else:
        form = PreferencesForm(
            initial={
                "language": current.language,
                "channel": current.channel,
                "cadence": current.cadence,
            }
        )
    return render(
        request,
        "messaging/preferences.html",
        {"form": form, "person": person, "languages": dict(FAMILY_LANGUAGES)},
        status=status,
    )


@never_cache
@district_required
def restrictions(request: DistrictRequest) -> HttpResponse:
    """The restrictions in force for the students the user keeps them for, and a student search.
    Confidential: only those who manage contact restrictions."""
    require_restriction_manager(request.user, request.district)
    q = request.GET.get("q", "").strip()[:100]
    found: list[Person] = []
    if q:
        found = list(
            restriction_students(request.user, request.district)
            .filter(active=True)
            .filter(Q(pk__in=Person.objects.search(q).values("pk")))
            .order_by("family_name", "given_name")[:50]
        )
    in_force = (
        restrictions_visible_to(request.user, request.district)
        .in_force(today())
        .select_related("guardian", "student")
        .order_by("student__family_name", "pk")
    )
    page = Paginator(in_force, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "messaging/restrictions.html", {"q": q, "found": found, "page": page})


def _guardian_choices(student: Person) -> list[tuple[int, str]]:
    links = GuardianLink.objects.filter(student=student).select_related("guardian")
    return [(link.guardian_id, link.guardian.display_name) for link in links]


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def restrictions_student(request: DistrictRequest, pk: int) -> HttpResponse:
    """One student's restrictions (past and in force) and the form to record one."""
    student = get_restriction_student_for(request.user, request.district, pk)
    guardians = _guardian_choices(student)
    status = 200
    if request.method == "POST":
        form = RestrictionForm(request.POST, guardians=guardians)
        if form.is_valid():
            data = form.cleaned_data
            try:
                record_contact_restriction(
                    district=request.district,
                    guardian=Person.objects.get(pk=data["guardian"]),
                    student=student,
                    kind=data["kind"],
                    reference=data["reference"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    note=data["note"],
                    by=request.user,
                )
            except FamilyError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, "Restriction recorded: it applies to every message now.")
                return redirect("messaging:restrictions_student", pk=student.pk)
        status = 400
    else:
        form = RestrictionForm(guardians=guardians, initial={"starts_on": today()})
    rows = (
        restrictions_visible_to(request.user, request.district)
        .filter(student=student)
        .select_related("guardian", "recorded_by", "ended_by")
        .order_by("-recorded_at", "-pk")
    )
    on = today()
    return render(
        request,
        "messaging/restrictions_student.html",
        {
            "student": student,
            "form": form,
            "rows": [
                (r, r.ended_at is None and (r.ends_on is None or r.ends_on >= on)) for r in rows
            ],
        },
        status=status,
    )


@never_cache
@require_POST
@district_required
def restriction_end(request: DistrictRequest, pk: int) -> HttpResponse:
    restriction = get_restriction_for(request.user, request.district, pk)
    if end_contact_restriction(restriction=restriction, by=request.user):
        flash.success(request, "Restriction ended.")
    return redirect("messaging:restrictions_student", pk=restriction.student_id)


@never_cache
@require_http_methods(["GET", "POST"])
@district_required
def family_settings(request: DistrictRequest) -> HttpResponse:
    """Who may be invited and how adult students are reached (superintendent and designee)."""
    require_messaging_manager(request.user, request.district)
    conf = account_settings_of(request.district)
    status = 200
    if request.method == "POST":
        form = FamilyAccountSettingsForm(request.POST)
        if form.is_valid():
            try:
                update_family_account_settings(
                    district=request.district, by=request.user, **form.cleaned_data
                )
            except FamilyError as exc:
                form.add_error(None, str(exc))
            else:
                flash.success(request, "Family account settings saved.")
                return redirect("messaging:family_settings")
        status = 400
    else:
        form = FamilyAccountSettingsForm(
            initial={
                "students_invited_from_grade": conf.students_invited_from_grade,
                "adult_students_reached_as_adults": conf.adult_students_reached_as_adults,
                "invitation_days": conf.invitation_days,
            }
        )
    return render(request, "messaging/family_settings.html", {"form": form}, status=status)
