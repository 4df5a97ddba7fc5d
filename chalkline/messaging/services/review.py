"""Quiet hours and the review queue: one function per business event, each audited in its
transaction (issue 18, points 6, 8 and 11).

Quiet hours
    The district sets a window in its time zone (e.g. 21:00-07:00); a building may narrow it,
    never widen it. A message from staff that reaches a student, written inside the window of
    its thread's building, is stored and archived at once but its deliveries are HELD until the
    window ends (``Recipient.held_until``); ``release-held-messages`` delivers them. A sender
    whose role may mark messages urgent (MARK_URGENT) gives a reason instead: the message is
    delivered at once and the mark (``UrgentMark``) is audited.

The review queue
    An overridden finding (confirm with a reason) and a recipient's "report this message" go to
    the principal of the thread's building (or the sender's), then to the designee when still
    open after the district's number of school days (two by default; Saturdays, Sundays and the
    district's non-school dates do not count). A message sent by someone who reviews that
    building goes straight to the designee. An abuse-disclosure prompt goes only to the
    designee, after the fact, and is flagged ``excluded_from_records``.
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.batches import iter_chunks
from chalkline.messaging.models import (
    AudienceKind,
    BuildingQuietHours,
    Message,
    Recipient,
    ReviewItem,
    ReviewSettings,
    StaffGroup,
    Thread,
    UrgentMark,
)
from chalkline.messaging.services.email_delivery import queue_message_emails
from chalkline.people import access as people_access
from chalkline.people.models import Affiliation, Building, District, Person, SchoolClass, User
from chalkline.people.roles import Capability

ABUSE = "abuse_disclosure"
MAX_REASON = 500
#: rows claimed per transaction by the periodic commands
CLAIM_CHUNK = 200


class ReviewError(ValueError):
    """A quiet-hours or review step the hub refuses (the message names the field)."""


# --- settings --------------------------------------------------------------------------------


def review_settings_of(district: District) -> ReviewSettings:
    found = ReviewSettings.objects.filter(district=district).first()
    return found or ReviewSettings(district=district)


def _zone(current: ReviewSettings) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(current.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


Window = tuple[datetime.time, datetime.time]


def _minutes(window: Window) -> set[int]:
    """The minutes of the day inside ``window`` (which may run past midnight)."""
    start = window[0].hour * 60 + window[0].minute
    end = window[1].hour * 60 + window[1].minute
    if start == end:
        return set()
    if start < end:
        return set(range(start, end))
    return set(range(start, 1440)) | set(range(0, end))


def within(inner: Window, outer: Window) -> bool:
    return _minutes(inner) <= _minutes(outer)


def quiet_window(district: District, building_id: int | None) -> Window | None:
    """The window that applies in a building: its own when it narrows the district's, else the
    district's; None when the district has no quiet hours."""
    current = review_settings_of(district)
    if current.quiet_start is None or current.quiet_end is None:
        return None
    district_window = (current.quiet_start, current.quiet_end)
    if building_id is not None:
        own = BuildingQuietHours.objects.filter(building_id=building_id).first()
        if own is not None:
            narrowed = (own.quiet_start, own.quiet_end)
            if within(narrowed, district_window):
                return narrowed
    return district_window


def window_end(
    window: Window, at: datetime.datetime, zone: datetime.tzinfo
) -> datetime.datetime | None:
    """When the window that ``at`` falls in ends (aware), or None when ``at`` is outside it."""
    local = at.astimezone(zone)
    minute = local.hour * 60 + local.minute
    if minute not in _minutes(window):
        return None
    start, end = window
    day = local.date()
    if start > end and minute >= start.hour * 60 + start.minute:
        day += datetime.timedelta(days=1)
    naive = datetime.datetime.combine(day, end)
    return naive.replace(tzinfo=zone)


