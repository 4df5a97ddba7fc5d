"""Every change to a case: one function per business event, audited in its transaction.

A closed case refuses every change but an amendment (a note added after closing) and the
employee's rebuttal (820 ILCS 40/6); each refusal says why."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.cases.models import (
    STEP_DAYS,
    Case,
    CaseEntry,
    CaseMember,
    CaseSettings,
    Disclosure,
    DisclosurePrompt,
    Evidence,
    InspectionRequest,
    MandatedReport,
    OutcomeType,
)
from chalkline.outbox.services import Mail, queue_mails
from chalkline.people.models import Building, District, Membership, Person, User
from chalkline.people.roles import Role
from chalkline.screening import Audience, Message, RosterIndex, ScreeningInputError, Sender, screen

S = Case.Status
P = CaseMember.Part
E = CaseEntry.Kind

MAX_EVIDENCE_BYTES = 25 * 1024 * 1024
ALLOWED_EVIDENCE = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".txt": "text/plain",
    ".eml": "message/rfc822",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".mp4": "video/mp4",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
}

# The policy's range of outcomes, mildest first; a district renames and extends its own rows.
# (code, label, discipline, personnel file, has a period, ISBE report may apply)
DEFAULT_OUTCOMES: list[tuple[str, str, bool, bool, bool, bool]] = [
    ("no_violation", "No violation found", False, False, False, False),
    ("coaching", "Coaching", False, False, False, False),
    ("written_reminder", "Written reminder of the policy", False, True, False, False),
    (
        "technology_prohibition",
        "Prohibition on possessing or using personal technology or social media at school",
        True,
        True,
        True,
        False,
    ),
    ("written_reprimand", "Written reprimand", True, True, False, False),
    (
        "notice_to_remedy",
        "Notice to remedy (tenured teacher, 105 ILCS 5/24-12)",
        True,
        True,
        False,
        False,
    ),
    ("suspension", "Suspension", True, True, True, True),
    ("dismissal", "Recommendation of dismissal to the Board", True, True, False, True),
    ("indemnification", "Indemnification of the District", True, True, False, False),
]


class CaseError(ValidationError):
    """A step the case's state does not allow; the message says why."""


# --- helpers ---------------------------------------------------------------------------------


def _closed_refusal(case: Case) -> CaseError:
    when = timezone.localtime(case.closed_at).date() if case.closed_at else None
    return CaseError(
        f"This case was closed on {when}: a closed case cannot be changed. "
        "Add an amendment to record anything learned since."
    )


def _require_open(case: Case) -> None:
    if case.is_closed:
        raise _closed_refusal(case)


def _require_status(case: Case, *allowed: str) -> None:
    _require_open(case)
    if case.status not in allowed:
        raise CaseError(f"This case is {case.get_status_display().lower()}: that step is not open.")


def _due(status: str, today: datetime.date | None = None) -> datetime.date | None:
    days = STEP_DAYS.get(status)
    return (today or timezone.localdate()) + datetime.timedelta(days=days) if days else None


def _entry(
    case: Case, kind: str, by: User | None, text: str = "", *, employee: bool = False
) -> None:
    CaseEntry.objects.create(case=case, kind=kind, by=by, text=text, for_employee=employee)


def _event(case: Case, by: User | None, action: Action, **after: Any) -> None:
    record_event(
        district=case.district_id,
        actor=by,
        action=action,
        target=case,
        after={"status": case.status, **after},
    )


def _move(case: Case, status: str, **fields: Any) -> None:
    case.status = status
    case.due_on = _due(status)
    for name, value in fields.items():
        setattr(case, name, value)
    case.save(update_fields=["status", "due_on", *fields])


