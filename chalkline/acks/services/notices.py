"""Reminders and escalations.

Idempotency: every reminder is a ``Notification`` with a unique ``dedupe_key`` (step +
assignment), inserted with ON CONFLICT DO NOTHING, so two workers running the same ladder make each
reminder once. Its e-mail goes through the outbox (``services/mail.py``), which sends each once and
holds it until quiet hours end.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chalkline.acks.models import (
    OPEN_STATUSES,
    AckSettings,
    Assignment,
    Campaign,
    Distribution,
    Notification,
)
from chalkline.acks.services.campaigns import CampaignError, staff_notifications
from chalkline.acks.services.mail import ack_settings_for, save_notifications
from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.batches import in_list_chunks
from chalkline.people.models import Building, District, Membership, User
from chalkline.people.roles import Role

logger = logging.getLogger(__name__)


def ladder_step(campaign: Campaign, due_on: date, today: date) -> str | None:
    """The most recent reminder step due on ``today`` for an assignment due on ``due_on``:
    ``due-7``, ``due-1``, ``due-0`` (on the due date), then ``overdue-7``, ``overdue-14``... weekly.
    Earlier missed steps are not sent late; only the latest one is."""
    days_left = (due_on - today).days
    if days_left < 0:
        if not campaign.weekly_after_due:
            return None
        late = -days_left
        if late < 7:
            return None
        return f"overdue-{late // 7 * 7}"
    steps = [d for d in campaign.reminder_days_before if d >= days_left]
    if not steps:
        return None
    return f"due-{min(steps)}"


def escalation_steps(campaign: Campaign, due_on: date, today: date) -> list[str]:
    late = (today - due_on).days
    steps: list[str] = []
    if late >= 1:
        steps.append("escalate-principal")
    if late >= campaign.escalate_superintendent_after_days:
        steps.append("escalate-superintendent")
    return steps


@dataclass(frozen=True)
class LadderResult:
    reminders: int
    escalations: int


def _district_leads(district_id: int, role: str, building_id: int | None) -> list[User]:
    qs = Membership.objects.filter(district_id=district_id, role=role, active=True)
    qs = qs.filter(building_id=building_id) if building_id else qs.filter(building__isnull=True)
    return [m.user for m in qs.select_related("user", "user__person")]


def _escalations(campaign: Campaign, today: date, now: datetime) -> list[Notification]:
    notes: list[Notification] = []
    overdue = (
        Assignment.objects.filter(campaign=campaign, status__in=OPEN_STATUSES, due_on__lt=today)
        .order_by()
        .values_list("building_id", "due_on")
    )
    counts: dict[tuple[int | None, str], int] = {}
    for building_id, due_on in overdue:
        for step in escalation_steps(campaign, due_on, today):
            key: tuple[int | None, str] = (
                building_id if step == "escalate-principal" else None,
                step,
            )
            counts[key] = counts.get(key, 0) + 1
    from django.urls import reverse

    for (where_id, step), n in counts.items():
        if step == "escalate-principal":
            recipients = _district_leads(campaign.district_id, Role.PRINCIPAL, where_id)
            building = Building.objects.filter(pk=where_id or 0).first()
            where = building.name if building else "your building"
            link = reverse("acks:building", args=[campaign.pk, where_id]) if where_id else ""
        else:
            recipients = _district_leads(campaign.district_id, Role.SUPERINTENDENT, None)
            where = "the district"
            link = reverse("acks:campaign", args=[campaign.pk])
        for user in recipients:
            email = user.email or (user.person.email if user.person else "")
            notes.append(
                Notification(
                    district_id=campaign.district_id,
                    user=user,
                    person_id=user.person_id,
                    campaign=campaign,
                    kind=Notification.Kind.ESCALATION,
                    step=step,
                    dedupe_key=f"{step}:{campaign.pk}:{where_id or 0}:{user.pk}",
                    subject=f"Overdue acknowledgments: {campaign.title}",
                    body=(
                        f"{n} staff in {where} have not acknowledged {campaign.title}, "
                        f"which was due. Open the campaign page to remind them or record "
                        "paper acknowledgments."
                    ),
                    link=link,
                    email_to=email,
                    created_at=now,
                )
            )
    return notes


@transaction.atomic
def run_reminder_ladder(
    *, now: datetime | None = None, district: District | None = None, dry_run: bool = False
) -> LadderResult:
    """Queue every reminder and escalation due now, once. Safe to run from several workers."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    campaigns = Campaign.objects.filter(status=Campaign.Status.LAUNCHED)
    if district is not None:
        campaigns = campaigns.filter(district=district)
    reminders = escalations = 0
    for campaign in campaigns:
        distributed = list(campaign.distributions.values_list("building_id", flat=True))
        open_rows = Assignment.objects.filter(
            campaign=campaign, status__in=OPEN_STATUSES, building_id__in=distributed
        )
        due_dates = open_rows.order_by().values_list("due_on", flat=True).distinct()
        notes: list[Notification] = []
        for due_on in due_dates:
            step = ladder_step(campaign, due_on, today)
            if step is None:
                continue
            rows = (
                open_rows.filter(due_on=due_on)
                .order_by()
                .values_list("pk", "person_id", "person__email")
            )
            overdue = step.startswith("overdue")
            notes.extend(
                staff_notifications(
                    rows,
                    campaign=campaign,
                    kind=Notification.Kind.REMINDER,
                    step=step,
                    subject=(
                        f"Overdue: please acknowledge {campaign.title}"
                        if overdue
                        else f"Reminder: please acknowledge {campaign.title}"
                    ),
                    body=(
                        f"Your acknowledgment of {campaign.title} was due on "
                        f"{due_on:%B %-d, %Y}. Please read and sign it, or ask your principal "
                        "for a paper copy."
                        if overdue
                        else f"Please read and sign {campaign.title} by {due_on:%B %-d, %Y}."
                    ),
                    now=now,
                )
            )
        escalation_notes = _escalations(campaign, today, now)
        if dry_run:
            keys = [n.dedupe_key for n in notes + escalation_notes]
            have = {
                key
                for part in in_list_chunks(keys)
                for key in Notification.objects.filter(dedupe_key__in=part).values_list(
                    "dedupe_key", flat=True
                )
            }
            reminders += sum(1 for n in notes if n.dedupe_key not in have)
            escalations += sum(1 for n in escalation_notes if n.dedupe_key not in have)
            continue
        added_r = save_notifications(notes, district_id=campaign.district_id, by=None, now=now)
        added_e = save_notifications(
            escalation_notes, district_id=campaign.district_id, by=None, now=now
        )
        if added_r or added_e:
            record_event(
                district=campaign.district_id,
                actor=None,
                action=Action.ACK_REMINDERS_QUEUED,
                target=campaign,
                after={"reminders": added_r, "escalations": added_e, "day": today.isoformat()},
            )
        reminders += added_r
        escalations += added_e
    return LadderResult(reminders=reminders, escalations=escalations)


