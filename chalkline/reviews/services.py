"""Every change of the reviews app: one function per business event, each one transaction with
its audit event."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.outbox.services import Mail, queue_mails
from chalkline.people.models import District, User
from chalkline.policies.models import Policy
from chalkline.reviews.models import ReviewReminder, ReviewSchedule


class ReviewError(Exception):
    """The change is refused; ``str(exc)`` is a message for the user."""


def _email_of(user: User | None) -> str:
    if user is None:
        return ""
    if user.email:
        return user.email
    person = getattr(user, "person", None)
    return (getattr(person, "email", "") or "") if person is not None else ""


# --- the review schedule ----------------------------------------------------------------------


@transaction.atomic
def set_review_schedule(
    *, policy: Policy, cycle_months: int, next_review_on: date, owner: User | None, by: User | None
) -> ReviewSchedule:
    """Set a policy's review cycle, next-review date and owner (created on first use)."""
    if not 1 <= cycle_months <= 120:
        raise ReviewError("The review cycle must be between 1 and 120 months.")
    schedule = ReviewSchedule.objects.select_for_update().filter(policy=policy).first()
    before = (
        {
            "cycle_months": schedule.cycle_months,
            "next_review_on": schedule.next_review_on.isoformat(),
            "owner": schedule.owner_id,
        }
        if schedule
        else None
    )
    if schedule is None:
        schedule = ReviewSchedule.objects.create(
            policy=policy,
            district_id=policy.district_id,
            cycle_months=cycle_months,
            next_review_on=next_review_on,
            owner=owner,
        )
    else:
        schedule.cycle_months = cycle_months
        schedule.next_review_on = next_review_on
        schedule.owner = owner
        schedule.save(update_fields=["cycle_months", "next_review_on", "owner", "updated_at"])
    record_event(
        district=policy.district_id,
        actor=by,
        action=Action.REVIEW_SCHEDULE_SET,
        target=schedule,
        before=before,
        after={
            "policy": policy.number,
            "cycle_months": cycle_months,
            "next_review_on": next_review_on.isoformat(),
            "owner": owner.pk if owner else None,
        },
    )
    return schedule


@transaction.atomic
def send_review_reminders(
    *, district: District, by: User | None, days_before: int = 60, now: datetime | None = None
) -> int:
    """Queue one e-mail (outbox) to the owner of every scheduled review due within
    ``days_before`` days, or overdue, that was not yet reminded of that date. Each schedule is
    claimed with a conditional UPDATE, so two runs at once, or a second run, send nothing more."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = today + timedelta(days=days_before)
    due = (
        ReviewSchedule.objects.filter(
            district=district, owner__isnull=False, next_review_on__lte=horizon
        )
        .select_related("policy", "owner__person")
        .order_by("next_review_on")
    )
    mails: list[Mail] = []
    for schedule in due:
        if schedule.reminded_for == schedule.next_review_on:
            continue
        claimed = (
            ReviewSchedule.objects.filter(pk=schedule.pk, next_review_on=schedule.next_review_on)
            .exclude(reminded_for=schedule.next_review_on)
            .update(reminded_for=schedule.next_review_on)
        )
        if not claimed:
            continue
        reminder = ReviewReminder.objects.create(
            schedule=schedule, due_on=schedule.next_review_on, sent_to=schedule.owner, sent_at=now
        )
        address = _email_of(schedule.owner)
        if not address:
            continue
        policy = schedule.policy
        when = schedule.next_review_on
        late = " (overdue)" if when < today else ""
        mails.append(
            Mail(
                to=address,
                subject=f"Policy {policy.number_raw} is due for review on {when:%B %-d, %Y}{late}",
                body=(
                    f"Policy {policy.number_raw}, {policy.title}, is due for its review on "
                    f"{when:%B %-d, %Y}{late}. Board Policy 5:125 asks the Superintendent to "
                    "review it periodically with employee representatives and the network "
                    "administrators. Open the review dashboard in Chalkline to start the review."
                ),
                ref_id=reminder.pk,
            )
        )
    if mails:
        queue_mails(
            district=district,
            mails=mails,
            kind="review_reminder",
            ref_type="reviews.reviewreminder",
            by=by,
            now=now,
        )
    record_event(
        district=district,
        actor=by,
        action=Action.REVIEW_REMINDERS_SENT,
        target=None,
        after={"count": len(mails), "days_before": days_before},
    )
    return len(mails)
