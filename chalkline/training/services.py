"""Training's business events, one function each, audited in the same transaction.

Rosters are written in batches (``bulk_create``) and attendance with one conditional UPDATE per
check-in, so that a district-wide in-service of 150,000 staff is rostered in seconds and checks
in at the door as fast as people scan (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.models import Affiliation, Building, District, Person, User
from chalkline.policies.models import PolicyVersion
from chalkline.training import qr
from chalkline.training.models import (
    Reminder,
    RosterEntry,
    Session,
    Training,
    TrainingSettings,
)

ROSTER_BATCH = 5000


class CheckInRefused(Exception):
    """A QR check-in that cannot be accepted; the message is for the attendee."""


def renewal_date(completed: date, years: int | None) -> date | None:
    if not years:
        return None
    try:
        return completed.replace(year=completed.year + years)
    except ValueError:  # February 29 -> February 28
        return completed.replace(year=completed.year + years, day=28)


@transaction.atomic
def create_training(
    *,
    district: District,
    by: User | None,
    title: str,
    topic: str = Training.Topic.IN_SERVICE,
    content: str = "",
    material: UploadedFile[Any] | None = None,
    policy_version: PolicyVersion | None = None,
    questions: list[dict[str, Any]] | None = None,
    pass_percent: int = 80,
    pd_hours: Decimal = Decimal("1.0"),
    renewal_years: int | None = None,
) -> Training:
    training = Training(
        district=district,
        title=title,
        topic=topic,
        content=content,
        policy_version=policy_version,
        questions=questions or [],
        pass_percent=pass_percent,
        pd_hours=pd_hours,
        renewal_years=renewal_years,
        created_by=by,
    )
    if material is not None:
        training.material = material
    training.save()
    record_event(
        district=district,
        actor=by,
        action=Action.TRAINING_CREATED,
        target=training,
        after={
            "title": title,
            "topic": topic,
            "questions": len(training.questions),
            "pd_hours": str(pd_hours),
            "renewal_years": renewal_years,
        },
    )
    return training


def _roster_directory(session: Session, building: Building | None) -> int:
    """Roster every active staff member with an active affiliation in the building (or anywhere
    in the district) on a new session, in one INSERT ... SELECT: someone in several buildings is
    rostered once, at the first. 150,000 staff in seconds (docs/benchmarks.md)."""
    entry = RosterEntry._meta.db_table
    person = Person._meta.db_table
    affiliation = Affiliation._meta.db_table
    where_building = "AND a.building_id = %s" if building is not None else ""
    params: list[Any] = [session.pk, session.district_id, session.district_id, Person.Kind.STAFF]
    if building is not None:
        params.append(building.pk)
    sql = f"""
        INSERT INTO {entry} (session_id, district_id, person_id, building_id, method, attempts)
        SELECT %s, %s, p.id, MIN(a.building_id), '', 0
        FROM {person} p JOIN {affiliation} a ON a.person_id = p.id AND a.active
        WHERE p.district_id = %s AND p.kind = %s AND p.active {where_building}
        GROUP BY p.id
    """  # noqa: S608 - table names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


def _insert_roster(session: Session, rows: Iterable[tuple[int, int | None]]) -> int:
    entries = [
        RosterEntry(session=session, district_id=session.district_id, person_id=p, building_id=b)
        for p, b in rows
    ]
    RosterEntry.objects.bulk_create(entries, batch_size=ROSTER_BATCH, ignore_conflicts=True)
    return len(entries)


@transaction.atomic
def schedule_session(
    *,
    training: Training,
    by: User | None,
    format: str,
    building: Building | None = None,
    starts_at: datetime | None = None,
    location: str = "",
    presenter: User | None = None,
    roster: list[int] | None = None,
) -> Session:
    """Schedule a session for a building (or the district) and roster its active staff, or
    only the people ``roster`` names (a campaign's audience, given by a workflow)."""
    session = Session.objects.create(
        district=training.district,
        training=training,
        format=format,
        building=building,
        starts_at=starts_at,
        location=location,
        presenter=presenter,
        created_by=by,
    )
    if roster is None:
        count = _roster_directory(session, building)
    else:
        people = Person.objects.filter(pk__in=roster)
        count = _insert_roster(session, [(p.pk, _first_building(p)) for p in people])
    Session.objects.filter(pk=session.pk).update(roster_count=count)
    session.roster_count = count
    record_event(
        district=training.district,
        actor=by,
        action=Action.TRAINING_SESSION_SCHEDULED,
        target=session,
        after={
            "training": training.pk,
            "format": format,
            "building": building.pk if building else None,
            "roster": count,
        },
    )
    return session


def _first_building(person: Person) -> int | None:
    first = person.affiliations.filter(active=True).order_by("building_id").first()
    return first.building_id if first else None


@transaction.atomic
def add_to_roster(*, session: Session, people: list[Person], by: User | None) -> int:
    """Add people (new hires, a campaign's audience) to a session; those already on it stay."""
    have = set(
        RosterEntry.objects.filter(session=session, person__in=people).values_list(
            "person_id", flat=True
        )
    )
    rows = [(p.pk, _first_building(p)) for p in people if p.pk not in have]
    if not rows:
        return 0
    added = _insert_roster(session, rows)
    Session.objects.filter(pk=session.pk).update(roster_count=session.roster_count + added)
    record_event(
        district=session.district_id,
        actor=by,
        action=Action.TRAINING_ROSTER_ADDED,
        target=session,
        after={"people": [p for p, _ in rows][:1000], "count": added},
    )
    return added


def _complete(
    entry_filter: dict[str, Any],
    *,
    training: Training,
    method: str,
    by: User | None,
    now: datetime,
    score: int | None = None,
) -> int:
    """Mark not-yet-completed entries complete with one conditional UPDATE; how many changed."""
    fields: dict[str, Any] = {
        "completed_at": now,
        "method": method,
        "recorded_by": by,
        "valid_until": renewal_date(timezone.localdate(now), training.renewal_years),
    }
    if score is not None:
        fields["score"] = score
    return RosterEntry.objects.filter(completed_at__isnull=True, **entry_filter).update(**fields)


@transaction.atomic
def check_in_with_code(
    *, session: Session, by: User, token: str, now: datetime | None = None
) -> RosterEntry:
    """An attendee scanned the room's QR code: accept the current or previous 30-second token,
    for someone on the roster of a scheduled (not self-paced) session."""
    now = now or timezone.now()
    if session.is_self_paced:
        raise CheckInRefused("This training is self-paced: there is nothing to check in to.")
    if not qr.token_is_valid(session_id=session.pk, secret=session.qr_secret, token=token, now=now):
        raise CheckInRefused(
            "This code has expired. Scan the code shown in the room again (it changes every "
            "30 seconds)."
        )
    person_id = by.person_id
    entry = RosterEntry.objects.filter(session=session, person_id=person_id or 0).first()
    if entry is None:
        raise CheckInRefused(
            "You are not on this session's roster. Ask the presenter to mark you present."
        )
    if _complete(
        {"pk": entry.pk}, training=session.training, method=RosterEntry.Method.QR, by=by, now=now
    ):
        record_event(
            district=session.district_id,
            actor=by,
            action=Action.TRAINING_CHECKED_IN,
            target=session,
            after={"entry": entry.pk},
        )
        entry.completed_at, entry.method = now, RosterEntry.Method.QR
    return entry


@transaction.atomic
def mark_attendance(
    *, session: Session, person_ids: list[int], by: User, now: datetime | None = None
) -> int:
    """The presenter marks people of the roster present; those already present stay as they
    were. Returns how many were marked."""
    now = now or timezone.now()
    marked = list(
        RosterEntry.objects.filter(
            session=session, person_id__in=person_ids, completed_at__isnull=True
        ).values_list("pk", flat=True)
    )
    count = _complete(
        {"pk__in": marked},
        training=session.training,
        method=RosterEntry.Method.PRESENTER,
        by=by,
        now=now,
    )
    if count:
        record_event(
            district=session.district_id,
            actor=by,
            action=Action.TRAINING_ATTENDANCE_MARKED,
            target=session,
            after={"entries": marked[:1000], "count": count},
        )
    return count


@dataclass(frozen=True)
class CheckResult:
    passed: bool
    score: int  # percent
    wrong: list[int]  # the numbers (1-based) of the questions answered wrongly


def grade(questions: list[dict[str, Any]], answers: dict[int, int | None]) -> tuple[int, list[int]]:
    if not questions:
        return 100, []
    wrong = [n for n, q in enumerate(questions, 1) if answers.get(n) != q.get("answer")]
    return round(100 * (len(questions) - len(wrong)) / len(questions)), wrong


@transaction.atomic
def complete_module(
    *, entry: RosterEntry, answers: dict[int, int | None], by: User, now: datetime | None = None
) -> CheckResult:
    """An employee finished a self-paced module: with a knowledge check, it completes only at
    the training's pass mark (every attempt is counted and audited)."""
    now = now or timezone.now()
    training = entry.session.training
    score, wrong = grade(training.questions, answers)
    passed = score >= training.pass_percent
    RosterEntry.objects.filter(pk=entry.pk).update(attempts=entry.attempts + 1)
    if passed:
        changed = _complete(
            {"pk": entry.pk},
            training=training,
            method=RosterEntry.Method.SELF_PACED,
            by=by,
            now=now,
            score=score if training.questions else None,
        )
        if changed:
            record_event(
                district=entry.district_id,
                actor=by,
                action=Action.TRAINING_MODULE_COMPLETED,
                target=entry,
                after={"score": score, "attempt": entry.attempts + 1},
            )
    else:
        record_event(
            district=entry.district_id,
            actor=by,
            action=Action.TRAINING_CHECK_FAILED,
            target=entry,
            after={"score": score, "attempt": entry.attempts + 1},
        )
    entry.refresh_from_db()
    return CheckResult(passed=passed, score=score, wrong=wrong)


def settings_of(district: District) -> TrainingSettings:
    found = TrainingSettings.objects.filter(district=district).first()
    return found or TrainingSettings(district=district)


@transaction.atomic
def set_provider_number(*, district: District, number: str, by: User) -> TrainingSettings:
    current, _ = TrainingSettings.objects.select_for_update().get_or_create(district=district)
    before = current.isbe_provider_number
    current.isbe_provider_number = number.strip()
    current.save(update_fields=["isbe_provider_number"])
    record_event(
        district=district,
        actor=by,
        action=Action.TRAINING_SETTINGS_CHANGED,
        target=current,
        before={"isbe_provider_number": before},
        after={"isbe_provider_number": current.isbe_provider_number},
    )
    return current


@transaction.atomic
def send_renewal_reminders(
    *, district: District, by: User | None, now: datetime | None = None, days_before: int = 60
) -> int:
    """Remind everyone whose completion of a renewable training (mandated reporter: every three
    years) lapses within ``days_before`` days and who has no later completion. One reminder per
    completion: running it twice sends nothing new. E-mail goes out after the commit."""
    from datetime import timedelta

    from django.core.mail import send_mail

    now = now or timezone.now()
    horizon = timezone.localdate(now) + timedelta(days=days_before)
    due = (
        RosterEntry.objects.filter(
            district=district, valid_until__isnull=False, valid_until__lte=horizon
        )
        .exclude(reminders__isnull=False)
        .select_related("session__training", "person")
    )
    sent: list[tuple[str, str, date]] = []
    for entry in due.select_for_update(of=("self",)):
        if entry.valid_until is None:  # filtered above; for the type checker
            continue
        later = RosterEntry.objects.filter(
            person_id=entry.person_id,
            session__training_id=entry.session.training_id,
            valid_until__gt=entry.valid_until,
        ).exists()
        Reminder.objects.create(
            district=district, entry=entry, valid_until=entry.valid_until, sent_at=now
        )
        if not later and entry.person.email:
            sent.append((entry.person.email, entry.session.training.title, entry.valid_until))
    record_event(
        district=district,
        actor=by,
        action=Action.TRAINING_REMINDERS_SENT,
        target=None,
        after={"count": len(sent)},
    )

    def deliver() -> None:
        for email, title, until in sent:
            send_mail(
                f"Renew your training: {title}",
                f"Your completion of {title} lapses on {until:%B %-d, %Y}. Please take it again "
                "before then (Illinois requires mandated-reporter training every three years).",
                None,
                [email],
            )

    transaction.on_commit(deliver)
    return len(sent)
