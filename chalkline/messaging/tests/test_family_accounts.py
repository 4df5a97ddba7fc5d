"""Preferences, adult students, former families, the district's family account settings."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.messaging.families import adult_cutoff
from chalkline.messaging.models import ContactPreference, FamilyAccountSettings
from chalkline.messaging.selectors import audience_addressees
from chalkline.messaging.services import claim_invitation, invite_people
from chalkline.messaging.tests.conftest import School
from chalkline.outbox.models import Delivery
from chalkline.people.models import GuardianLink, Membership, Person, User
from chalkline.people.services.leavers import sign_out_former_families
from conftest import World


def test_a_guardian_sets_language_and_contact_preferences(client: Client, world: World) -> None:
    client.force_login(world.users["guardian_north"])
    page = client.get(reverse("messaging:preferences"))
    assert page.status_code == 200 and b"Preferred language" in page.content
    saved = client.post(
        reverse("messaging:preferences"),
        {"language": "es", "channel": "in_app", "cadence": "digest"},
    )
    assert saved.status_code == 302
    pref = ContactPreference.objects.get(person=world.guardian_north)
    assert (pref.channel, pref.cadence, pref.language) == ("in_app", "digest", "es")
    event = AuditEvent.objects.get(action="messaging.contact_preference_changed")
    assert event.before_data is None and event.after_data["cadence"] == "digest"
    # the same choices again record nothing more
    client.post(
        reverse("messaging:preferences"),
        {"language": "es", "channel": "in_app", "cadence": "digest"},
    )
    assert AuditEvent.objects.filter(action="messaging.contact_preference_changed").count() == 1


def test_bad_preferences_name_the_field_and_save_nothing(client: Client, world: World) -> None:
    client.force_login(world.users["student_north"])
    bad = client.post(
        reverse("messaging:preferences"), {"language": "xx", "channel": "sms", "cadence": ""}
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Select a valid choice" in html and "This field is required" in html
    assert not ContactPreference.objects.exists()


def _adult(world: World) -> None:
    student = world.student_north
    student.birth_date = adult_cutoff(timezone.localdate())  # 18 today
    student.save(update_fields=["birth_date"])


def _family(world: World) -> set[int]:
    reached = audience_addressees(
        world.district, "family", str(world.student_north.pk), sender=world.users["superintendent"]
    )
    return {a.person.pk for a in reached if a.person}


def test_an_adult_student_is_reached_as_an_adult_when_the_district_says_so(
    school: School,
) -> None:
    w = school.world
    _adult(w)
    assert _family(w) == {w.guardian_north.pk}  # the default: guardians still
    FamilyAccountSettings.objects.create(district=w.district, adult_students_reached_as_adults=True)
    assert _family(w) == {w.student_north.pk}
    copies = audience_addressees(
        w.district, "class_students", str(school.math.pk), sender=w.users["teacher_north"]
    )
    assert not any(a.copy_of_student == w.student_north for a in copies)
    # and the adult student may be invited whatever their grade
    result = invite_people(district=w.district, people=[w.student_north], by=None)
    assert result.skipped_claimed == 1  # the demo student already has an account


def test_a_student_one_day_short_of_18_is_not_an_adult(school: School) -> None:
    w = school.world
    FamilyAccountSettings.objects.create(district=w.district, adult_students_reached_as_adults=True)
    cutoff = adult_cutoff(timezone.localdate())
    w.student_north.birth_date = date.fromordinal(cutoff.toordinal() + 1)
    w.student_north.save(update_fields=["birth_date"])
    assert _family(w) == {w.guardian_north.pk}


def test_former_students_and_their_families_no_longer_sign_in(client: Client, world: World) -> None:
    guardian = world.users["guardian_north"]
    client.force_login(guardian)
    assert client.get(reverse("messaging:inbox")).status_code == 200
    Person.objects.filter(pk=world.student_north.pk).update(
        active=False, deactivated_at=timezone.now(), deactivation_reason="withdrawn"
    )
    result = sign_out_former_families(district=world.district, by=None)
    assert result["users"] == 2
    for name in ("guardian_north", "student_north"):
        user = User.objects.get(pk=world.users[name].pk)
        assert not user.is_active
        assert not Membership.objects.filter(user=user, active=True).exists()
    assert client.get(reverse("messaging:inbox")).status_code == 302  # signed out
    assert not Client().login(username="guardian_north", password="correct horse battery staple")
    assert AuditEvent.objects.filter(action="people.former_families_signed_out").count() == 1
    assert sign_out_former_families(district=world.district, by=None)["users"] == 0
    # staff are never touched by it
    assert User.objects.get(pk=world.users["teacher_north"].pk).is_active


def test_a_guardian_with_another_current_child_keeps_signing_in(world: World) -> None:
    sibling = Person.objects.create(
        district=world.district, kind=Person.Kind.STUDENT, given_name="Ana", family_name="Garcia"
    )
    GuardianLink.objects.create(guardian=world.guardian_north, student=sibling)
    Person.objects.filter(pk=world.student_north.pk).update(
        active=False, deactivated_at=timezone.now(), deactivation_reason="graduated"
    )
    sign_out_former_families(district=world.district, by=None)
    assert User.objects.get(pk=world.users["guardian_north"].pk).is_active


def test_a_returning_family_is_invited_again_and_its_account_comes_back(world: World) -> None:
    Person.objects.filter(pk=world.student_north.pk).update(
        active=False, deactivated_at=timezone.now(), deactivation_reason="moved"
    )
    sign_out_former_families(district=world.district, by=None)
    Person.objects.filter(pk=world.student_north.pk).update(
        active=True, deactivated_at=None, deactivation_reason=""
    )
    result = invite_people(district=world.district, people=[world.guardian_north], by=None)
    assert result.invited == 1
    body = Delivery.objects.get().body
    token = body.split("/messages/claim/", 1)[1].split("/", 1)[0]
    user = claim_invitation(token=token, password="maple river lantern")
    assert user.pk == world.users["guardian_north"].pk and user.is_active
    assert Membership.objects.filter(user=user, active=True).exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"students_invited_from_grade": "13", "invitation_days": "14"}, b"less than or equal"),
        ({"students_invited_from_grade": "6", "invitation_days": "0"}, b"greater than or equal"),
    ],
)
def test_family_settings_refuse_bad_input(
    client: Client, world: World, data: dict[str, Any], error: bytes
) -> None:
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("messaging:family_settings"), data)
    assert response.status_code == 400 and error in response.content
    assert not FamilyAccountSettings.objects.exists()


def test_family_settings_are_saved_and_audited(client: Client, world: World) -> None:
    client.force_login(world.users["designee"])
    response = client.post(
        reverse("messaging:family_settings"),
        {
            "students_invited_from_grade": "",
            "adult_students_reached_as_adults": "on",
            "invitation_days": "7",
        },
    )
    assert response.status_code == 302
    conf = FamilyAccountSettings.objects.get(district=world.district)
    assert conf.students_invited_from_grade is None and conf.adult_students_reached_as_adults
    event = AuditEvent.objects.get(action="messaging.family_account_settings_changed")
    assert event.before_data["students_invited_from_grade"] == 6
