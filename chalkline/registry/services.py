"""Every change to the registry: one function per business event, audited in its transaction."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.models import District, Person, User
from chalkline.registry.agreements import read_agreement, stored_name
from chalkline.registry.csv_import import CsvError, parse_registry_csv
from chalkline.registry.models import App, Breach, DistrictLogo, LogoPermission, PrivacyPage

S = App.Status
# Notice to families: 30 days after the district learns of a breach, 60 when the operator caused
# it (105 ILCS 85/27 and 85/15), unless law enforcement asks for a delay.
NOTICE_DAYS = {Breach.Cause.DISTRICT: 30, Breach.Cause.OPERATOR: 60}


class RegistryError(ValidationError):
    """A step the app's status does not allow."""


def _require_status(app: App, *allowed: str) -> None:
    if app.status not in allowed:
        raise RegistryError(
            f"This app is {app.get_status_display().lower()}; that step is not open."
        )


def _set(app: App, by: User, action: Action, **fields: Any) -> App:
    before = {"status": app.status}
    for name, value in fields.items():
        setattr(app, name, value)
    app.save(update_fields=[*fields, "updated_at"])
    record_event(
        district=app.district_id,
        actor=by,
        action=action,
        target=app,
        before=before,
        after={"status": app.status},
    )
    return app


@transaction.atomic
def request_app(
    *,
    district: District,
    by: User,
    name: str,
    operator: str,
    purpose: str,
    operator_address: str = "",
    data_elements: str = "",
    domains: str = "",
    subcontractors: str = "",
    subcontractors_url: str = "",
    reason: str = "",
) -> App:
    if App.objects.in_district(district).filter(name__iexact=name.strip()).exists():
        raise RegistryError(f"“{name}” is already in the registry.")
    app = App.objects.create(
        district=district,
        name=name.strip(),
        operator=operator.strip(),
        operator_address=operator_address,
        purpose=purpose,
        data_elements=data_elements,
        domains=domains,
        subcontractors=subcontractors,
        subcontractors_url=subcontractors_url,
        reason=reason,
        requested_by=by,
    )
    record_event(
        district=district,
        actor=by,
        action=Action.REGISTRY_APP_REQUESTED,
        target=app,
        after={"name": app.name, "status": app.status},
    )
    return app


@transaction.atomic
def review_app(
    *,
    app: App,
    by: User,
    check_data_elements: bool,
    check_age_limits: bool,
    check_accessibility: bool,
    check_security: bool,
    recommendation: str,
    notes: str = "",
) -> App:
    """The network administrator's review against the checklist, with a recommendation."""
    _require_status(app, S.REQUESTED, S.UNDER_REVIEW, S.CHANGES_REQUESTED)
    if recommendation not in (App.Recommendation.APPROVE, App.Recommendation.REFUSE):
        raise RegistryError("Choose a recommendation.")
    return _set(
        app,
        by,
        Action.REGISTRY_APP_REVIEWED,
        status=S.UNDER_REVIEW,
        check_data_elements=check_data_elements,
        check_age_limits=check_age_limits,
        check_accessibility=check_accessibility,
        check_security=check_security,
        recommendation=recommendation,
        review_notes=notes,
    )


@transaction.atomic
def ask_for_changes(*, app: App, by: User, notes: str) -> App:
    _require_status(app, S.REQUESTED, S.UNDER_REVIEW)
    return _set(
        app, by, Action.REGISTRY_CHANGES_ASKED, status=S.CHANGES_REQUESTED, decision_notes=notes
    )


@transaction.atomic
def refuse_app(*, app: App, by: User, notes: str) -> App:
    _require_status(app, S.REQUESTED, S.UNDER_REVIEW, S.CHANGES_REQUESTED)
    return _set(app, by, Action.REGISTRY_APP_REFUSED, status=S.REFUSED, decision_notes=notes)


@transaction.atomic
def approve_app(
    *,
    app: App,
    by: User,
    agreement: File[bytes],
    signed_on: datetime.date,
    expires_on: datetime.date | None,
    redacted: File[bytes] | None = None,
    notes: str = "",
) -> App:
    """The authorized official signs the agreement and approves the app (after the review), or
    files a renewed agreement for an approved app. The public page lists it once it is posted."""
    _require_status(app, S.UNDER_REVIEW, S.APPROVED)
    if expires_on is not None and expires_on < signed_on:
        raise RegistryError("The agreement expires before it is signed.")
    data = read_agreement(agreement)
    redacted_data = read_agreement(redacted) if redacted is not None else None
    app.agreement.save(stored_name("agreement"), ContentFile(data), save=False)
    if redacted_data is not None:
        app.redacted_agreement.save(stored_name("redacted"), ContentFile(redacted_data), save=False)
    else:
        app.redacted_agreement = None
    renewal = app.status == S.APPROVED
    fields: dict[str, Any] = {
        "status": S.APPROVED,
        "agreement": app.agreement,
        "redacted_agreement": app.redacted_agreement,
        "signed_on": signed_on,
        "expires_on": expires_on,
        "decision_notes": notes,
    }
    if not renewal:
        fields["approved_at"] = timezone.now()
    return _set(app, by, Action.REGISTRY_APP_APPROVED, **fields)


