"""Write paths of the messaging hub: one function per business event, each audited in its
transaction. Screening happens before these are called (views), which hand over what it found."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.messaging.models import (
    DEFAULT_RULES,
    MAX_MESSAGE_CHARS,
    AudienceKind,
    BlockedAttempt,
    Message,
    MessagingSettings,
    Recipient,
    Retraction,
    ScreeningRule,
    Thread,
)
from chalkline.messaging.selectors import (
    Addressee,
    audience_addressees,
    mine,
    reply_addressees,
    reply_target,
    settings_of,
)
from chalkline.messaging.services.attachments import PendingFile, attach_files
from chalkline.messaging.services.office_hours import answer_outside_hours
from chalkline.messaging.services.review import (
    ReviewError,
    apply_quiet_hours,
    check_urgent,
    queue_after_send,
)
from chalkline.messaging.tasks import enqueue_message_emails
from chalkline.people.models import District, Person, User


class MessagingError(ValueError):
    """A write the hub refuses (the message names the field)."""


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _existing(by: User, idempotency_key: str) -> Message | None:
    return Message.objects.filter(sender=by, idempotency_key=idempotency_key).first()


def _deliver(message: Message, addressees: list[Addressee]) -> int:
    rows = [
        Recipient(
            message=message,
            person=a.person,
            user_id=a.user_id,
            copy_of_student=a.copy_of_student,
            # in the in-app inbox at once when the person has an account; queued otherwise
            # (invitations and email delivery come later)
            status=Recipient.Status.SENT if a.user_id else Recipient.Status.QUEUED,
        )
        for a in addressees
    ]
    Recipient.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _write(
    *,
    thread: Thread | None,
    by: User,
    body: str,
    idempotency_key: str,
    findings: dict[str, Any],
    override_reason: str,
    addressees: list[Addressee],
    new_thread: dict[str, Any] | None = None,
    urgent_reason: str = "",
    attachments: Sequence[PendingFile] = (),
) -> Message:
    """Store the message (and its new thread, in the same savepoint: a send that loses a race
    with its own double leaves no empty thread behind), deliver it, audit it."""
    try:
        with transaction.atomic():
            if thread is None:
                thread = Thread.objects.create(**(new_thread or {}))
            message = Message.objects.create(
                thread=thread,
                sender=by,
                body=body,
                sha256=body_digest(body),
                idempotency_key=idempotency_key,
                findings=findings,
                override_reason=override_reason,
            )
            stored = attach_files(message=message, files=attachments)
    except IntegrityError:
        # the same send, submitted twice at once: the first one won
        existing = _existing(by, idempotency_key)
        if existing is None:
            raise
        return existing
    if "abuse_disclosure" in findings.get("detectors", ()) and _is_student(by):
        # A student who may be disclosing abuse or neglect: the message goes to staff, never to
        # the guardians copied on the conversation (one of them may be the person it is about).
        addressees = [a for a in addressees if a.copy_of_student is None]
    count = _deliver(message, addressees)
    # quiet hours and the review queue (services/review.py): hold or mark urgent; queue an
    # override or an abuse-disclosure prompt for review, after the fact
    held_until = apply_quiet_hours(
        message=message,
        thread=thread,
        by=by,
        urgent_reason=urgent_reason,
        reaches_student=any(
            a.person is not None
            and a.person.kind == Person.Kind.STUDENT
            and a.copy_of_student is None
            for a in addressees
        ),
    )
    queue_after_send(message=message, findings=findings, override_reason=override_reason)
    # e-mail for those who read by e-mail (and the journal copy): one task, stored in this
    # transaction, renders and queues them off the request (messaging/tasks.py)
    enqueue_message_emails(message.pk)
    Thread.objects.filter(pk=thread.pk).update(last_message_at=message.sent_at)
    record_event(
        district=thread.district_id,
        actor=by,
        action=Action.MESSAGE_SENT,
        target=message,
        after={
            "thread": thread.pk,
            "audience": thread.audience_kind,
            "audience_key": thread.audience_key,
            "recipients": count,
            "sha256": message.sha256,
            "detectors": findings.get("detectors", []),
            "overridden": bool(override_reason),
            "held_until": held_until.isoformat() if held_until else None,
            "urgent": bool(urgent_reason),
            **({"attachments": stored} if stored else {}),
        },
    )
    # a family's message outside its staff recipients' office hours: one automatic reply
    answer_outside_hours(message=message)
    return message


def _is_student(user: User) -> bool:
    return user.person is not None and user.person.kind == Person.Kind.STUDENT


def _urgent(district: District, by: User, urgent_reason: str) -> str:
    try:
        return check_urgent(district=district, by=by, urgent_reason=urgent_reason)
    except ReviewError as exc:
        raise MessagingError(str(exc)) from exc


def _check(body: str, idempotency_key: str) -> None:
    if not body.strip():
        raise MessagingError("Message: write something to send.")
    if len(body) > 10_000:
        raise MessagingError(f"Message: at most 10,000 characters (this one has {len(body):,}).")
    if not idempotency_key or len(idempotency_key) > 64:
        raise MessagingError("The form is out of date: reload the page and send again.")


@transaction.atomic
def start_thread(
    *,
    district: District,
    by: User,
    kind: str,
    key: str,
    audience_label: str,
    subject: str,
    body: str,
    idempotency_key: str,
    findings: dict[str, Any] | None = None,
    override_reason: str = "",
    urgent_reason: str = "",
    addressees: list[Addressee] | None = None,
    attachments: Sequence[PendingFile] = (),
) -> Message:
    """A new thread to an audience the caller already checked (``access.resolve_audience``),
    with its first message. Sent twice with the same key, it makes one message.
    ``addressees``: the audience's ``selectors.audience_addressees`` when the caller already
    resolved them in this request (the composer does, to screen); resolved here otherwise."""
    _check(body, idempotency_key)
    # A second send with the same key (a double click) is found by the unique key when its
    # message is written (``_write``), not by a query before every send.
    new_thread = {
        "district": district,
        "audience_kind": kind,
        "audience_key": key,
        "audience_label": audience_label,
        "subject": subject.strip() or "(no subject)",
        "started_by": by,
    }
    return _write(
        thread=None,
        new_thread=new_thread,
        by=by,
        body=body,
        idempotency_key=idempotency_key,
        findings=findings or {},
        override_reason=override_reason,
        urgent_reason=_urgent(district, by, urgent_reason),
        addressees=(
            addressees
            if addressees is not None
            else audience_addressees(district, kind, key, sender=by)
        ),
        attachments=attachments,
    )


@transaction.atomic
def reply_in_thread(
    *,
    thread: Thread,
    by: User,
    body: str,
    idempotency_key: str,
    findings: dict[str, Any] | None = None,
    override_reason: str = "",
    urgent_reason: str = "",
    attachments: Sequence[PendingFile] = (),
) -> Message:
    """A reply. To a class-wide or building-wide (or district) thread it goes privately to the
    thread's sender, in a direct thread of its own; its sender's reply there reaches the
    audience again only when written in the wide thread itself."""
    _check(body, idempotency_key)
    existing = _existing(by, idempotency_key)
    if existing is not None:
        return existing
    addressees = reply_addressees(thread, by)
    target, private = reply_target(thread, by)
    if private and target is None:
        starter = thread.started_by
        name = starter.person.display_name if starter.person else starter.get_username()
        try:
            with transaction.atomic():
                target = Thread.objects.create(
                    district_id=thread.district_id,
                    audience_kind=AudienceKind.DIRECT,
                    audience_key=str(starter.pk),
                    audience_label=name,
                    subject=f"Re: {thread.subject}"[:200],
                    started_by=by,
                    parent=thread,
                )
        except IntegrityError:
            target = Thread.objects.get(parent=thread, started_by=by)
    target = target or thread
    return _write(
        thread=target,
        by=by,
        body=body,
        idempotency_key=idempotency_key,
        findings=findings or {},
        override_reason=override_reason,
        urgent_reason=_urgent(thread.district, by, urgent_reason),
        addressees=addressees,
        attachments=attachments,
    )


@transaction.atomic
def record_blocked_attempt(
    *,
    district: District,
    by: User,
    kind: str,
    key: str,
    detectors: list[str],
    thread: Thread | None = None,
    body: str = "",
) -> BlockedAttempt:
    """A send screening blocked: who, when, which detectors, the audience; its text only when
    the district keeps blocked texts (never in the audit event)."""
    keep = settings_of(district).keep_blocked_text
    attempt = BlockedAttempt.objects.create(
        district=district,
        by=by,
        detectors=sorted(set(detectors)),
        audience_kind=kind,
        audience_key=key,
        thread=thread,
        body=body[:MAX_MESSAGE_CHARS] if keep else "",
    )
    record_event(
        district=district,
        actor=by,
        action=Action.MESSAGE_SEND_BLOCKED,
        target=attempt,
        after={
            "detectors": attempt.detectors,
            "audience": kind,
            "audience_key": key,
            "thread": thread.pk if thread else None,
            "text_kept": bool(attempt.body),
        },
    )
    return attempt


@transaction.atomic
def retract_message(*, message: Message, by: User, reason: str = "") -> Retraction:
    """Hide a sent message from its recipients; the archive keeps it. Only its sender, once."""
    if message.sender_id != by.pk:
        raise MessagingError("Only the sender can retract a message.")
    if Retraction.objects.filter(message=message).exists():
        raise MessagingError("This message is already retracted.")
    retraction = Retraction.objects.create(message=message, by=by, reason=reason.strip()[:500])
    record_event(
        district=message.thread.district_id,
        actor=by,
        action=Action.MESSAGE_RETRACTED,
        target=message,
        after={"thread": message.thread_id, "sha256": message.sha256},
    )
    return retraction


def mark_thread_read(*, thread: Thread, by: User) -> int:
    """The reader's deliveries in the thread become ``read`` (a delivery status, not a business
    event: not audited)."""
    return Recipient.objects.filter(
        mine(by),
        message__thread=thread,
        status__in=[Recipient.Status.QUEUED, Recipient.Status.SENT],
    ).update(status=Recipient.Status.READ, read_at=timezone.now())


@transaction.atomic
def set_screening_rule(*, district: District, detector: str, rule: str, by: User) -> None:
    """What a finding of ``detector`` does to a message in this district. abuse_disclosure is
    not configurable: it only ever prompts."""
    if detector not in DEFAULT_RULES:
        raise MessagingError(f"Detector: {detector!r} has no rule to choose.")
    if rule not in ScreeningRule.values:
        raise MessagingError(f"Rule: choose one of {', '.join(ScreeningRule.values)}.")
    current, _ = MessagingSettings.objects.select_for_update().get_or_create(district=district)
    before = current.rule_for(detector)
    current.rules = {**current.rules, detector: rule}
    current.save(update_fields=["rules"])
    record_event(
        district=district,
        actor=by,
        action=Action.MESSAGING_RULE_CHANGED,
        target=current,
        before={"detector": detector, "rule": before},
        after={"detector": detector, "rule": rule},
    )


@transaction.atomic
def update_messaging_settings(
    *,
    district: District,
    rules: dict[str, str],
    students_may_start: bool,
    guardians_through_grade: int | None,
    by: User,
    students_reachable_grades: tuple[int, int] | None = None,
    keep_blocked_text: bool | None = None,
) -> MessagingSettings:
    """The district's messaging settings, all at once (the settings page). Unknown detectors
    and rules are refused, abuse_disclosure among them: it only ever prompts."""
    for detector, rule in rules.items():
        if detector not in DEFAULT_RULES:
            raise MessagingError(f"Detector: {detector!r} has no rule to choose.")
        if rule not in ScreeningRule.values:
            raise MessagingError(
                f"Rule for {detector}: choose one of {', '.join(ScreeningRule.values)}."
            )
    if guardians_through_grade is not None and not 0 <= guardians_through_grade <= 12:
        raise MessagingError("Grade: from 0 (kindergarten) to 12, or empty for never.")
    if students_reachable_grades is not None:
        low, high = students_reachable_grades
        if not (0 <= low <= 12 and 0 <= high <= 12):
            raise MessagingError("Students reached directly: grades from 0 (kindergarten) to 12.")
        if low > high:
            raise MessagingError(
                f"Students reached directly: grade {low} is after grade {high}; "
                "the first grade comes first."
            )
    current, _ = MessagingSettings.objects.select_for_update().get_or_create(district=district)
    before = _settings_data(current)
    current.rules = dict(sorted(rules.items()))
    current.students_may_start = students_may_start
    current.guardians_see_student_threads_through_grade = guardians_through_grade
    fields = ["rules", "students_may_start", "guardians_see_student_threads_through_grade"]
    if students_reachable_grades is not None:
        current.students_reachable_from_grade, current.students_reachable_through_grade = (
            students_reachable_grades
        )
        fields += ["students_reachable_from_grade", "students_reachable_through_grade"]
    if keep_blocked_text is not None:
        current.keep_blocked_text = keep_blocked_text
        fields.append("keep_blocked_text")
    current.save(update_fields=fields)
    record_event(
        district=district,
        actor=by,
        action=Action.MESSAGING_SETTINGS_CHANGED,
        target=current,
        before=before,
        after=_settings_data(current),
    )
    return current


def _settings_data(current: MessagingSettings) -> dict[str, Any]:
    return {
        "rules": {d: current.rule_for(d) for d in DEFAULT_RULES},
        "students_may_start": current.students_may_start,
        "guardians_through_grade": current.guardians_see_student_threads_through_grade,
        "students_reachable_grades": [
            current.students_reachable_from_grade,
            current.students_reachable_through_grade,
        ],
        "keep_blocked_text": current.keep_blocked_text,
    }