def _name(case: Case, users: Iterable[User | int], part: str) -> None:
    ids = {u if isinstance(u, int) else u.pk for u in users}
    have = set(
        CaseMember.objects.filter(case=case, part=part, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    )
    CaseMember.objects.bulk_create(
        [CaseMember(case=case, user_id=uid, part=part) for uid in sorted(ids - have)]
    )


def _holders(district: District, *roles: str) -> list[int]:
    return sorted(
        set(
            Membership.objects.filter(
                district=district, role__in=roles, active=True, building__isnull=True
            ).values_list("user_id", flat=True)
        )
    )


def _user_of(person: Person | None) -> User | None:
    if person is None:
        return None
    return User.objects.filter(person=person, is_active=True).first()


def position_of(district: District, person: Person | None) -> str | None:
    """The subject's position from their roles: superintendent, HR or principal, else None."""
    user = _user_of(person)
    if user is None:
        return None
    roles = set(
        Membership.objects.filter(user=user, district=district, active=True).values_list(
            "role", flat=True
        )
    )
    for role, position in (
        (Role.SUPERINTENDENT, Case.Position.SUPERINTENDENT),
        (Role.HR, Case.Position.HR),
        (Role.PRINCIPAL, Case.Position.PRINCIPAL),
    ):
        if role in roles:
            return position
    return None


def route_for(position: str) -> str:
    if position == Case.Position.SUPERINTENDENT:
        return Case.Route.BOARD
    if position == Case.Position.HR:
        return Case.Route.SUPERINTENDENT
    return Case.Route.NORMAL


def board_designees(district: District) -> list[int]:
    """The Board's designee for cases about the superintendent (the case settings), or, when the
    Board named none, the Board's members."""
    settings = CaseSettings.objects.filter(district=district).first()
    if settings is not None and settings.board_designee_id:
        return [settings.board_designee_id]
    return _holders(district, Role.BOARD_MEMBER)


def _managers(case: Case) -> list[int]:
    district = case.district
    if case.route == Case.Route.BOARD:
        ids = board_designees(district)
    elif case.route == Case.Route.SUPERINTENDENT:
        ids = _holders(district, Role.SUPERINTENDENT)
    else:
        ids = _holders(district, Role.HR)
        if (
            case.kind == Case.Kind.PASSWORD_REQUEST
            or case.subject_position == Case.Position.PRINCIPAL
        ):
            ids += _holders(district, Role.SUPERINTENDENT)
    subject_user = _user_of(case.subject)
    return [i for i in ids if subject_user is None or i != subject_user.pk]


def describes_abuse(text: str) -> bool:
    """Does the intake describe abuse or neglect? The screening engine's abuse_disclosure
    detector, run as on a message from a family (it stays silent for staff senders)."""
    message = Message(text=text, sender=Sender(role="guardian"), audience=Audience(kind="direct"))
    try:
        findings = screen(message, index=RosterIndex())
    except ScreeningInputError:
        return False
    return any(f.detector == "abuse_disclosure" for f in findings)


def ensure_outcome_types(district: District) -> None:
    """The district's default outcome types, made by its first case. Two first cases at once
    (two families reporting in the same second: the soak's run 11) both find none; the second
    insert then skips the rows the first made (ON CONFLICT DO NOTHING on ``cases_outcome_code``)
    instead of failing the report with a 500."""
    if OutcomeType.objects.filter(district=district).exists():
        return
    OutcomeType.objects.bulk_create(
        [
            OutcomeType(
                district=district,
                code=code,
                label=label,
                rank=rank * 10,
                discipline=discipline,
                personnel_file=personnel_file,
                has_period=has_period,
                isbe_may_apply=isbe,
            )
            for rank, (code, label, discipline, personnel_file, has_period, isbe) in enumerate(
                DEFAULT_OUTCOMES, start=1
            )
        ],
        ignore_conflicts=True,
    )


def _retention(district: District, closed: datetime.date) -> datetime.date:
    settings = CaseSettings.objects.filter(district=district).first()
    years = settings.retention_years if settings else 5
    try:
        return closed.replace(year=closed.year + years)
    except ValueError:  # 29 February
        return closed.replace(year=closed.year + years, day=28)


# --- intake ----------------------------------------------------------------------------------


def _open(
    *,
    district: District,
    by: User | None,
    kind: str,
    source: str,
    reporter_kind: str,
    description: str,
    subject_name: str = "",
    subject_position: str = Case.Position.UNKNOWN,
    subject: Person | None = None,
    building: Building | None = None,
    happened_on: datetime.date | None = None,
    reporter_name: str = "",
    reporter_contact: str = "",
    idempotency_key: str = "",
) -> Case:
    if subject is not None and subject.district_id != district.pk:
        raise CaseError("That person is not in this district.")
    if building is not None and building.district_id != district.pk:
        raise CaseError("That building is not in this district.")
    position = position_of(district, subject) or subject_position
    case = Case.objects.create(
        district=district,
        building=building,
        kind=kind,
        source=source,
        route=route_for(position),
        subject_name=subject_name,
        subject_position=position,
        subject=subject,
        reporter=by if source != Case.Source.MANUAL else None,
        reporter_kind=reporter_kind,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        description=description,
        happened_on=happened_on,
        describes_abuse=describes_abuse(description),
        due_on=_due(S.RECEIVED),
        idempotency_key=idempotency_key,
    )
    ensure_outcome_types(district)
    _name(case, _managers(case), P.MANAGER)
    if by is not None and source == Case.Source.MANUAL:
        _name(case, [by], P.MANAGER)
    elif by is not None:
        _name(case, [by], P.REPORTER)
    _entry(case, E.OPENED, by)
    _event(
        case,
        by,
        Action.CASE_OPENED,
        kind=kind,
        source=source,
        route=case.route,
        describes_abuse=case.describes_abuse,
    )
    return case


def _same_submission(district: District, key: str, by: User | None) -> Case | None:
    found = Case.objects.filter(district=district, idempotency_key=key).first()
    if found is None:
        return None
    if found.reporter_id != (by.pk if by is not None else None):
        raise CaseError("The form is out of date: reload the page and send it again.")
    return found


def _once(district: District, key: str, by: User | None, open_: Callable[[], Case]) -> Case:
    """Open the case unless this key already opened one (then return that one). Two requests
    at once with the same key: the unique constraint lets one in; the other returns its case."""
    key = key.strip()[:64]
    if not key:
        return open_()
    found = _same_submission(district, key, by)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return open_()
    except IntegrityError:
        found = _same_submission(district, key, by)
        if found is None:
            raise
        return found


@transaction.atomic
def report_concern(
    *,
    district: District,
    by: User,
    reporter_kind: str,
    kind: str,
    description: str,
    subject_name: str = "",
    subject_position: str = Case.Position.UNKNOWN,
    building: Building | None = None,
    happened_on: datetime.date | None = None,
    idempotency_key: str = "",
) -> Case:
    """A signed-in staff member, guardian or student reports a concern. Submitted twice with
    the same key (a double click), it opens one case and returns it both times."""
    return _once(
        district,
        idempotency_key,
        by,
        lambda: _open(
            district=district,
            by=by,
            kind=kind,
            source=Case.Source.SIGNED_IN,
            reporter_kind=reporter_kind,
            description=description,
            subject_name=subject_name,
            subject_position=subject_position,
            building=building,
            happened_on=happened_on,
            idempotency_key=idempotency_key,
        ),
    )


@transaction.atomic
def submit_public_concern(
    *,
    district: District,
    kind: str,
    reporter_kind: str,
    description: str,
    subject_name: str = "",
    subject_position: str = Case.Position.UNKNOWN,
    building: Building | None = None,
    happened_on: datetime.date | None = None,
    reporter_name: str = "",
    reporter_contact: str = "",
    idempotency_key: str = "",
) -> Case:
    """A concern from the public page (no account): a community member, or an applicant whose
    social-media password or access was asked for. The same key submitted twice opens one
    case."""
    return _once(
        district,
        idempotency_key,
        None,
        lambda: _open(
            district=district,
            by=None,
            kind=kind,
            source=Case.Source.PUBLIC,
            reporter_kind=reporter_kind,
            description=description,
            subject_name=subject_name,
            subject_position=subject_position,
            building=building,
            happened_on=happened_on,
            reporter_name=reporter_name,
            reporter_contact=reporter_contact,
            idempotency_key=idempotency_key,
        ),
    )


@transaction.atomic
def open_referral(
    *,
    district: District,
    by: User,
    description: str,
    subject: Person | None = None,
    building: Building | None = None,
    happened_on: datetime.date | None = None,
) -> Case:
    """A reviewer refers a message from the messaging review queue (the referral workflow,
    ``chalkline.workflows.message_referral``, cites the message on the case by reference)."""
    subject_name = f"{subject.given_name} {subject.family_name}" if subject is not None else ""
    return _open(
        district=district,
        by=by,
        kind=Case.Kind.COMMUNICATION,
        source=Case.Source.REFERRAL,
        reporter_kind=Case.ReporterKind.DISTRICT,
        description=description,
        subject=subject,
        subject_name=subject_name,
        building=building,
        happened_on=happened_on,
    )


@transaction.atomic
def open_case(
    *,
    district: District,
    by: User,
    kind: str,
    description: str,
    subject: Person | None = None,
    subject_name: str = "",
    subject_position: str = Case.Position.UNKNOWN,
    building: Building | None = None,
    happened_on: datetime.date | None = None,
    reporter_name: str = "",
) -> Case:
    """HR or an administrator enters a case by hand (a call, a letter, a meeting)."""
    if subject is not None and not subject_name:
        subject_name = f"{subject.given_name} {subject.family_name}"
    return _open(
        district=district,
        by=by,
        kind=kind,
        source=Case.Source.MANUAL,
        reporter_kind=Case.ReporterKind.DISTRICT,
        description=description,
        subject=subject,
        subject_name=subject_name,
        subject_position=subject_position,
        building=building,
        happened_on=happened_on,
        reporter_name=reporter_name,
    )


# --- triage and investigation ----------------------------------------------------------------


@transaction.atomic
def triage_case(
    *,
    case: Case,
    by: User,
    investigator: User,
    subject: Person | None = None,
    title_ix: bool = False,
    title_ix_coordinator: User | None = None,
    interim_measures: str = "",
    viewers: Iterable[User] = (),
) -> Case:
    """Assign the investigator, name who may see the case, route it to the Title IX coordinator
    when it alleges sexual harassment or misconduct, record interim measures."""
    _require_status(case, S.RECEIVED, S.INVESTIGATING)
    if title_ix and title_ix_coordinator is None:
        raise CaseError("Name the Title IX coordinator the case is routed to.")
    fields: dict[str, Any] = {
        "investigator": investigator,
        "title_ix": title_ix,
        "interim_measures": interim_measures,
    }
    if subject is not None:
        if subject.district_id != case.district_id:
            raise CaseError("That person is not in this district.")
        position = position_of(case.district, subject) or case.subject_position
        subject_user = _user_of(subject)
        if subject_user is not None and subject_user.pk in {investigator.pk, by.pk}:
            raise CaseError("The subject of a case cannot investigate or triage it.")
        route = route_for(position)
        fields.update(subject=subject, subject_position=position, route=route)
        if not case.subject_name:
            fields["subject_name"] = f"{subject.given_name} {subject.family_name}"
        if route != case.route or subject_user is not None:
            # Routed around the subject: they lose any part they had on it.
            CaseMember.objects.filter(case=case).exclude(part=P.REPORTER).filter(
                user=subject_user
            ).delete()
    _move(case, S.INVESTIGATING, **fields)
    if "route" in fields:
        _name(case, _managers(case), P.MANAGER)
    _name(case, [investigator], P.INVESTIGATOR)
    if title_ix_coordinator is not None:
        _name(case, [title_ix_coordinator], P.TITLE_IX)
    _name(case, list(viewers), P.VIEWER)
    summary = f"Investigator: {investigator.get_username()}."
    if title_ix:
        summary += " Routed to the Title IX coordinator."
    if interim_measures:
        summary += f" Interim measures: {interim_measures}"
    _entry(case, E.TRIAGED, by, summary)
    _event(
        case,
        by,
        Action.CASE_TRIAGED,
        investigator=investigator.pk,
        title_ix=title_ix,
        route=case.route,
        interim_measures=bool(interim_measures),
    )
    return case


@transaction.atomic
def add_note(*, case: Case, by: User, text: str, kind: str = E.NOTE) -> CaseEntry:
    """A note or an interview summary; after closing, an amendment (the closed record stays)."""
    if not text.strip():
        raise CaseError("Write the note.")
    if kind not in {E.NOTE, E.INTERVIEW}:
        raise CaseError("A note is a note or an interview.")
    if case.is_closed:
        kind = E.AMENDMENT
    entry = CaseEntry.objects.create(case=case, kind=kind, by=by, text=text)
    action = Action.CASE_AMENDED if kind == E.AMENDMENT else Action.CASE_NOTE_ADDED
    _event(case, by, action, entry=entry.pk, kind=kind)
    return entry


def _looks_like(ext: str, head: bytes) -> bool:
    """Whether the file's first bytes are those of its claimed type (a renamed program or archive
    is refused; the name alone proves nothing). Text types must decode and hold no NUL byte."""
    if ext == ".pdf":
        return head.startswith(b"%PDF-")
    if ext == ".png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in (".jpg", ".jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if ext == ".gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if ext == ".webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if ext == ".docx":
        return head.startswith(b"PK\x03\x04")
    if ext in (".mp4", ".m4a"):
        return head[4:8] == b"ftyp"
    if ext == ".mp3":
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] >= 0xE0)
    # .txt, .eml: text in UTF-8 (a cut multi-byte character at the end is allowed) or Latin-1.
    return b"\x00" not in head