@transaction.atomic
def post_agreement(*, app: App, by: User) -> App:
    """Put the approved app and its agreement on the public page (SOPPA: within 10 business days
    of signing)."""
    _require_status(app, S.APPROVED)
    if app.posted_at is not None:
        raise RegistryError("This agreement is already posted.")
    return _set(app, by, Action.REGISTRY_AGREEMENT_POSTED, posted_at=timezone.now())


@transaction.atomic
def retire_app(*, app: App, by: User, notes: str = "") -> App:
    """The one way an app leaves the public page."""
    _require_status(app, S.APPROVED, S.REQUESTED, S.UNDER_REVIEW, S.CHANGES_REQUESTED)
    return _set(app, by, Action.REGISTRY_APP_RETIRED, status=S.RETIRED, decision_notes=notes)


class CsvImportError(Exception):
    def __init__(self, errors: list[CsvError]) -> None:
        super().__init__(f"{len(errors)} errors")
        self.errors = errors


@transaction.atomic
def import_apps(*, district: District, by: User, data: bytes) -> list[App]:
    """Every row, or nothing: CsvImportError lists each error with its line and column."""
    existing = {n.lower() for n in App.objects.in_district(district).values_list("name", flat=True)}
    parsed = parse_registry_csv(data, existing_names=existing)
    if parsed.errors:
        raise CsvImportError(parsed.errors)
    now = timezone.now()
    apps = App.objects.bulk_create(
        [
            App(
                district=district,
                requested_by=by,
                approved_at=now if row["status"] == S.APPROVED else None,
                **row,
            )
            for row in parsed.rows
        ]
    )
    record_event(
        district=district,
        actor=by,
        action=Action.REGISTRY_IMPORTED,
        target=("registry.app", "import"),
        after={"apps": len(apps)},
    )
    return apps


@transaction.atomic
def log_breach(
    *,
    district: District,
    by: User,
    app: App | None,
    cause: str,
    started_on: datetime.date,
    ended_on: datetime.date | None,
    estimated: bool,
    students: int,
    discovered_on: datetime.date,
    description: str = "",
) -> Breach:
    if app is not None and app.district_id != district.pk:
        raise RegistryError("That app is not in this district.")
    if ended_on is not None and ended_on < started_on:
        raise RegistryError("The breach ends before it starts.")
    breach = Breach.objects.create(
        district=district,
        app=app,
        cause=cause,
        started_on=started_on,
        ended_on=ended_on,
        estimated=estimated,
        students=students,
        discovered_on=discovered_on,
        description=description,
        notify_by=discovered_on + datetime.timedelta(days=NOTICE_DAYS[Breach.Cause(cause)]),
        logged_by=by,
    )
    record_event(
        district=district,
        actor=by,
        action=Action.REGISTRY_BREACH_LOGGED,
        target=breach,
        after={"students": students, "notify_by": breach.notify_by.isoformat()},
    )
    return breach


@transaction.atomic
def delay_breach_notice(
    *, breach: Breach, by: User, request: str, delayed_until: datetime.date
) -> Breach:
    """Law enforcement asked to delay the notice to families: record the request and the date."""
    if delayed_until <= breach.notify_by:
        raise RegistryError("A delay must end after the notice deadline.")
    before = {"deadline": breach.deadline.isoformat()}
    breach.delay_requested = True
    breach.delay_request = request
    breach.delayed_until = delayed_until
    breach.save(update_fields=["delay_requested", "delay_request", "delayed_until"])
    record_event(
        district=breach.district_id,
        actor=by,
        action=Action.REGISTRY_BREACH_NOTICE_DELAYED,
        target=breach,
        before=before,
        after={"deadline": delayed_until.isoformat()},
    )
    return breach


@transaction.atomic
def edit_privacy_page(
    *,
    district: District,
    by: User,
    data_explanation: str,
    parent_rights: str,
    host_name: str,
    host_address: str,
) -> PrivacyPage:
    page, _ = PrivacyPage.objects.get_or_create(district=district)
    page.data_explanation = data_explanation
    page.parent_rights = parent_rights
    page.host_name = host_name
    page.host_address = host_address
    page.save(
        update_fields=[
            "data_explanation",
            "parent_rights",
            "host_name",
            "host_address",
            "updated_at",
        ]
    )
    record_event(
        district=district, actor=by, action=Action.REGISTRY_PRIVACY_PAGE_EDITED, target=page
    )
    return page


# --- the District's logo (Policy 5:125, duty 7) ------------------------------------------------

LS = LogoPermission.Status
MAX_LOGO_BYTES = 5 * 1024 * 1024


def _require_logo_status(permission: LogoPermission, *allowed: str) -> None:
    if permission.status not in allowed:
        raise RegistryError(
            f"This permission is {permission.get_status_display().lower()}; that step is not open."
        )


