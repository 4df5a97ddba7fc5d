"""Acknowledgment notices: the in-app notice, and its e-mail through the outbox.

Each notice is a ``Notification`` with a unique ``dedupe_key`` (step + assignment), so a step
happens once even with several workers. Its e-mail is an ``outbox`` delivery about
``acks.notification`` <id>: queued in the same transaction, sent after commit, held until quiet
hours end, and its outcome (sent, retrying, failed with the server's reason) shown on the
campaign and building pages.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from chalkline.acks.models import AckSettings, Campaign, Notification
from chalkline.lib.batches import in_list_chunks, iter_chunks
from chalkline.outbox.models import Delivery
from chalkline.outbox.services import Mail, queue_mails
from chalkline.people.models import Building, District, User

REF_TYPE = "acks.notification"


def ack_settings_for(district: District | int) -> AckSettings:
    """The district's notification settings; the defaults (quiet 8 pm to 7 am, the installation's
    time zone) until someone saves them."""
    district_id = district if isinstance(district, int) else district.pk
    conf = AckSettings.objects.filter(district_id=district_id).first()
    return conf if conf is not None else AckSettings(district_id=district_id)


def quiet_until(district_id: int, now: datetime) -> datetime | None:
    """When quiet hours are on for the district at ``now``, the moment they end; else None."""
    conf = ack_settings_for(district_id)
    if conf.quiet_start == conf.quiet_end:
        return None
    zone = ZoneInfo(conf.time_zone)
    local = now.astimezone(zone)
    t = local.time()
    start, end = conf.quiet_start, conf.quiet_end
    quiet = (start <= t < end) if start < end else (t >= start or t < end)
    if not quiet:
        return None
    end_day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(end_day, end, tzinfo=zone)


def save_notifications(
    notes: list[Notification], *, district_id: int, by: User | None, now: datetime
) -> int:
    """Insert the notices whose key is new and queue an e-mail for each that has an address
    (outside quiet hours, or when they end). Returns how many notices this call added. Call it
    inside the service's transaction."""
    added: list[str] = []
    for chunk in iter_chunks(notes, 2000):
        keys = [n.dedupe_key for n in chunk]
        have = set(
            Notification.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True)
        )
        fresh = [n for n in chunk if n.dedupe_key not in have]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
        added.extend(n.dedupe_key for n in fresh if n.dedupe_key)
    mails = [
        Mail(
            to=email_to,
            subject=subject,
            body=f"{body}\n\n{settings.SITE_URL}{link}\n" if link else body,
            ref_id=pk,
        )
        for part in in_list_chunks(added)
        for pk, email_to, subject, body, link in Notification.objects.filter(
            dedupe_key__in=part
        ).values_list("pk", "email_to", "subject", "body", "link")
        if email_to
    ]
    kinds = {n.kind for n in notes}
    queue_mails(
        district=district_id,
        mails=mails,
        kind=f"acks.{kinds.pop() if len(kinds) == 1 else 'notice'}",
        ref_type=REF_TYPE,
        by=by,
        not_before=quiet_until(district_id, now),
        now=now,
    )
    return len(added)


def notice_deliveries(
    campaign: Campaign,
    building: Building | None = None,
    *,
    buildings: QuerySet[Building] | None = None,
) -> QuerySet[Delivery]:
    """The e-mail deliveries of a campaign's notices: of one building's staff, or of some
    buildings (escalations to the district are then left out), if given."""
    notes = Notification.objects.filter(campaign=campaign)
    if building is not None:
        notes = notes.filter(assignment__building=building)
    if buildings is not None:
        notes = notes.filter(assignment__building__in=buildings.values("pk"))
    return Delivery.objects.filter(
        district_id=campaign.district_id, ref_type=REF_TYPE, ref_id__in=notes.values("pk")
    )


def when_mail_goes_out(district_id: int, now: datetime | None = None) -> str:
    """For confirmation pages: when e-mail queued now would leave, in the district's words."""
    now = now or timezone.now()
    until = quiet_until(district_id, now)
    if until is None:
        return "right away"
    zone = ZoneInfo(ack_settings_for(district_id).time_zone)
    local = until.astimezone(zone)
    return (
        f"at {local:%-I:%M %p} on {local:%A, %B %-d} ({zone.key}), when the district's quiet "
        "hours end"
    )
