"""Reading, e-consent, signing, refusing, and the principal's paper, proxy and refusal records.

Every outcome is one immutable ``Signature`` row per assignment (a unique constraint), written with
its audit event (which carries the record's hash) in the same transaction. Asking twice returns
the record made the first time, so a double click, a second tab or a retried POST make one record.
"""

from __future__ import annotations

import hashlib
import io
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from chalkline.acks.consent import CURRENT_CONSENT_VERSION, consent_sha256
from chalkline.acks.models import (
    OPEN_STATUSES,
    Assignment,
    AssignmentStatus,
    Campaign,
    Certificate,
    Distribution,
    EConsent,
    Notification,
    ReadingEvent,
    Signature,
)
from chalkline.acks.services.campaigns import _user_label
from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.dbtime import aware_utc
from chalkline.people.models import Person, User
from chalkline.policies.models import PolicyVersion, VersionStatus

MAX_SCAN_BYTES = 20 * 1024 * 1024
MAX_READ_SECONDS = 4 * 3600
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# The audit action of each outcome (before this vocabulary: f"acks.{kind}")
_OUTCOME_ACTION = {
    Signature.Kind.SIGNED: Action.ACK_SIGNED,
    Signature.Kind.PAPER: Action.ACK_PAPER_RECORDED,
    Signature.Kind.PROXY: Action.ACK_PROXY_RECORDED,
    Signature.Kind.REFUSED: Action.ACK_REFUSED,
}


class SigningError(ValueError):
    """The record cannot be made as asked; the message is shown to the user."""


class WrongPasswordError(SigningError):
    """The password re-entered to sign is not the account's (the view throttles these)."""


def packet_versions(campaign: Campaign) -> list[PolicyVersion]:
    return list(campaign.versions.select_related("policy").order_by("policy__sort_key", "pk"))


def packet_text(versions: list[PolicyVersion]) -> str:
    """The exact text signed: one version's canonical text, or several joined by a form feed."""
    return "\n\f\n".join(v.canonical_text for v in versions)


# What a signature needs of each version; the (long) text is read only to hash a packet once.
@dataclass(frozen=True, slots=True)
class _PacketVersion:
    """What a record needs of each version it covers (not its text)."""

    pk: int
    status: str
    seq: int
    title: str
    sha256: str
    policy_number: str


# The campaign's versions in packet order. Plain SQL: the signing hot path ran this query through
# the ORM (a join, .only() and an m2m) at several times the cost of the query itself.
_PACKET = """
SELECT v.id, v.status, v.seq, v.title, v.sha256, p.number_raw
FROM acks_campaign_versions cv
JOIN policies_policyversion v ON v.id = cv.policyversion_id
JOIN policies_policy p ON p.id = v.policy_id
WHERE cv.campaign_id = %s
ORDER BY p.sort_key, v.id
"""
# SHA-256 of a packet's text, by the packet's (version id, version sha256) pairs. The text of a
# version never changes once published and its sha256 is its text's, so an entry never goes stale.
_PACKET_SHA_CACHE: dict[tuple[tuple[int, str], ...], str] = {}
_PACKET_SHA_CACHE_MAX = 256


def _packet_for_signing(campaign: Campaign) -> tuple[list[_PacketVersion], str]:
    """The campaign's versions (without their text) and the SHA-256 of the packet's text."""
    with connection.cursor() as cursor:
        cursor.execute(_PACKET, [campaign.pk])
        versions = [_PacketVersion(*row) for row in cursor.fetchall()]
    key = tuple((v.pk, v.sha256) for v in versions)
    digest = _PACKET_SHA_CACHE.get(key)
    if digest is None:
        texts = dict(
            PolicyVersion.objects.filter(pk__in=[v.pk for v in versions]).values_list(
                "pk", "canonical_text"
            )
        )
        digest = sha256_text("\n\f\n".join(texts[v.pk] for v in versions))
        if len(_PACKET_SHA_CACHE) >= _PACKET_SHA_CACHE_MAX:
            _PACKET_SHA_CACHE.clear()
        _PACKET_SHA_CACHE[key] = digest
    return versions, digest


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def name_matches(person: Person, typed: str) -> bool:
    """The typed name matches the person's record, ignoring case and spacing."""
    typed_n = normalize_name(typed)
    if not typed_n:
        return False
    candidates = {
        f"{person.given_name} {person.family_name}",
        f"{person.preferred_name or person.given_name} {person.family_name}",
    }
    return typed_n in {normalize_name(c) for c in candidates}