def check_upload(upload: UploadedFile[Any]) -> str:
    """The content type of an allowed upload; refuses with the limit named, and a file whose
    content is not of the type its name claims."""
    name = (upload.name or "").lower()
    ext = name[name.rfind(".") :] if "." in name else ""
    if ext not in ALLOWED_EVIDENCE:
        allowed = ", ".join(sorted(ALLOWED_EVIDENCE))
        raise CaseError(f"Evidence must be one of these types: {allowed}.")
    if (upload.size or 0) > MAX_EVIDENCE_BYTES:
        raise CaseError("Evidence files are limited to 25 MB each.")
    upload.seek(0)
    head = upload.read(4096)
    upload.seek(0)
    if not head:
        raise CaseError("The file is empty.")
    if not _looks_like(ext, head):
        raise CaseError(
            f"The file's content is not a {ext[1:].upper()} file, although its name says so."
        )
    return ALLOWED_EVIDENCE[ext]


@transaction.atomic
def add_evidence(
    *, case: Case, by: User, upload: UploadedFile[Any], reason: str, reason_note: str = ""
) -> Evidence:
    """Store an upload with its SHA-256, which also goes into the audit chain, and why it may be
    kept (820 ILCS 40/9)."""
    _require_open(case)
    content_type = check_upload(upload)
    if reason not in Evidence.Reason.values:
        raise CaseError("Say why this evidence may be kept.")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence.objects.create(
        case=case,
        file=upload,
        name=(upload.name or "evidence")[:255],
        content_type=content_type,
        size=upload.size or 0,
        sha256=digest.hexdigest(),
        reason=reason,
        reason_note=reason_note,
        uploaded_by=by,
    )
    _entry(case, E.EVIDENCE, by, f"{evidence.name} (SHA-256 {evidence.sha256})")
    _event(
        case,
        by,
        Action.CASE_EVIDENCE_ADDED,
        evidence=evidence.pk,
        sha256=evidence.sha256,
        size=evidence.size,
        reason=reason,
    )
    return evidence


