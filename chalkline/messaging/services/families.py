"""Contact restrictions, each family member's language and contact preferences, and the
district's family account settings: one audited service per change."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.messaging.families import account_settings_of
from chalkline.messaging.models import ContactPreference, ContactRestriction, FamilyAccountSettings
from chalkline.people.models import District, GuardianLink, Person, User


class FamilyError(Exception):
    """A change that cannot be made; the message names the field and the reason."""


@transaction.atomic
def record_contact_restriction(
    *,
    district: District,
    guardian: Person,
    student: Person,
    kind: str,
    reference: str,
    starts_on: date,
    ends_on: date | None,
    note: str,
    by: User,
) -> ContactRestriction:
    """Guardian ``guardian`` receives nothing about ``student`` from ``starts_on``. The audit
    event holds ids, kind and dates: never the reference or the note (confidential)."""
    if guardian.district_id != district.pk or student.district_id != district.pk:
        raise FamilyError("Guardian: not a person of this district.")
    if guardian.kind != Person.Kind.GUARDIAN:
        raise FamilyError("Guardian: this person is not a guardian on the roster.")
    if student.kind != Person.Kind.STUDENT:
        raise FamilyError("Student: this person is not a student on the roster.")
    if not GuardianLink.objects.filter(guardian=guardian, student=student).exists():
        raise FamilyError("Guardian: the roster does not link this guardian to the student.")
    if ends_on is not None and ends_on < starts_on:
        raise FamilyError("Ends on: the restriction cannot end before it starts.")
    if kind not in ContactRestriction.Kind.values:
        raise FamilyError("Kind: choose a court order or a no-contact order.")
    if not reference.strip():
        raise FamilyError("Reference: the order's number or reference is required.")
    restriction = ContactRestriction.objects.create(
        district=district,
        guardian=guardian,
        student=student,
        kind=kind,
        reference=reference.strip()[:120],
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip()[:2000],
        recorded_by=by,
    )
    record_event(
        district=district,
        actor=by,
        action=Action.CONTACT_RESTRICTION_RECORDED,
        target=restriction,
        after={
            "guardian": guardian.pk,
            "student": student.pk,
            "kind": kind,
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return restriction


@transaction.atomic
def end_contact_restriction(*, restriction: ContactRestriction, by: User) -> bool:
    """End a restriction now (a conditional UPDATE: ending it twice changes nothing and records
    one event). Returns whether this call ended it."""
    now = timezone.now()
    ended = ContactRestriction.objects.filter(pk=restriction.pk, ended_at__isnull=True).update(
        ended_at=now, ended_by=by
    )
    if ended:
        record_event(
            district=restriction.district_id,
            actor=by,
            action=Action.CONTACT_RESTRICTION_ENDED,
            target=restriction,
            after={"guardian": restriction.guardian_id, "student": restriction.student_id},
        )
    return bool(ended)


def preference_of(person: Person) -> ContactPreference:
    """The person's preferences; an unsaved row of defaults when they chose none."""
    found = ContactPreference.objects.filter(person=person).first()
    return found or ContactPreference(person=person)


@transaction.atomic
def set_contact_preference(
    *, person: Person, channel: str, cadence: str, language: str, by: User
) -> ContactPreference:
    """Save a guardian's or student's language and how they hear from the hub."""
    if person.kind == Person.Kind.STAFF:
        raise FamilyError("Contact preferences are for guardians and students.")
    if channel not in ContactPreference.Channel.values:
        raise FamilyError("Channel: choose in the app or by e-mail.")
    if cadence not in ContactPreference.Cadence.values:
        raise FamilyError("Cadence: choose immediately or a daily digest.")
    pref = ContactPreference.objects.select_for_update().filter(person=person).first()
    before = (
        {"channel": pref.channel, "cadence": pref.cadence, "language": pref.language}
        if pref
        else None
    )
    if pref is None:
        pref = ContactPreference(person=person)
    pref.channel = channel
    pref.cadence = cadence
    pref.language = language
    pref.save()
    after = {"channel": channel, "cadence": cadence, "language": language}
    if before != after:
        record_event(
            district=person.district_id,
            actor=by,
            action=Action.CONTACT_PREFERENCE_CHANGED,
            target=pref,
            before=before,
            after=after,
        )
    return pref


@transaction.atomic
def update_family_account_settings(
    *,
    district: District,
    students_invited_from_grade: int | None,
    adult_students_reached_as_adults: bool,
    invitation_days: int,
    by: User,
) -> FamilyAccountSettings:
    if students_invited_from_grade is not None and not 0 <= students_invited_from_grade <= 12:
        raise FamilyError("Students invited from grade: a grade from 0 (kindergarten) to 12.")
    if not 1 <= invitation_days <= 60:
        raise FamilyError("Invitation days: from 1 to 60 days.")
    current = account_settings_of(district)
    before = {
        "students_invited_from_grade": current.students_invited_from_grade,
        "adult_students_reached_as_adults": current.adult_students_reached_as_adults,
        "invitation_days": current.invitation_days,
    }
    conf, _ = FamilyAccountSettings.objects.select_for_update().get_or_create(district=district)
    conf.students_invited_from_grade = students_invited_from_grade
    conf.adult_students_reached_as_adults = adult_students_reached_as_adults
    conf.invitation_days = invitation_days
    conf.save(
        update_fields=[
            "students_invited_from_grade",
            "adult_students_reached_as_adults",
            "invitation_days",
        ]
    )
    record_event(
        district=district,
        actor=by,
        action=Action.FAMILY_ACCOUNT_SETTINGS_CHANGED,
        target=conf,
        before=before,
        after={
            "students_invited_from_grade": students_invited_from_grade,
            "adult_students_reached_as_adults": adult_students_reached_as_adults,
            "invitation_days": invitation_days,
        },
    )
    return conf