def held_until_for(
    *, district: District, building_id: int | None, at: datetime.datetime
) -> datetime.datetime | None:
    window = quiet_window(district, building_id)
    if window is None:
        return None
    return window_end(window, at, _zone(review_settings_of(district)))


@transaction.atomic
def update_quiet_hours(
    *,
    district: District,
    by: User,
    quiet_start: datetime.time | None,
    quiet_end: datetime.time | None,
    time_zone: str,
    escalate_after_school_days: int,
    non_school_days: list[datetime.date],
) -> ReviewSettings:
    """The district's quiet hours and review-queue settings, all at once."""
    if (quiet_start is None) != (quiet_end is None):
        raise ReviewError("Quiet hours: give both the start and the end, or neither.")
    if quiet_start is not None and quiet_start == quiet_end:
        raise ReviewError("Quiet hours: the start and the end must differ.")
    try:
        zoneinfo.ZoneInfo(time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ReviewError(f"Time zone: {time_zone!r} is not a time zone name.") from exc
    if not 1 <= escalate_after_school_days <= 20:
        raise ReviewError("School days before the designee: from 1 to 20.")
    current, _ = ReviewSettings.objects.select_for_update().get_or_create(district=district)
    before = _settings_data(current)
    current.quiet_start = quiet_start
    current.quiet_end = quiet_end
    current.time_zone = time_zone
    current.escalate_after_school_days = escalate_after_school_days
    current.non_school_days = sorted({d.isoformat() for d in non_school_days})
    current.save(
        update_fields=[
            "quiet_start",
            "quiet_end",
            "time_zone",
            "escalate_after_school_days",
            "non_school_days",
        ]
    )
    record_event(
        district=district,
        actor=by,
        action=Action.QUIET_HOURS_CHANGED,
        target=current,
        before=before,
        after=_settings_data(current),
    )
    return current


def _settings_data(current: ReviewSettings) -> dict[str, Any]:
    return {
        "quiet_start": current.quiet_start.isoformat() if current.quiet_start else None,
        "quiet_end": current.quiet_end.isoformat() if current.quiet_end else None,
        "time_zone": current.time_zone,
        "escalate_after_school_days": current.escalate_after_school_days,
        "non_school_days": len(current.non_school_days or []),
    }


@transaction.atomic
def set_building_quiet_hours(
    *,
    building: Building,
    by: User,
    quiet_start: datetime.time | None,
    quiet_end: datetime.time | None,
) -> BuildingQuietHours | None:
    """A building's narrower window; both None goes back to the district's."""
    district = building.district
    existing = BuildingQuietHours.objects.select_for_update().filter(building=building).first()
    before = (
        {"start": existing.quiet_start.isoformat(), "end": existing.quiet_end.isoformat()}
        if existing
        else None
    )
    if quiet_start is None and quiet_end is None:
        if existing is not None:
            existing.delete()
        record_event(
            district=district,
            actor=by,
            action=Action.QUIET_HOURS_CHANGED,
            target=building,
            before=before,
            after=None,
        )
        return None
    if quiet_start is None or quiet_end is None:
        raise ReviewError("Quiet hours: give both the start and the end, or neither.")
    current = review_settings_of(district)
    if current.quiet_start is None or current.quiet_end is None:
        raise ReviewError("Quiet hours: the district has none; a building can only narrow them.")
    if quiet_start == quiet_end or not within(
        (quiet_start, quiet_end), (current.quiet_start, current.quiet_end)
    ):
        raise ReviewError(
            "Quiet hours: a building can only narrow the district's window "
            f"({current.quiet_start:%H:%M}-{current.quiet_end:%H:%M}), never widen it."
        )
    row, _ = BuildingQuietHours.objects.update_or_create(
        building=building, defaults={"quiet_start": quiet_start, "quiet_end": quiet_end}
    )
    record_event(
        district=district,
        actor=by,
        action=Action.QUIET_HOURS_CHANGED,
        target=building,
        before=before,
        after={"start": quiet_start.isoformat(), "end": quiet_end.isoformat()},
    )
    return row


# --- which building a message belongs to -----------------------------------------------------


def _primary_building(person_id: int | None) -> int | None:
    if not person_id:
        return None
    row = (
        Affiliation.objects.filter(person_id=person_id, active=True)
        .order_by("-is_primary", "pk")
        .values_list("building_id", flat=True)
        .first()
    )
    return row


def building_of(thread: Thread, sender: User) -> int | None:
    """The building a thread belongs to: its class's or building's, its student's school, else
    its parent thread's, else the sender's own building."""
    key = int(thread.audience_key) if thread.audience_key.isdigit() else 0
    kind = thread.audience_kind
    if kind in (AudienceKind.CLASS_FAMILIES, AudienceKind.CLASS_STUDENTS):
        found = SchoolClass.objects.filter(pk=key).values_list("building_id", flat=True).first()
        if found:
            return int(found)
    elif kind in (AudienceKind.BUILDING_FAMILIES, AudienceKind.BUILDING_STAFF):
        return key or None
    elif kind == AudienceKind.STAFF_GROUP:
        group = StaffGroup.objects.filter(pk=key).values_list("building_id", flat=True).first()
        if group:
            return int(group)
    elif kind == AudienceKind.FAMILY:
        found = _primary_building(key)
        if found:
            return found
    if thread.parent_id is not None and thread.parent is not None:
        return building_of(thread.parent, sender)
    return _primary_building(sender.person_id)


# --- quiet hours at send time ----------------------------------------------------------------


def may_mark_urgent(user: User, district: District) -> bool:
    return people_access.grants_for(user, district).can_anywhere(Capability.MARK_URGENT)


def check_urgent(*, district: District, by: User, urgent_reason: str) -> str:
    reason = urgent_reason.strip()
    if len(reason) > MAX_REASON:
        raise ReviewError(f"Urgent: the reason is at most {MAX_REASON} characters.")
    if reason and not may_mark_urgent(by, district):
        raise ReviewError("Urgent: your role may not mark messages urgent.")
    return reason


def _reaches_a_student(message: Message) -> bool:
    return Recipient.objects.filter(
        message=message, person__kind=Person.Kind.STUDENT, copy_of_student__isnull=True
    ).exists()


def apply_quiet_hours(
    *,
    message: Message,
    thread: Thread,
    by: User,
    urgent_reason: str,
    reaches_student: bool | None = None,
) -> datetime.datetime | None:
    """After the deliveries are written: mark the message urgent, or hold its deliveries when
    it goes from staff to a student inside the quiet window. Returns the hold's end.
    ``reaches_student``: whether a delivery just written goes to a student themself (not a
    guardian's copy), when the caller knows it; read from the deliveries otherwise. A message
    that reaches no student is never held, and its building and window are not looked up."""
    district = thread.district
    if urgent_reason:
        mark = UrgentMark.objects.create(message=message, by=by, reason=urgent_reason)
        record_event(
            district=district,
            actor=by,
            action=Action.MESSAGE_MARKED_URGENT,
            target=message,
            after={"thread": thread.pk, "urgent_mark": mark.pk},
        )
        return None
    if not people_access.grants_for(by, district).is_staff_member:
        return None
    if reaches_student is False:
        return None
    until = held_until_for(
        district=district, building_id=building_of(thread, by), at=message.sent_at
    )
    if until is None or (reaches_student is None and not _reaches_a_student(message)):
        return None
    count = Recipient.objects.filter(message=message).update(
        status=Recipient.Status.HELD, held_until=until
    )
    record_event(
        district=district,
        actor=by,
        action=Action.MESSAGE_HELD,
        target=message,
        after={"thread": thread.pk, "recipients": count, "held_until": until.isoformat()},
    )
    return until


def release_held_messages(*, now: datetime.datetime | None = None) -> int:
    """Deliver every held delivery whose window has ended. Each message is claimed by one
    conditional UPDATE (status still HELD), so two runs at once deliver and audit it once.
    Returns the number of messages released."""
    now = now or timezone.now()
    due = (
        Recipient.objects.filter(status=Recipient.Status.HELD, held_until__lte=now)
        .values_list("message_id", flat=True)
        .distinct()
        .order_by("message_id")
    )
    released = 0
    # one transaction per chunk (not per message): a second run blocks on the rows the first
    # holds, then finds them no longer HELD and skips them
    for chunk in iter_chunks(list(due), CLAIM_CHUNK):
        with transaction.atomic():
            messages = Message.objects.select_related("thread").in_bulk(chunk)
            for message_id in chunk:
                count = Recipient.objects.filter(
                    message_id=message_id, status=Recipient.Status.HELD, held_until__lte=now
                ).update(
                    status=Case(
                        When(user__isnull=False, then=Value(Recipient.Status.SENT)),
                        default=Value(Recipient.Status.QUEUED),
                    )
                )
                if not count:
                    continue
                # e-mail readers get it now, like any delivery (services/email_delivery.py)
                queue_message_emails(message=messages[message_id], now=now, journal=False)
                record_event(
                    district=messages[message_id].thread.district_id,
                    actor=None,
                    action=Action.MESSAGE_RELEASED,
                    target=("messaging.message", message_id),
                    after={"recipients": count},
                )
                released += 1
    return released


# --- the review queue ------------------------------------------------------------------------


def school_days_later(
    current: ReviewSettings, start: datetime.datetime, days: int
) -> datetime.datetime:
    """The local midnight that ends the ``days``-th school day after ``start``'s day."""
    zone = _zone(current)
    day = start.astimezone(zone).date()
    closed = current.non_school_dates()
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            counted += 1
    return datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time(0, 0)).replace(
        tzinfo=zone
    )