# --- due process -----------------------------------------------------------------------------

NOTICE_RIGHTS = (
    "You have the right to respond to this allegation in writing, here or on paper, before any "
    "finding is made. You have the right to be represented by your union (employee) "
    "representative at any meeting about it: ask, and the representative is invited to this case."
)


@transaction.atomic
def send_notice(*, case: Case, by: User, allegation: str) -> Case:
    """Notice to the employee: the allegation, the right to respond in writing, the right to
    union representation. The employee is named on the case from now on (they see only what is
    addressed to them)."""
    _require_status(case, S.INVESTIGATING)
    if not allegation.strip():
        raise CaseError("State the allegation.")
    subject_user = _user_of(case.subject)
    if case.subject is None:
        raise CaseError("Name the employee (at triage) before sending notice.")
    _move(case, S.NOTICE_SENT)
    if subject_user is not None:
        _name(case, [subject_user], P.SUBJECT)
    _entry(case, E.NOTICE, by, f"Allegation: {allegation}\n\n{NOTICE_RIGHTS}", employee=True)
    _event(case, by, Action.CASE_NOTICE_SENT, employee=case.subject_id)
    return case


@transaction.atomic
def respond_to_notice(*, case: Case, by: User, text: str) -> CaseEntry:
    """The employee's written response (or, after the outcome, their rebuttal, 820 ILCS 40/6,
    which a closed case still takes)."""
    if not text.strip():
        raise CaseError("Write your response.")
    if case.status == S.RECEIVED or case.status == S.INVESTIGATING:
        raise CaseError("No notice was sent on this case.")
    kind = E.REBUTTAL if case.status in {S.OUTCOME, S.ACKNOWLEDGMENT, S.CLOSED} else E.RESPONSE
    entry = CaseEntry.objects.create(case=case, kind=kind, by=by, text=text, for_employee=True)
    _event(case, by, Action.CASE_RESPONSE_ADDED, entry=entry.pk, kind=kind)
    return entry


