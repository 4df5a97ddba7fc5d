"""Office hours: staff set them; a family's message outside them gets ONE automatic reply in
the thread saying when to expect an answer (not again from the same staff member in the same
thread within ``QUIET``; never to an automatic message: ``mail-in`` drops e-mailed auto-replies
before they become messages, and an automatic reply is written by staff, which starts
nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.messaging.models import Message, OfficeHours, Recipient
from chalkline.messaging.office_hours import DAYS, Hours, format_day, is_open, next_opening
from chalkline.people.models import District, Person, User

QUIET = timedelta(hours=12)
AUTOMATIC = "office_hours"
FAMILY_KINDS = (Person.Kind.GUARDIAN, Person.Kind.STUDENT)


@transaction.atomic
def set_office_hours(*, user: User, district: District, hours: Hours, by: User) -> OfficeHours:
    """The user's weekly hours (already parsed: ``office_hours.parse_day``); all days at once."""
    clean = {str(d): r for d, r in sorted(hours.items()) if r and str(d) in map(str, range(7))}
    current, _ = OfficeHours.objects.select_for_update().get_or_create(
        user=user, defaults={"district": district}
    )
    before = current.hours
    current.hours = clean
    current.district = district
    current.save(update_fields=["hours", "district", "updated_at"])
    record_event(
        district=district,
        actor=by,
        action=Action.OFFICE_HOURS_SET,
        target=current,
        before={"hours": before},
        after={"hours": clean},
    )
    return current


def describe(hours: Hours) -> str:
    return "; ".join(f"{DAYS[int(d)]} {format_day(r)}" for d, r in sorted(hours.items()) if r)


def answer_outside_hours(*, message: Message, now: datetime | None = None) -> list[Message]:
    """After a family's message: the automatic replies of the staff it reached who are outside
    their office hours (at most one per staff member and thread in ``QUIET``)."""
    from chalkline.messaging.services.sending import reply_in_thread

    sender = message.sender
    if sender.person is None or sender.person.kind not in FAMILY_KINDS:
        return []
    if message.findings.get("automatic"):
        return []
    now = now or timezone.now()
    staff_ids = Recipient.objects.filter(message=message, user__isnull=False).values("user_id")
    replies = []
    for row in OfficeHours.objects.filter(user_id__in=staff_ids).select_related("user__person"):
        local = timezone.localtime(now)
        if not row.hours or is_open(row.hours, local):
            continue
        recent = Message.objects.filter(
            thread_id=message.thread_id,
            sender_id=row.user_id,
            findings__automatic=AUTOMATIC,
            sent_at__gte=now - QUIET,
        )
        if recent.exists():
            continue
        opening = next_opening(row.hours, local)
        name = row.user.person.display_name if row.user.person else row.user.get_username()
        when = f"{opening:%A %B %-d at %H:%M}" if opening else "when they are next in"
        body = (
            f"Automatic reply: {name} is outside their office hours ({describe(row.hours)}). "
            f"Your message has arrived; expect an answer from {when}. "
            "If a child is in danger, call 911; to report suspected abuse or neglect, call the "
            "DCFS hotline, 1-800-25-ABUSE."
        )
        replies.append(
            reply_in_thread(
                thread=message.thread,
                by=row.user,
                body=body,
                idempotency_key=f"office-hours-{message.pk}-{row.user_id}",
                findings={"automatic": AUTOMATIC},
            )
        )
    return replies