def _code() -> str:
    raw = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _lock_open_assignment(assignment: Assignment) -> Assignment:
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("campaign", "person", "building")
        .get(pk=assignment.pk)
    )


def _time_zone() -> str:
    return str(timezone.get_current_timezone_name())


@transaction.atomic
def record_open(*, assignment: Assignment, by: User, now: datetime | None = None) -> ReadingEvent:
    """The employee opened the policy text."""
    now = now or timezone.now()
    assignment = _lock_open_assignment(assignment)
    if assignment.person_id != by.person_id:
        raise SigningError("Only the employee can open their own acknowledgment.")
    event = ReadingEvent.objects.create(
        assignment=assignment, kind=ReadingEvent.Kind.OPENED, at=now
    )
    if assignment.opened_at is None:
        assignment.opened_at = now
        fields = ["opened_at"]
        if assignment.status == AssignmentStatus.NOT_OPENED:
            assignment.status = AssignmentStatus.OPENED
            fields.append("status")
        assignment.save(update_fields=fields)
        record_event(
            district=assignment.district_id,
            actor=by,
            action=Action.ACK_PACKET_OPENED,
            target=assignment,
            after={"at": now.isoformat()},
        )
    return event


@transaction.atomic
def record_reading_done(
    *, assignment: Assignment, by: User, now: datetime | None = None
) -> ReadingEvent:
    """The employee says they finished reading: the time since they last opened it is recorded."""
    now = now or timezone.now()
    assignment = _lock_open_assignment(assignment)
    if assignment.person_id != by.person_id:
        raise SigningError("Only the employee can read their own acknowledgment.")
    last_open = (
        ReadingEvent.objects.filter(assignment=assignment, kind=ReadingEvent.Kind.OPENED)
        .order_by("-at")
        .first()
    )
    if last_open is None:
        raise SigningError("Open the policy text first.")
    seconds = max(0, min(MAX_READ_SECONDS, int((now - last_open.at).total_seconds())))
    event = ReadingEvent.objects.create(
        assignment=assignment, kind=ReadingEvent.Kind.READ, at=now, seconds=seconds
    )
    assignment.read_seconds = assignment.read_seconds + seconds
    assignment.save(update_fields=["read_seconds"])
    record_event(
        district=assignment.district_id,
        actor=by,
        action=Action.ACK_PACKET_READ,
        target=assignment,
        after={"seconds": seconds},
    )
    return event


def _distribution_of(assignment: Assignment) -> QuerySet[Distribution]:
    if assignment.building_id is None:
        return Distribution.objects.none()
    return Distribution.objects.filter(
        campaign_id=assignment.campaign_id, building_id=assignment.building_id
    )


def _distribution(assignment: Assignment) -> tuple[str, datetime | None]:
    """Who distributed the assignment's campaign in its building, and when ("", None: nobody)."""
    row = _distribution_of(assignment).values_list("distributed_by_name", "distributed_at").first()
    return row if row is not None else ("", None)


_CONSENT_AND_DISTRIBUTION = """
SELECT EXISTS (SELECT 1 FROM acks_econsent WHERE person_id = %s AND version = %s),
       d.distributed_by_name, d.distributed_at
FROM (SELECT 1) AS one
LEFT JOIN acks_distribution d ON d.campaign_id = %s AND d.building_id = %s
LIMIT 1
"""