def _reviews_own_building(user: User, district: District, building_id: int | None) -> bool:
    grants = people_access.grants_for(user, district)
    if grants.can(Capability.REVIEW_MESSAGES):
        return True
    return building_id is not None and grants.can(Capability.REVIEW_MESSAGES, building_id)


def _open_item(
    *,
    message: Message,
    kind: str,
    reported_by: User | None = None,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> ReviewItem:
    thread = message.thread
    district = thread.district
    now = now or timezone.now()
    building_id = building_of(thread, message.sender)
    to_designee = (
        kind == ReviewItem.Kind.ABUSE
        or building_id is None
        or _reviews_own_building(message.sender, district, building_id)
    )
    settings_ = review_settings_of(district)
    item = ReviewItem.objects.create(
        district=district,
        message=message,
        kind=kind,
        building_id=building_id,
        level=ReviewItem.Level.DESIGNEE if to_designee else ReviewItem.Level.PRINCIPAL,
        reported_by=reported_by,
        reason=reason,
        excluded_from_records=kind == ReviewItem.Kind.ABUSE,
        opened_at=now,
        escalate_at=None
        if to_designee
        else school_days_later(settings_, now, settings_.escalate_after_school_days),
    )
    record_event(
        district=district,
        actor=reported_by,
        action=Action.REVIEW_ITEM_OPENED,
        target=item,
        after={"message": message.pk, "kind": kind, "level": item.level},
    )
    return item


def queue_after_send(*, message: Message, findings: dict[str, Any], override_reason: str) -> None:
    """Called in the send's transaction: an override goes to the review queue; an
    abuse-disclosure prompt goes to the designee, after the fact (it never held the send)."""
    if override_reason:
        _open_item(message=message, kind=ReviewItem.Kind.OVERRIDE, reason=override_reason)
    if ABUSE in findings.get("detectors", ()):
        _open_item(message=message, kind=ReviewItem.Kind.ABUSE)


@transaction.atomic
def report_message(
    *, message: Message, by: User, reason: str, now: datetime.datetime | None = None
) -> ReviewItem:
    """A recipient reports a message they received. Once per recipient and message: a second
    report (a double submit) returns the first."""
    reason = reason.strip()
    if not reason:
        raise ReviewError("Reason: say what is wrong with this message.")
    if len(reason) > MAX_REASON:
        raise ReviewError(f"Reason: at most {MAX_REASON} characters (this one has {len(reason)}).")
    if message.sender_id == by.pk:
        raise ReviewError("You cannot report your own message.")
    existing = ReviewItem.objects.filter(
        message=message, kind=ReviewItem.Kind.REPORT, reported_by=by
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            item = _open_item(
                message=message, kind=ReviewItem.Kind.REPORT, reported_by=by, reason=reason, now=now
            )
    except IntegrityError:
        return ReviewItem.objects.get(message=message, kind=ReviewItem.Kind.REPORT, reported_by=by)
    record_event(
        district=item.district_id,
        actor=by,
        action=Action.MESSAGE_REPORTED,
        target=message,
        after={"review_item": item.pk},
    )
    return item


@transaction.atomic
def record_review_outcome(
    *,
    item: ReviewItem,
    by: User,
    outcome: str,
    note: str = "",
    case_id: int | None = None,
    now: datetime.datetime | None = None,
) -> ReviewItem:
    """The reviewer's outcome: no action, a coaching note (its text required) or a referral
    (only through the referral workflow, which passes the case it opened). Claimed by a
    conditional UPDATE: a second outcome for the same item is refused."""
    note = note.strip()
    if outcome not in ReviewItem.Outcome.values:
        raise ReviewError(f"Outcome: choose one of {', '.join(ReviewItem.Outcome.values)}.")
    if outcome == ReviewItem.Outcome.COACHING and not note:
        raise ReviewError("Coaching note: write the note for the employee's coaching.")
    if outcome == ReviewItem.Outcome.REFERRAL and case_id is None:
        raise ReviewError("Referral: a referral opens a case; cases are not available here.")
    if len(note) > 5000:
        raise ReviewError("Note: at most 5,000 characters.")
    now = now or timezone.now()
    claimed = ReviewItem.objects.filter(pk=item.pk, status=ReviewItem.Status.OPEN).update(
        status=ReviewItem.Status.RESOLVED,
        outcome=outcome,
        outcome_note=note,
        resolved_by=by,
        resolved_at=now,
        case_id=case_id,
    )
    if not claimed:
        raise ReviewError("This message was already reviewed.")
    item.refresh_from_db()
    record_event(
        district=item.district_id,
        actor=by,
        action=Action.REVIEW_OUTCOME_RECORDED,
        target=item,
        after={"message": item.message_id, "outcome": outcome, "case": case_id},
    )
    return item


def escalate_review_queue(*, now: datetime.datetime | None = None) -> int:
    """Every principal-level item still open past its school-day deadline goes to the
    designee. Each item is claimed by a conditional UPDATE, so a second run (or two at once)
    escalates and audits it once."""
    now = now or timezone.now()
    due = ReviewItem.objects.filter(
        status=ReviewItem.Status.OPEN, level=ReviewItem.Level.PRINCIPAL, escalate_at__lte=now
    ).values_list("pk", "district_id")
    moved = 0
    for chunk in iter_chunks(list(due), CLAIM_CHUNK):
        with transaction.atomic():
            for pk, district_id in chunk:
                claimed = ReviewItem.objects.filter(
                    pk=pk, status=ReviewItem.Status.OPEN, level=ReviewItem.Level.PRINCIPAL
                ).update(level=ReviewItem.Level.DESIGNEE, escalated_at=now)
                if not claimed:
                    continue
                record_event(
                    district=district_id,
                    actor=None,
                    action=Action.REVIEW_ITEM_ESCALATED,
                    target=("messaging.reviewitem", pk),
                    after={"level": ReviewItem.Level.DESIGNEE},
                )
                moved += 1
    return moved