@transaction.atomic
def invite_representative(*, case: Case, by: User, representative: User) -> Case:
    """The employee asks for their representative: they are invited to the case (and see what
    the employee sees)."""
    _require_open(case)
    if not Membership.objects.filter(
        user=representative, district=case.district, role=Role.EMPLOYEE_REP, active=True
    ).exists():
        raise CaseError("Choose an employee representative of the district.")
    _name(case, [representative], P.EMPLOYEE_REP)
    _entry(case, E.REP_INVITED, by, representative.get_username(), employee=True)
    _event(case, by, Action.CASE_REP_INVITED, representative=representative.pk)
    return case


@transaction.atomic
def record_findings(*, case: Case, by: User, findings: str) -> Case:
    _require_status(case, S.NOTICE_SENT, S.INVESTIGATING)
    if not findings.strip():
        raise CaseError("Write the findings.")
    _move(case, S.FINDINGS, findings=findings)
    _entry(case, E.FINDINGS, by, findings, employee=case.subject_id is not None)
    _event(case, by, Action.CASE_FINDINGS_RECORDED)
    return case


@transaction.atomic
def record_outcome(
    *,
    case: Case,
    by: User,
    outcome: OutcomeType,
    text: str = "",
    until: datetime.date | None = None,
) -> Case:
    _require_status(case, S.FINDINGS)
    if outcome.district_id != case.district_id or not outcome.active:
        raise CaseError("Choose one of the district's outcomes.")
    if outcome.has_period and until is None:
        raise CaseError(f"{outcome.label}: give the date it ends.")
    _move(case, S.OUTCOME, outcome=outcome, outcome_text=text, outcome_until=until)
    subject_user = _user_of(case.subject)
    if subject_user is not None:  # the outcome is addressed to the employee: they see it
        _name(case, [subject_user], P.SUBJECT)
    line = outcome.label + (f" until {until}" if until else "") + (f". {text}" if text else "")
    _entry(case, E.OUTCOME, by, line, employee=True)
    _event(
        case,
        by,
        Action.CASE_OUTCOME_RECORDED,
        outcome=outcome.code,
        discipline=outcome.discipline,
        personnel_file=outcome.personnel_file,
    )
    return case


@transaction.atomic
def acknowledge_outcome(*, case: Case, by: User) -> Case:
    """The employee acknowledges they received the outcome (not that they agree)."""
    _require_status(case, S.OUTCOME)
    _move(case, S.ACKNOWLEDGMENT)
    _entry(case, E.ACKNOWLEDGED, by, "", employee=True)
    _event(case, by, Action.CASE_OUTCOME_ACKNOWLEDGED)
    return case


@transaction.atomic
def record_refusal(*, case: Case, by: User, witness: str) -> Case:
    _require_status(case, S.OUTCOME)
    if not witness.strip():
        raise CaseError("Name the witness to the refusal.")
    _move(case, S.ACKNOWLEDGMENT)
    _entry(case, E.REFUSAL, by, f"Witnessed by {witness}", employee=True)
    _event(case, by, Action.CASE_REFUSAL_WITNESSED)
    return case


@transaction.atomic
def close_case(*, case: Case, by: User, reason: str = "") -> Case:
    """Close the case: from now on it is immutable (amendments only). Without an acknowledged
    outcome, closing needs a reason (no basis to proceed, referred elsewhere)."""
    _require_open(case)
    if case.status != S.ACKNOWLEDGMENT and not reason.strip():
        raise CaseError(
            "The outcome has not been acknowledged (or the refusal witnessed): give the reason "
            "for closing now."
        )
    now = timezone.now()
    _move(
        case,
        S.CLOSED,
        closed_at=now,
        paused_until=None,
        retain_until=_retention(case.district, timezone.localdate(now)),
    )
    _entry(case, E.CLOSED, by, reason, employee=case.subject_id is not None)
    _event(case, by, Action.CASE_CLOSED, reason=bool(reason))
    return case