@transaction.atomic
def send_bulk_reminder(
    *, campaign: Campaign, building: Building, by: User, now: datetime | None = None
) -> int:
    """The principal reminds every open assignment of the building, once a day. Refused before
    the building has been distributed (staff have not been given the policy yet) and when the
    building was reminded already today (the message says when)."""
    now = now or timezone.now()
    if not Distribution.objects.filter(campaign=campaign, building=building).exists():
        raise CampaignError(
            f"{building.name} has not distributed this campaign yet: distribute it first "
            "(distributing notifies every staff member), then remind."
        )
    step = f"manual-{timezone.localdate(now).isoformat()}"
    earlier = (
        Notification.objects.filter(campaign=campaign, step=step, assignment__building=building)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if earlier is not None:
        zone = ZoneInfo(ack_settings_for(campaign.district_id).time_zone)
        raise CampaignError(
            f"{building.name} was already reminded today, at "
            f"{earlier.astimezone(zone):%-I:%M %p} ({zone.key}). Reminders go out once a day."
        )
    rows = (
        Assignment.objects.filter(campaign=campaign, building=building, status__in=OPEN_STATUSES)
        .order_by()
        .values_list("pk", "person_id", "person__email")
    )
    notes = staff_notifications(
        rows,
        campaign=campaign,
        kind=Notification.Kind.REMINDER,
        step=step,
        subject=f"Reminder from your principal: {campaign.title}",
        body=f"Please read and sign {campaign.title}, or ask for a paper copy.",
        now=now,
    )
    added = save_notifications(notes, district_id=campaign.district_id, by=by, now=now)
    record_event(
        district=campaign.district_id,
        actor=by,
        action=Action.ACK_BULK_REMINDER_SENT,
        target=campaign,
        after={"building": building.pk, "reminded": added},
    )
    return added


@transaction.atomic
def mark_notifications_read(*, by: User, now: datetime | None = None) -> int:
    now = now or timezone.now()
    mine = Q(user=by)
    if by.person_id:
        mine |= Q(person_id=by.person_id)
    return Notification.objects.filter(mine, read_at__isnull=True).update(read_at=now)


@transaction.atomic
def save_quiet_hours(
    *, district: District, start: time, end: time, time_zone: str, by: User | None
) -> AckSettings:
    ZoneInfo(time_zone)  # raises for an unknown zone
    conf, _ = AckSettings.objects.get_or_create(district=district)
    before = {"start": str(conf.quiet_start), "end": str(conf.quiet_end), "tz": conf.time_zone}
    conf.quiet_start, conf.quiet_end, conf.time_zone = start, end, time_zone
    conf.save(update_fields=["quiet_start", "quiet_end", "time_zone"])
    record_event(
        district=district,
        actor=by,
        action=Action.ACK_QUIET_HOURS_CHANGED,
        target=conf,
        before=before,
        after={"start": str(start), "end": str(end), "tz": time_zone},
    )
    return conf


def record_export(
    *, district: District, by: User, what: str, filters: dict[str, object], rows: int
) -> None:
    """Exports carry their own audit event."""
    record_event(
        district=district,
        actor=by,
        action=Action.ACK_EXPORTED,
        after={"what": what, "filters": filters, "rows": rows},
    )
