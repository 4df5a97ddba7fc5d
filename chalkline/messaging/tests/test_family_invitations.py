"""Invitations go only to the roster's addresses, through the outbox, and are claimed once by a
signed link: with a password or a one-time sign-in link."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.messaging.models import FamilyAccountSettings, Invitation, SignInLink
from chalkline.messaging.services import invite_people
from chalkline.messaging.tests.conftest import School
from chalkline.outbox.models import Delivery
from chalkline.people.models import GuardianLink, Membership, Person, User
from chalkline.people.roles import Role
from conftest import make_person

MAILERS = "django.core.mail.backends.smtp.EmailBackend"
LINK = re.compile(r"https?://\S+/messages/(?:claim|sign-in)/(\S+)/")


def _smtp(settings: Any, controller: Any) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": MAILERS,
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }


def _invite_building(client: Client, school: School, **extra: str) -> Any:
    w = school.world
    client.force_login(w.users["principal_north"])
    data = {"batch_key": extra.pop("batch_key", "k1"), **extra}
    return client.post(reverse("messaging:invitations_building", args=[w.north.pk]), data)


def _token_for(person: Person) -> str:
    delivery = Delivery.objects.filter(to=person.email).order_by("-pk").first()
    assert delivery is not None
    found = LINK.search(delivery.body)
    assert found is not None
    return found.group(1)


def test_principal_invites_a_buildings_families_by_real_mail(
    client: Client,
    school: School,
    settings: Any,
    smtp_server: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    controller, received = smtp_server
    _smtp(settings, controller)
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite_building(client, school)
    assert response.status_code == 302
    # Ada (the classmate's guardian, no account) is invited; Elena has an account already;
    # the grade-4 students are below the default grade 6.
    assert [m["To"] for m in received] == [school.classmate_guardian.email]
    assert "invitation" in received[0]["Subject"]
    assert LINK.search(received[0].get_payload(decode=True).decode())
    event = AuditEvent.objects.get(action="messaging.family_invited")
    assert '"invited":1' in event.after
    assert school.classmate_guardian.email not in event.after  # ids only, no addresses


def test_an_invitation_never_goes_to_an_address_the_roster_does_not_hold(
    client: Client, school: School
) -> None:
    w = school.world
    no_email = make_person(w.district, kind=Person.Kind.GUARDIAN, email="", given_name="Noe")
    GuardianLink.objects.create(guardian=no_email, student=school.classmate)
    south_student = make_person(w.district, kind=Person.Kind.STUDENT, building=w.south)
    south_guardian = make_person(w.district, kind=Person.Kind.GUARDIAN)
    GuardianLink.objects.create(guardian=south_guardian, student=south_student)
    # an address posted with the form is ignored: only the roster's is used
    _invite_building(client, school, email="attacker@example.com", to="attacker@example.com")
    # a person of another building named in the post is not in this building's list
    _invite_building(client, school, person=str(south_guardian.pk), batch_key="k2")
    assert sorted(Delivery.objects.values_list("to", flat=True)) == [
        school.classmate_guardian.email
    ]
    assert set(Invitation.objects.values_list("email", flat=True)) == {
        school.classmate_guardian.email
    }
    page = client.get(reverse("messaging:invitations_building", args=[w.north.pk]))
    html = page.content.decode()
    assert "No e-mail on the roster: <strong>1</strong>" in html
    assert "Invited: <strong>1</strong>" in html


def test_a_double_submit_sends_one_invitation(client: Client, school: School) -> None:
    _invite_building(client, school)
    again = _invite_building(client, school)
    assert again.status_code == 302
    assert Delivery.objects.count() == 1
    assert Invitation.objects.count() == 1


def test_bulk_invitations_reach_thousands_in_one_request(school: School) -> None:
    w = school.world
    guardians = [
        Person(
            district=w.district,
            kind=Person.Kind.GUARDIAN,
            given_name="G",
            family_name=f"Bulk{i}",
            email=f"bulk{i}@families.example.net",
            sourced_id=f"bulk-{i}",
        )
        for i in range(2500)
    ]
    Person.objects.bulk_create(guardians)
    people = list(Person.objects.filter(sourced_id__startswith="bulk-"))
    result = invite_people(district=w.district, people=people, by=w.users["superintendent"])
    assert result.invited == 2500
    assert Delivery.objects.filter(kind="messaging_invitation").count() == 2500
    assert Invitation.objects.exclude(email__endswith="@families.example.net").count() == 0


def test_sending_again_replaces_the_earlier_link(client: Client, school: School) -> None:
    guardian = school.classmate_guardian
    _invite_building(client, school)
    first = _token_for(guardian)
    _invite_building(client, school, person=str(guardian.pk), batch_key="again")
    second = _token_for(guardian)
    assert first != second
    anonymous = Client()
    old = anonymous.get(reverse("messaging:claim", args=[first]))
    assert old.status_code == 410 and b"newer invitation replaced" in old.content
    assert anonymous.get(reverse("messaging:claim", args=[second])).status_code == 200


def test_claiming_with_a_password_creates_the_linked_account(
    client: Client, school: School
) -> None:
    guardian = school.classmate_guardian
    _invite_building(client, school)
    token = _token_for(guardian)
    visitor = Client()
    url = reverse("messaging:claim", args=[token])
    weak = visitor.post(url, {"action": "password", "password1": "short", "password2": "short"})
    assert weak.status_code == 400
    assert b"too short" in weak.content and b"password1" in weak.content
    assert not User.objects.filter(person=guardian).exists()
    differ = visitor.post(
        url, {"action": "password", "password1": "a fine long phrase", "password2": "other"}
    )
    assert differ.status_code == 400 and b"The two passwords differ" in differ.content
    good = {"action": "password", "password1": "maple river lantern", "password2": ""}
    good["password2"] = good["password1"]
    done = visitor.post(url, good)
    assert done.status_code == 302 and done["Location"].startswith(reverse("login"))
    user = User.objects.get(person=guardian)
    assert user.is_active and user.email == guardian.email
    assert Membership.objects.filter(user=user, role=Role.GUARDIAN, active=True).exists()
    assert AuditEvent.objects.filter(action="messaging.invitation_claimed").count() == 1
    signed_in = visitor.post(
        reverse("login"), {"username": guardian.email, "password": "maple river lantern"}
    )
    assert signed_in.status_code == 302
    assert visitor.get(reverse("messaging:inbox")).status_code == 200
    # used: the link works once
    again = Client().post(url, good)
    assert again.status_code == 410 and b"already been used" in again.content


def test_a_second_browser_cannot_claim_the_same_invitation(client: Client, school: School) -> None:
    _invite_building(client, school)
    url = reverse("messaging:claim", args=[_token_for(school.classmate_guardian)])
    first, second = Client(), Client()
    assert first.get(url).status_code == 200 and second.get(url).status_code == 200
    data = {"action": "password", "password1": "maple river lantern"}
    data["password2"] = data["password1"]
    assert first.post(url, data).status_code == 302
    late = second.post(url, data)
    assert late.status_code == 410
    assert User.objects.filter(person=school.classmate_guardian).count() == 1


def test_an_expired_invitation_cannot_be_claimed(school: School) -> None:
    w = school.world
    long_ago = timezone.now() - timedelta(days=30)
    invite_people(district=w.district, people=[school.classmate_guardian], by=None, now=long_ago)
    page = Client().get(reverse("messaging:claim", args=[_token_for(school.classmate_guardian)]))
    assert page.status_code == 410 and b"expired" in page.content


def test_a_tampered_link_is_refused(school: School) -> None:
    page = Client().get(reverse("messaging:claim", args=["not-a-token"]))
    assert page.status_code == 410 and b"not valid" in page.content


def test_claiming_with_a_sign_in_link_mails_a_one_time_link(client: Client, school: School) -> None:
    guardian = school.classmate_guardian
    _invite_building(client, school)
    visitor = Client()
    sent = visitor.post(reverse("messaging:claim", args=[_token_for(guardian)]), {"action": "link"})
    assert sent.status_code == 200 and b"Check your e-mail" in sent.content
    user = User.objects.get(person=guardian)
    assert not user.has_usable_password()
    token = _token_for(guardian)  # the newest mail to the address is the sign-in link
    url = reverse("messaging:sign_in_link", args=[token])
    assert b"Sign in" in visitor.get(url).content  # a GET signs nobody in (mail scanners)
    assert visitor.get(reverse("messaging:inbox")).status_code == 302
    signed = visitor.post(url)
    assert signed.status_code == 302 and signed["Location"] == reverse("messaging:inbox")
    assert visitor.get(reverse("messaging:inbox")).status_code == 200
    reused = Client().post(url)
    assert reused.status_code == 410 and b"already been used" in reused.content


def test_an_expired_sign_in_link_is_refused(school: School) -> None:
    from chalkline.messaging.services import send_sign_in_link

    user = school.world.users["guardian_north"]
    past = timezone.now() - timedelta(hours=1)
    assert send_sign_in_link(user=user, district=school.world.district, now=past)
    token = _token_for(school.world.guardian_north)
    refused = Client().post(reverse("messaging:sign_in_link", args=[token]))
    assert refused.status_code == 410 and b"expired" in refused.content
    assert SignInLink.objects.get().used_at is None


def test_asking_for_a_sign_in_link_answers_the_same_for_every_address(school: School) -> None:
    visitor = Client()
    url = reverse("messaging:request_sign_in_link")
    known = visitor.post(url, {"email": school.world.guardian_north.email})
    unknown = visitor.post(url, {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert b"Check your e-mail" in known.content and b"Check your e-mail" in unknown.content
    assert Delivery.objects.filter(kind="messaging_sign_in_link").count() == 1
    # staff accounts never get a sign-in link
    teacher = school.world.users["teacher_north"]
    assert teacher.person is not None
    visitor.post(url, {"email": teacher.person.email})
    assert Delivery.objects.filter(kind="messaging_sign_in_link").count() == 1


@pytest.mark.parametrize(
    ("from_grade", "grade", "invited"),
    [(6, "4", False), (6, "07", True), (None, "11", False), (0, "KG", True)],
)
def test_students_are_invited_from_the_districts_grade(
    school: School, from_grade: int | None, grade: str, invited: bool
) -> None:
    w = school.world
    FamilyAccountSettings.objects.create(
        district=w.district, students_invited_from_grade=from_grade
    )
    student = make_person(w.district, kind=Person.Kind.STUDENT, building=w.north, grade=grade)
    result = invite_people(district=w.district, people=[student], by=None)
    assert result.invited == (1 if invited else 0)


def test_a_class_invitation_reaches_only_that_classs_families(
    client: Client, school: School
) -> None:
    w = school.world
    other = make_person(w.district, kind=Person.Kind.STUDENT, building=w.north, grade="4")
    other_guardian = make_person(w.district, kind=Person.Kind.GUARDIAN)
    GuardianLink.objects.create(guardian=other_guardian, student=other)  # not in Math 4
    response = _invite_building(client, school, **{"class": str(school.math.pk)})
    assert response.status_code == 302 and response["Location"].endswith(f"?class={school.math.pk}")
    assert list(Delivery.objects.values_list("to", flat=True)) == [school.classmate_guardian.email]
    # a class of another building is not found from this building's page
    south_class = client.post(
        reverse("messaging:invitations_building", args=[w.north.pk]),
        {"class": str(school.other_class.pk), "batch_key": "x"},
    )
    assert south_class.status_code == 404
    assert Delivery.objects.count() == 1


def test_the_inbox_links_each_person_to_their_family_pages(client: Client, school: School) -> None:
    w = school.world
    links = {
        "principal_north": (b"Invite families and students", b"Contact restrictions"),
        "guardian_north": (b"Your language and contact preferences",),
    }
    for persona, texts in links.items():
        client.force_login(w.users[persona])
        html = client.get(reverse("messaging:inbox")).content
        assert all(t in html for t in texts), persona
    client.force_login(w.users["teacher_north"])
    html = client.get(reverse("messaging:inbox")).content
    assert b"Invite families" not in html and b"Contact restrictions" not in html