@transaction.atomic
def pause_case(*, case: Case, by: User, reason: str, resume_on: datetime.date) -> Case:
    """Pause while DCFS or the police investigate: no reminders until ``resume_on``."""
    _require_open(case)
    if not reason.strip():
        raise CaseError("Give the reason for the pause.")
    if resume_on <= timezone.localdate():
        raise CaseError("The date the case resumes must be in the future.")
    case.paused_until = resume_on
    case.pause_reason = reason
    case.save(update_fields=["paused_until", "pause_reason"])
    _entry(case, E.PAUSED, by, f"{reason} (resumes {resume_on})")
    _event(case, by, Action.CASE_PAUSED, resume_on=resume_on.isoformat())
    return case


@transaction.atomic
def resume_case(*, case: Case, by: User) -> Case:
    _require_open(case)
    if not case.is_paused:
        raise CaseError("This case is not paused.")
    case.paused_until = None
    case.pause_reason = ""
    case.due_on = _due(case.status)
    case.save(update_fields=["paused_until", "pause_reason", "due_on"])
    _entry(case, E.RESUMED, by)
    _event(case, by, Action.CASE_RESUMED)
    return case


@transaction.atomic
def record_case_view(*, case: Case, by: User, view: str, export: bool = False) -> None:
    """Every view and export of a case is audited."""
    action = Action.CASE_EXPORTED if export else Action.CASE_VIEWED
    record_event(
        district=case.district_id, actor=by, action=action, target=case, after={"view": view}
    )


@transaction.atomic
def record_evidence_view(*, evidence: Evidence, by: User) -> None:
    record_event(
        district=evidence.case.district_id,
        actor=by,
        action=Action.CASE_EVIDENCE_VIEWED,
        target=evidence.case,
        after={"evidence": evidence.pk, "sha256": evidence.sha256},
    )


@transaction.atomic
def record_mandated_log_view(*, district: District, by: User) -> None:
    record_event(district=district, actor=by, action=Action.MANDATED_LOG_VIEWED)


# --- outcomes, the personnel file and disclosures (820 ILCS 40) ------------------------------


@transaction.atomic
def save_outcome_type(
    *,
    district: District,
    by: User,
    label: str,
    outcome: OutcomeType | None = None,
    discipline: bool = False,
    personnel_file: bool = False,
    has_period: bool = False,
    isbe_may_apply: bool = False,
    active: bool = True,
) -> OutcomeType:
    """Rename or change one of the district's outcomes, or add one to the range."""
    if not label.strip():
        raise CaseError("Name the outcome.")
    ensure_outcome_types(district)
    fields = {
        "label": label.strip(),
        "discipline": discipline,
        "personnel_file": personnel_file,
        "has_period": has_period,
        "isbe_may_apply": isbe_may_apply,
        "active": active,
    }
    if outcome is None:
        code = slugify(label)[:30] or "outcome"
        taken = set(OutcomeType.objects.filter(district=district).values_list("code", flat=True))
        base, n = code, 2
        while code in taken:
            code, n = f"{base}-{n}", n + 1
        last = OutcomeType.objects.filter(district=district).order_by("-rank").first()
        outcome = OutcomeType.objects.create(
            district=district, code=code, rank=(last.rank if last else 0) + 10, **fields
        )
    else:
        if outcome.district_id != district.pk:
            raise CaseError("That outcome is not the district's.")
        for name, value in fields.items():
            setattr(outcome, name, value)
        outcome.save(update_fields=list(fields))
    record_event(
        district=district,
        actor=by,
        action=Action.CASE_OUTCOMES_CHANGED,
        target=outcome,
        after={"code": outcome.code, **{k: v for k, v in fields.items() if k != "label"}},
    )
    return outcome


def working_days_after(day: datetime.date, n: int) -> datetime.date:
    """``n`` working days (Monday to Friday) after ``day``. Holidays are not known here."""
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


@transaction.atomic
def request_inspection(*, district: District, person: Person, by: User) -> InspectionRequest:
    """The employee asks to inspect their personnel file: tracked against the 7 working days of
    820 ILCS 40/2."""
    if person.district_id != district.pk or person.kind != Person.Kind.STAFF:
        raise CaseError("Only an employee's own personnel file can be inspected.")
    request = InspectionRequest.objects.create(
        district=district,
        person=person,
        requested_by=by,
        due_on=working_days_after(timezone.localdate(), 7),
    )
    record_event(
        district=district,
        actor=by,
        action=Action.PERSONNEL_INSPECTION_REQUESTED,
        target=request,
        after={"person": person.pk, "due_on": request.due_on.isoformat()},
    )
    return request