@transaction.atomic
def request_logo_permission(
    *, district: District, by: User, person: Person, purpose: str, details: str = ""
) -> LogoPermission:
    """An employee asks to use the District's logo for a purpose."""
    if person.district_id != district.pk:
        raise RegistryError("That person belongs to another district.")
    if not purpose.strip():
        raise RegistryError("Say what you want to use the logo for.")
    permission = LogoPermission.objects.create(
        district=district,
        person=person,
        purpose=purpose.strip()[:300],
        details=details.strip(),
        requested_by=by,
    )
    record_event(
        district=district,
        actor=by,
        action=Action.REGISTRY_LOGO_REQUESTED,
        target=permission,
        after={"person": person.pk, "purpose": permission.purpose, "status": permission.status},
    )
    return permission


def _decide(
    permission: LogoPermission, by: User, action: Action, after: dict[str, Any], **fields: Any
) -> LogoPermission:
    before = {"status": permission.status}
    for name, value in fields.items():
        setattr(permission, name, value)
    permission.decided_by = by
    permission.decided_at = timezone.now()
    permission.save(update_fields=[*fields, "decided_by", "decided_at"])
    record_event(
        district=permission.district_id,
        actor=by,
        action=action,
        target=permission,
        before=before,
        after={"status": permission.status, **after},
    )
    return permission


@transaction.atomic
def grant_logo_permission(
    *,
    permission: LogoPermission,
    by: User,
    starts_on: datetime.date,
    ends_on: datetime.date,
    today: datetime.date | None = None,
) -> LogoPermission:
    """The superintendent or designee grants the request for a period (both days included)."""
    permission = LogoPermission.objects.select_for_update().get(pk=permission.pk)
    _require_logo_status(permission, LS.REQUESTED)
    today = today or timezone.localdate()
    if ends_on < starts_on:
        raise RegistryError("The permission must end on or after the day it starts.")
    if ends_on < today:
        raise RegistryError("The period ends before today; choose an end date from today on.")
    return _decide(
        permission,
        by,
        Action.REGISTRY_LOGO_GRANTED,
        {"starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
        status=LS.GRANTED,
        starts_on=starts_on,
        ends_on=ends_on,
    )


@transaction.atomic
def refuse_logo_permission(*, permission: LogoPermission, by: User, reason: str) -> LogoPermission:
    permission = LogoPermission.objects.select_for_update().get(pk=permission.pk)
    _require_logo_status(permission, LS.REQUESTED)
    if not reason.strip():
        raise RegistryError("Give the reason for refusing, for the employee.")
    return _decide(
        permission,
        by,
        Action.REGISTRY_LOGO_REFUSED,
        {"reason": reason.strip()},
        status=LS.REFUSED,
        reason=reason.strip(),
    )


@transaction.atomic
def revoke_logo_permission(*, permission: LogoPermission, by: User, reason: str) -> LogoPermission:
    """Withdraw a grant before its end date (an expired grant needs no revoking)."""
    permission = LogoPermission.objects.select_for_update().get(pk=permission.pk)
    _require_logo_status(permission, LS.GRANTED)
    if not reason.strip():
        raise RegistryError("Give the reason for revoking, for the employee.")
    return _decide(
        permission,
        by,
        Action.REGISTRY_LOGO_REVOKED,
        {"reason": reason.strip()},
        status=LS.REVOKED,
        reason=reason.strip(),
    )


@transaction.atomic
def add_district_logo(*, district: District, by: User, name: str, data: bytes) -> DistrictLogo:
    """An image of the District's logo for screening to look for; it must be a readable image
    with detail enough to be recognised."""
    from chalkline.screening.detectors.images import ImageCheckError, usable_logo

    name = name.strip()[:100]
    if not name:
        raise RegistryError("Name the logo (e.g. District seal).")
    if len(data) > MAX_LOGO_BYTES:
        raise RegistryError("The logo image is over 5 MB. Upload a smaller PNG or JPEG.")
    try:
        usable = usable_logo(data)
    except ImageCheckError as exc:
        raise RegistryError(f"The logo image cannot be used: {exc}.") from exc
    if not usable:
        raise RegistryError(
            "The logo image has too little detail to be recognised; upload a larger image."
        )
    if DistrictLogo.objects.filter(district=district, name__iexact=name).exists():
        raise RegistryError(f"There is a logo named “{name}” already.")
    logo = DistrictLogo(
        district=district, name=name, sha256=hashlib.sha256(data).hexdigest(), added_by=by
    )
    logo.image.save(f"logo-{secrets.token_hex(12)}", ContentFile(data), save=False)
    logo.save()
    record_event(
        district=district,
        actor=by,
        action=Action.REGISTRY_LOGO_IMAGE_ADDED,
        target=logo,
        after={"name": logo.name, "sha256": logo.sha256},
    )
    return logo


@transaction.atomic
def remove_district_logo(*, logo: DistrictLogo, by: User) -> None:
    before = {"name": logo.name, "sha256": logo.sha256}
    district_id = logo.district_id
    record_event(
        district=district_id,
        actor=by,
        action=Action.REGISTRY_LOGO_IMAGE_REMOVED,
        target=logo,
        before=before,
    )
    stored = logo.image.name or ""
    storage = logo.image.storage
    logo.delete()
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))