def _consent_and_distribution(assignment: Assignment) -> tuple[bool, tuple[str, datetime | None]]:
    """has_consent() and _distribution() in one query (the signing path reads both). Plain SQL:
    on the signing hot path the ORM's compilation of the two subqueries cost more than the query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _CONSENT_AND_DISTRIBUTION,
            [
                assignment.person_id,
                CURRENT_CONSENT_VERSION,
                assignment.campaign_id,
                assignment.building_id,
            ],
        )
        given, name, at = cursor.fetchone()
    return bool(given), (name or "", None if at is None else aware_utc(at))


def has_consent(person_id: int | None) -> bool:
    return bool(person_id) and (
        EConsent.objects.filter(person_id=person_id or 0, version=CURRENT_CONSENT_VERSION).exists()
    )


@transaction.atomic
def give_econsent(
    *, by: User, ip: str | None, user_agent: str, now: datetime | None = None
) -> EConsent:
    """The employee consents, once per consent version, to sign electronically."""
    if by.person_id is None:
        raise SigningError("Your account is not linked to a staff record.")
    person = Person.objects.get(pk=by.person_id)
    if person.kind != Person.Kind.STAFF:
        raise SigningError("Only employees give consent to sign acknowledgments electronically.")
    existing = EConsent.objects.filter(person=person, version=CURRENT_CONSENT_VERSION).first()
    if existing is not None:
        return existing
    consent = EConsent.objects.create(
        district_id=person.district_id,
        person=person,
        user=by,
        version=CURRENT_CONSENT_VERSION,
        text_sha256=consent_sha256(),
        given_at=now or timezone.now(),
        ip=ip,
        user_agent=user_agent[:300],
    )
    record_event(
        district=person.district_id,
        actor=by,
        action=Action.ACK_ECONSENT_GIVEN,
        target=consent,
        after={"version": consent.version, "text_sha256": consent.text_sha256},
    )
    return consent


@dataclass(frozen=True)
class _Outcome:
    kind: str
    method: str
    typed_name: str = ""
    comment: str = ""
    refusal_reason: str = ""
    witness_name: str = ""
    rationale: str = ""
    consent_version: int | None = None
    intent: bool = False


def _write_record(
    assignment: Assignment,
    outcome: _Outcome,
    *,
    by: User,
    ip: str | None,
    user_agent: str,
    now: datetime,
    scan: tuple[str, bytes] | None = None,
    distribution: tuple[str, datetime | None] | None = None,
) -> Signature:
    campaign = assignment.campaign
    versions, text_sha256 = _packet_for_signing(campaign)
    if any(v.status != VersionStatus.PUBLISHED for v in versions):
        raise SigningError(
            "This version of the policy was replaced by a newer one and can no longer be "
            "signed. Your acknowledgment list shows the current version."
        )
    person = assignment.person
    if distribution is None:
        distribution = _distribution(assignment)
    building_name = assignment.building.name if assignment.building else ""
    with connection.cursor() as cursor:  # plain SQL: see _packet_for_signing
        cursor.execute(
            "SELECT kind, at, seconds FROM acks_readingevent WHERE assignment_id = %s "
            "ORDER BY at, id",
            [assignment.pk],
        )
        events = [
            {"kind": kind, "at": aware_utc(at).isoformat(), "seconds": seconds}
            for kind, at, seconds in cursor.fetchall()
        ]
    signature = Signature(
        district_id=assignment.district_id,
        assignment=assignment,
        campaign=campaign,
        person=person,
        kind=outcome.kind,
        method=outcome.method,
        employee_name=f"{person.given_name} {person.family_name}".strip(),
        employee_identifier=person.identifier,
        building_id=assignment.building_id,
        building_name=building_name,
        job_title=assignment.job_title,
        campaign_title=campaign.title,
        school_year=campaign.school_year,
        packet=[
            {
                "policy": v.policy_number,
                "title": v.title,
                "version": v.seq,
                "version_id": v.pk,
                "sha256": v.sha256,
            }
            for v in versions
        ],
        text_sha256=text_sha256,
        distributed_by_name=distribution[0],
        distributed_at=distribution[1],
        consent_version=outcome.consent_version,
        intent_text=campaign.intent_text if outcome.intent else "",
        typed_name=outcome.typed_name,
        comment=outcome.comment,
        refusal_reason=outcome.refusal_reason,
        witness_name=outcome.witness_name,
        rationale=outcome.rationale,
        recorded_by=by,
        # The employee signing for themself: their name is on the assignment already.
        recorded_by_name=_user_label(by, person=person if by.person_id == person.pk else None),
        signed_at=now,
        signed_on=timezone.localdate(now),
        time_zone=_time_zone(),
        ip=ip or None,
        user_agent=user_agent[:300],
        reading_events=events,
        verification_code=_code(),
    )
    if scan is not None:
        name, data = scan
        signature.scan_sha256 = hashlib.sha256(data).hexdigest()
        signature.scan.save(name, ContentFile(data), save=False)
    signature.record_hash = signature.compute_hash()
    # No savepoint: a second record for the assignment fails the unique constraint, and the
    # whole transaction (which has written nothing yet) rolls back as _AlreadyRecorded leaves it.
    try:
        signature.save(force_insert=True)
    except IntegrityError:
        raise _AlreadyRecorded from None
    status = {
        Signature.Kind.SIGNED: AssignmentStatus.SIGNED,
        Signature.Kind.REFUSED: AssignmentStatus.REFUSED,
        Signature.Kind.PAPER: AssignmentStatus.PAPER,
        Signature.Kind.PROXY: AssignmentStatus.PAPER,
    }[Signature.Kind(outcome.kind)]
    # Only an open assignment takes a record: if it was closed meanwhile (a leaver, a follow-up
    # campaign replacing this one), nothing is updated and the record is rolled back with it.
    updated = Assignment.objects.filter(pk=assignment.pk, status__in=OPEN_STATUSES).update(
        status=status, completed_at=now
    )
    if not updated:
        raise SigningError("This acknowledgment is closed.")
    assignment.status = status
    assignment.completed_at = now
    # The notices that asked for this acknowledgment are answered: they stop showing as new.
    Notification.objects.filter(assignment_id=assignment.pk, read_at__isnull=True).update(
        read_at=now
    )
    record_event(
        district=assignment.district_id,
        actor=by,
        action=_OUTCOME_ACTION[Signature.Kind(outcome.kind)],
        target=signature,
        after={
            "assignment": assignment.pk,
            "method": outcome.method,
            "text_sha256": signature.text_sha256,
            "record_hash": signature.record_hash,
            "verification_code": signature.verification_code,
        },
    )
    from chalkline.acks.tasks import enqueue_certificate

    enqueue_certificate(signature.pk)
    return signature


class _AlreadyRecorded(Exception):
    pass


def _existing(assignment: Assignment) -> Signature | None:
    return Signature.objects.filter(assignment_id=assignment.pk).first()


def _employee_assignment(assignment: Assignment, by: User) -> tuple[Assignment, Signature | None]:
    """The assignment as the employee acts on it, and the record it has already, if any.

    No row lock: an open assignment (as read by the caller's access check) goes straight to the
    write, where the unique constraint makes one record per assignment (a second tab or a retried
    POST waits for the first and gets its record) and the status update only applies to a still
    open assignment. A closed one is re-read, so a stale object gets the current state."""
    if assignment.is_open:
        return assignment, None
    assignment = Assignment.objects.select_related("campaign", "person", "building").get(
        pk=assignment.pk
    )
    if assignment.is_open:
        return assignment, None
    existing = _existing(assignment)
    if existing is not None and existing.person_id == by.person_id:
        return assignment, existing
    return assignment, None


def _check_employee_can_act(assignment: Assignment, by: User) -> None:
    if assignment.person_id != by.person_id:
        raise SigningError("Only the employee can sign their own acknowledgment.")
    if assignment.status not in OPEN_STATUSES:
        raise SigningError("This acknowledgment is closed.")
    if assignment.campaign.status != Campaign.Status.LAUNCHED:
        raise SigningError("This campaign is not open for signatures.")
    if assignment.opened_at is None:
        # The caller's object may predate record_open (which works on a fresh, locked copy).
        opened = Assignment.objects.filter(pk=assignment.pk).values_list("opened_at", flat=True)
        assignment.opened_at = opened.first()
        if assignment.opened_at is None:
            raise SigningError("Open and read the policy text before you sign.")


def sign_acknowledgment(
    *,
    assignment: Assignment,
    by: User,
    typed_name: str = "",
    password: str = "",
    comment: str = "",
    ip: str | None,
    user_agent: str,
    now: datetime | None = None,
) -> Signature:
    """Sign electronically with the typed full name (matching the record, case and spacing
    ignored) or the account password. Returns the existing record if there is one already."""
    try:
        return _sign(
            assignment=assignment,
            by=by,
            typed_name=typed_name,
            password=password,
            comment=comment,
            ip=ip,
            user_agent=user_agent,
            now=now,
        )
    except _AlreadyRecorded:
        existing = _existing(assignment)
        if existing is None:  # pragma: no cover - the unique constraint fired, so it exists
            raise
        return existing


@transaction.atomic
def _sign(
    *,
    assignment: Assignment,
    by: User,
    typed_name: str,
    password: str,
    comment: str,
    ip: str | None,
    user_agent: str,
    now: datetime | None,
) -> Signature:
    assignment, existing = _employee_assignment(assignment, by)
    if existing is not None:
        return existing
    _check_employee_can_act(assignment, by)
    consented, distribution = _consent_and_distribution(assignment)
    if not consented:
        raise SigningError("Give your consent to sign electronically first, or sign on paper.")
    if typed_name.strip():
        if not name_matches(assignment.person, typed_name):
            raise SigningError(
                "The name you typed does not match your name on record. Type your full name "
                "as it appears on your staff record, or re-enter your password instead."
            )
        method = Signature.Method.TYPED_NAME
    elif password:
        if not by.check_password(password):
            raise WrongPasswordError("That password is not correct.")
        method = Signature.Method.PASSWORD
    else:
        raise SigningError("Type your full name or re-enter your password to sign.")
    return _write_record(
        assignment,
        _Outcome(
            kind=Signature.Kind.SIGNED,
            method=method,
            typed_name=typed_name.strip()[:250],
            comment=comment.strip(),
            consent_version=CURRENT_CONSENT_VERSION,
            intent=True,
        ),
        by=by,
        ip=ip,
        user_agent=user_agent,
        now=now or timezone.now(),
        distribution=distribution,
    )


def refuse_acknowledgment(
    *,
    assignment: Assignment,
    by: User,
    reason: str,
    comment: str = "",
    ip: str | None,
    user_agent: str,
    now: datetime | None = None,
) -> Signature:
    """The employee declines to sign, with a reason. The refusal is a record in its own right.
    Returns the existing record if there is one already (a second tab, a retried POST)."""
    try:
        with transaction.atomic():
            assignment, existing = _employee_assignment(assignment, by)
            if existing is not None:
                return existing
            _check_employee_can_act(assignment, by)
            if not reason.strip():
                raise SigningError("Give a reason for refusing.")
            return _write_record(
                assignment,
                _Outcome(
                    kind=Signature.Kind.REFUSED,
                    method=Signature.Method.EMPLOYEE,
                    refusal_reason=reason.strip(),
                    comment=comment.strip(),
                ),
                by=by,
                ip=ip,
                user_agent=user_agent,
                now=now or timezone.now(),
            )
    except _AlreadyRecorded:
        existing = _existing(assignment)
        if existing is None:  # pragma: no cover - the unique constraint fired, so it exists
            raise
        return existing


def read_scan(upload: UploadedFile[Any]) -> tuple[str, bytes]:
    """A scan must be a PDF or an image (checked by content, not by name), at most 20 MB."""
    if upload.size is not None and upload.size > MAX_SCAN_BYTES:
        raise SigningError("The scan is larger than 20 MB. Scan at a lower resolution.")
    data = upload.read(MAX_SCAN_BYTES + 1)
    if len(data) > MAX_SCAN_BYTES:
        raise SigningError("The scan is larger than 20 MB. Scan at a lower resolution.")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise SigningError("The PDF is incomplete or damaged. Scan it again.")
        return "scan.pdf", data
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = (image.format or "").lower()
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise SigningError("The scan must be a PDF or an image (JPEG, PNG, TIFF or GIF).") from None
    ext = {"jpeg": "jpg", "png": "png", "tiff": "tif", "gif": "gif"}.get(fmt)
    if ext is None:
        raise SigningError("The scan must be a PDF or an image (JPEG, PNG, TIFF or GIF).")
    return f"scan.{ext}", data


def record_paper_acknowledgment(
    *,
    assignment: Assignment,
    by: User,
    proxy: bool,
    rationale: str,
    scan: UploadedFile[Any],
    ip: str | None,
    user_agent: str,
    now: datetime | None = None,
) -> Signature:
    """The principal records a signed paper form (or a proxy acknowledgment) with its scan."""
    if not rationale.strip():
        raise SigningError("Explain why this acknowledgment is on paper or by proxy.")
    scan_file = read_scan(scan)
    return _principal_record(
        assignment,
        _Outcome(
            kind=Signature.Kind.PROXY if proxy else Signature.Kind.PAPER,
            method=Signature.Method.PROXY if proxy else Signature.Method.PAPER_SCAN,
            rationale=rationale.strip(),
        ),
        by=by,
        ip=ip,
        user_agent=user_agent,
        now=now,
        scan=scan_file,
    )


def record_witnessed_refusal(
    *,
    assignment: Assignment,
    by: User,
    witness_name: str,
    reason: str,
    scan: UploadedFile[Any] | None,
    ip: str | None,
    user_agent: str,
    now: datetime | None = None,
) -> Signature:
    """The employee refused in person; the principal records it with the witness's name."""
    if not witness_name.strip():
        raise SigningError("Name the witness to the refusal.")
    if not reason.strip():
        raise SigningError("Record the reason the employee gave (or that none was given).")
    return _principal_record(
        assignment,
        _Outcome(
            kind=Signature.Kind.REFUSED,
            method=Signature.Method.WITNESSED,
            witness_name=witness_name.strip()[:200],
            refusal_reason=reason.strip(),
        ),
        by=by,
        ip=ip,
        user_agent=user_agent,
        now=now,
        scan=read_scan(scan) if scan is not None else None,
    )


def _principal_record(
    assignment: Assignment,
    outcome: _Outcome,
    *,
    by: User,
    ip: str | None,
    user_agent: str,
    now: datetime | None,
    scan: tuple[str, bytes] | None,
) -> Signature:
    try:
        with transaction.atomic():
            locked = _lock_open_assignment(assignment)
            if _existing(locked) is not None or locked.status not in OPEN_STATUSES:
                raise SigningError("This acknowledgment is already recorded or closed.")
            return _write_record(
                locked,
                outcome,
                by=by,
                ip=ip,
                user_agent=user_agent,
                now=now or timezone.now(),
                scan=scan,
            )
    except _AlreadyRecorded:
        raise SigningError("This acknowledgment is already recorded.") from None


@transaction.atomic
def issue_certificate(*, signature: Signature, by: User | None = None) -> Certificate:
    """Render and store the certificate PDF of one record (idempotent)."""
    from chalkline.acks.certificate import certificate_pdf

    existing = Certificate.objects.filter(signature=signature).first()
    if existing is not None:
        return existing
    pdf = certificate_pdf(signature, site_url=settings.SITE_URL)
    certificate = Certificate(signature=signature, sha256=hashlib.sha256(pdf).hexdigest())
    certificate.file.save(f"certificate-{signature.verification_code}.pdf", ContentFile(pdf), False)
    try:
        with transaction.atomic():
            certificate.save(force_insert=True)
    except IntegrityError:
        certificate.file.delete(save=False)
        return Certificate.objects.get(signature=signature)
    return certificate