@transaction.atomic
def extend_inspection(*, request: InspectionRequest, by: User, reason: str) -> InspectionRequest:
    """When the District can reasonably show the deadline cannot be met: 7 more working days,
    once (820 ILCS 40/2)."""
    if request.fulfilled_on is not None:
        raise CaseError("This inspection was already provided.")
    if request.extended_reason:
        raise CaseError("This request was already extended once; the Act allows 7 more days only.")
    if not reason.strip():
        raise CaseError("Say why the deadline cannot be met.")
    request.due_on = working_days_after(request.due_on, 7)
    request.extended_reason = reason
    request.save(update_fields=["due_on", "extended_reason"])
    record_event(
        district=request.district_id,
        actor=by,
        action=Action.PERSONNEL_INSPECTION_EXTENDED,
        target=request,
        after={"due_on": request.due_on.isoformat()},
    )
    return request


@transaction.atomic
def fulfil_inspection(
    *, request: InspectionRequest, by: User, on: datetime.date | None = None
) -> InspectionRequest:
    if request.fulfilled_on is not None:
        raise CaseError("This inspection was already provided.")
    request.fulfilled_on = on or timezone.localdate()
    request.fulfilled_by = by
    request.save(update_fields=["fulfilled_on", "fulfilled_by"])
    record_event(
        district=request.district_id,
        actor=by,
        action=Action.PERSONNEL_INSPECTION_FULFILLED,
        target=request,
        after={
            "on": request.fulfilled_on.isoformat(),
            "late": request.fulfilled_on > request.due_on,
        },
    )
    return request


NOTICE_BASES = {Disclosure.Basis.NOTICE, Disclosure.Basis.FOIA}


@transaction.atomic
def record_disclosure(
    *,
    case: Case,
    by: User,
    recipient: str,
    basis: str,
    disclosed_on: datetime.date,
    notice_sent_on: datetime.date | None = None,
) -> Disclosure:
    """Record that the case's disciplinary record is disclosed to a third party. The employee
    must have been sent written notice on or before that day (820 ILCS 40/7(2)) unless an
    exception applies; the notice is added to their view of the case and e-mailed to them."""
    if not (case.foia_releasable):
        raise CaseError("Only the final outcome of a case that imposes discipline is disclosed.")
    if not recipient.strip():
        raise CaseError("Name who receives the record.")
    if basis in NOTICE_BASES:
        if notice_sent_on is None:
            raise CaseError("Give the date written notice was sent to the employee.")
        if notice_sent_on > disclosed_on:
            raise CaseError(
                "The employee's notice must be sent on or before the day the record is "
                "disclosed (820 ILCS 40/7(2))."
            )
    disclosure = Disclosure.objects.create(
        case=case,
        recipient=recipient,
        basis=basis,
        notice_sent_on=notice_sent_on if basis in NOTICE_BASES else None,
        disclosed_on=disclosed_on,
        by=by,
    )
    text = (
        f"Your disciplinary record from this case ({case.outcome.label if case.outcome else ''}) "
        f"is disclosed to {recipient} on {disclosed_on:%B %-d, %Y}. "
        f"{Disclosure.Basis(basis).label}."
    )
    CaseEntry.objects.create(
        case=case, kind=E.NOTE, by=by, text=f"Disclosure notice: {text}", for_employee=True
    )
    email = case.subject.email if case.subject else ""
    if basis in NOTICE_BASES and email:
        queue_mails(
            district=case.district_id,
            mails=[
                Mail(
                    to=email,
                    subject="Notice: your disciplinary record is being disclosed",
                    body=text + " (Personnel Record Review Act, 820 ILCS 40/7.)",
                    ref_id=disclosure.pk,
                )
            ],
            kind="cases.disclosure_notice",
            ref_type="cases.disclosure",
            by=by,
        )
    _event(case, by, Action.CASE_DISCLOSED, disclosure=disclosure.pk, basis=basis)
    return disclosure


@transaction.atomic
def record_personnel_file_view(*, district: District, person: Person, by: User) -> None:
    record_event(
        district=district,
        actor=by,
        action=Action.PERSONNEL_FILE_VIEWED,
        target=person,
        after={"person": person.pk},
    )


# --- retention and legal hold ------------------------------------------------------------------


@transaction.atomic
def set_legal_hold(*, case: Case, by: User, hold: bool, reason: str) -> Case:
    """A legal hold keeps a case (and its evidence) past its retention period until lifted."""
    if not reason.strip():
        raise CaseError("Give the reason for the legal hold (or for lifting it).")
    case.legal_hold = hold
    case.save(update_fields=["legal_hold"])
    CaseEntry.objects.create(
        case=case, kind=E.HOLD, by=by, text=("Placed" if hold else "Lifted") + f": {reason}"
    )
    _event(case, by, Action.CASE_LEGAL_HOLD_SET, hold=hold)
    return case


def purge_expired_cases(
    *, district: District, today: datetime.date | None = None, dry_run: bool = False
) -> int:
    """Delete closed cases past their retention date that no legal hold keeps, with their
    timeline and evidence files. One audit event per district names the case ids only."""
    today = today or timezone.localdate()
    expired = Case.objects.in_district(district).filter(
        status=S.CLOSED, retain_until__lt=today, legal_hold=False
    )
    ids = list(expired.values_list("pk", flat=True))
    if dry_run or not ids:
        return len(ids)
    files = list(Evidence.objects.filter(case_id__in=ids).values_list("file", flat=True))
    with transaction.atomic():
        Disclosure.objects.filter(case_id__in=ids).delete()
        Case.objects.filter(pk__in=ids, legal_hold=False).delete()
        record_event(district=district, actor=None, action=Action.CASE_PURGED, after={"cases": ids})

        def remove_files() -> None:
            from django.core.files.storage import default_storage

            for name in files:
                default_storage.delete(name)

        transaction.on_commit(remove_files)
    return len(ids)


@transaction.atomic
def record_review_export(*, district: District, by: User, rows: int) -> None:
    record_event(
        district=district, actor=by, action=Action.CASE_REVIEW_EXPORTED, after={"rows": rows}
    )


# --- due dates ------------------------------------------------------------------------------


@transaction.atomic
def send_case_reminders(
    *, district: District, by: User | None = None, today: datetime.date | None = None
) -> int:
    """E-mail the managers and the investigator of every open, unpaused case whose step is past
    its due date. One reminder per case and step (the outbox skips a message already queued for
    its case and step), so running it daily is safe. The mail names no one: it links the case."""
    today = today or timezone.localdate()
    mails: dict[str, list[Mail]] = {}
    overdue = Case.objects.in_district(district).overdue(today).prefetch_related("members__user")
    for case in overdue:
        users = {
            m.user
            for m in case.members.all()
            if m.part in {P.MANAGER, P.INVESTIGATOR, P.TITLE_IX} and m.user.email
        }
        path = reverse("cases:case", args=[case.pk])
        for user in users:
            mails.setdefault(case.status, []).append(
                Mail(
                    to=user.email,
                    subject=f"Case {case.pk}: a step is overdue",
                    body=(
                        f"Case {case.pk} is {case.get_status_display().lower()}; the step was "
                        f"due on {case.due_on:%B %-d, %Y}. Open it in Chalkline: {path}"
                    ),
                    ref_id=case.pk,
                )
            )
    queued = sum(
        queue_mails(
            district=district, mails=batch, kind="cases.reminder", ref_type=f"cases.{status}", by=by
        )
        for status, batch in mails.items()
    )
    record_event(
        district=district, actor=by, action=Action.CASE_REMINDERS_SENT, after={"queued": queued}
    )
    return queued


# --- the mandated-report log -----------------------------------------------------------------


@transaction.atomic
def log_mandated_report(
    *,
    district: District,
    by: User,
    reported_at: datetime.datetime,
    method: str,
    reference: str = "",
) -> MandatedReport:
    """ "I reported to DCFS". A record of the employee's own call or online report: it never
    gates, delays or replaces it."""
    if reported_at > timezone.now() + datetime.timedelta(minutes=5):
        raise CaseError("When you reported cannot be in the future.")
    if method not in MandatedReport.Method.values:
        raise CaseError("Say whether you reported by phone or online.")
    report = MandatedReport.objects.create(
        district=district, reporter=by, reported_at=reported_at, method=method, reference=reference
    )
    # The audit names the entry only: the reporter's identity stays with the log.
    record_event(
        district=district,
        actor=by,
        action=Action.MANDATED_REPORT_LOGGED,
        target=report,
        after={"method": method, "reference": bool(reference)},
    )
    return report


def record_disclosure_prompt(*, district: District, user: User) -> DisclosurePrompt:
    """The abuse prompt was shown to ``user`` (not audited: the draft itself is never kept)."""
    return DisclosurePrompt.objects.create(district=district, user=user)


def send_dcfs_log_reminders(*, now: datetime.datetime | None = None) -> int:
    """24 hours after an abuse prompt, ask the employee whether they reported and, if so, to log
    it: one reminder per prompt with no log entry since, claimed with a conditional UPDATE (safe
    to run from cron beside another copy). A reminder only."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=24)
    due = DisclosurePrompt.objects.filter(reminded_at__isnull=True, shown_at__lte=cutoff)
    sent = 0
    for prompt in due.select_related("user")[:5000]:
        with transaction.atomic():
            claimed = DisclosurePrompt.objects.filter(
                pk=prompt.pk, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            logged = MandatedReport.objects.filter(
                district_id=prompt.district_id,
                reporter_id=prompt.user_id,
                recorded_at__gte=prompt.shown_at,
            ).exists()
            if logged or not prompt.user.email:
                continue
            sent += queue_mails(
                district=prompt.district_id,
                mails=[
                    Mail(
                        to=prompt.user.email,
                        subject="Did you report to DCFS?",
                        body=(
                            "Yesterday a draft you checked in Chalkline may have described abuse "
                            "or neglect of a child. If you have reasonable cause to suspect it, "
                            "the report to the DCFS hotline, 1-800-25-ABUSE (1-800-252-2873), is "
                            "your own duty, at once; no one may require you to tell the District "
                            "first. If you already reported, you can log it under Cases, "
                            '"I reported to DCFS". This is a reminder only.'
                        ),
                        ref_id=prompt.pk,
                    )
                ],
                kind="cases.dcfs_log_reminder",
                ref_type="cases.disclosure_prompt",
                by=None,
            )
    return sent
