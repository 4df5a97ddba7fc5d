"""The composer at a big school: past LISTED_FAMILIES students the families are found by search
(a GET form that works without JavaScript; htmx refreshes only its results), not listed in a
select of thousands."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.messaging.access import (
    LISTED_FAMILIES,
    composer_choices,
    find_audiences,
    resolve_audience,
    writable_students,
)
from chalkline.messaging.models import Message, Recipient
from chalkline.messaging.tests.conftest import School
from chalkline.people.models import Affiliation, GuardianLink, Person
from conftest import World

URL = reverse("messaging:compose")


def _crowd(world: World, n: int = LISTED_FAMILIES + 5) -> list[Person]:
    """``n`` more students at North (each with a guardian), bulk-made as a roster import does."""
    district = world.district
    students = Person.objects.bulk_create(
        Person(
            district=district,
            kind=Person.Kind.STUDENT,
            given_name="Kid",
            family_name=f"Crowd{i:03d}",
            sourced_id=f"crowd-s{i}",
        )
        for i in range(n)
    )
    guardians = Person.objects.bulk_create(
        Person(
            district=district,
            kind=Person.Kind.GUARDIAN,
            given_name="Parent",
            family_name=f"Crowd{i:03d}",
            sourced_id=f"crowd-g{i}",
        )
        for i in range(n)
    )
    Affiliation.objects.bulk_create(Affiliation(person=s, building=world.north) for s in students)
    GuardianLink.objects.bulk_create(
        GuardianLink(guardian=g, student=s) for g, s in zip(guardians, students, strict=True)
    )
    return students


def test_a_small_school_lists_every_family_and_offers_no_search(
    client: Client, school: School
) -> None:
    world = school.world
    client.force_login(world.users["principal_north"])
    page = client.get(URL)
    assert page.status_code == 200
    assert b"The family of Maria Garcia" in page.content
    assert b'name="find"' not in page.content


def test_a_big_school_is_searched_not_listed(client: Client, school: School) -> None:
    world = school.world
    _crowd(world)
    client.force_login(world.users["principal_north"])
    page = client.get(URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "The family of" not in html  # no select of every family
    assert 'name="find"' in html and 'role="search"' in html
    assert "North Elementary: families" in html  # the building and its classes stay listed
    assert "Math 4: families" in html
    choices = composer_choices(world.users["principal_north"], world.district)
    assert choices.searchable


def test_search_finds_families_and_classes_without_javascript(
    client: Client, school: School
) -> None:
    world = school.world
    _crowd(world)
    client.force_login(world.users["principal_north"])
    page = client.get(URL, {"find": "garc"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "The family of Maria Garcia" in html
    assert f"?to=family%3A{world.student_north.pk}" in html
    assert "Crowd" not in html.split('id="found"')[1].split("</div>")[0]
    by_class = client.get(URL, {"find": "math"}).content.decode()
    assert "Math 4: families" in by_class and "Math 4: students" in by_class


def test_search_as_the_writer_types_returns_only_the_results(
    client: Client, school: School
) -> None:
    world = school.world
    _crowd(world)
    client.force_login(world.users["principal_north"])
    partial = client.get(URL, {"find": "Crowd00"}, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert partial.status_code == 200
    assert html.strip().startswith('<div id="found"')
    assert "<form" not in html
    assert html.count("The family of Kid Crowd00") == 10
    one_letter = client.get(URL, {"find": "C"}, headers={"HX-Request": "true"})
    assert b"at least 2" not in one_letter.content  # still typing: no error yet


def test_search_errors_name_the_field_and_the_limit(client: Client, school: School) -> None:
    world = school.world
    _crowd(world)
    client.force_login(world.users["principal_north"])
    short = client.get(URL, {"find": "G"}).content.decode()
    assert "Find: type at least 2 letters" in short
    long = client.get(URL, {"find": "x" * 81}).content.decode()
    assert "Find: at most 80 characters (this has 81)." in long
    none = client.get(URL, {"find": "zzzz"}).content.decode()
    assert "No class or student you may write to matches" in none


def test_search_never_reaches_past_the_writers_audience(client: Client, school: School) -> None:
    world = school.world
    _crowd(world)
    south_kid = Person.objects.create(
        district=world.district,
        kind=Person.Kind.STUDENT,
        given_name="Sofia",
        family_name="Garcia",
        sourced_id="south-kid",
    )
    Affiliation.objects.create(person=south_kid, building=world.south)
    user = world.users["principal_north"]
    found = {a.label for a in find_audiences(user, world.district, "garcia")}
    assert found == {"The family of Maria Garcia"}
    assert find_audiences(user, world.district, "art") == []  # Art 7 is South's class
    client.force_login(world.users["teacher_north"])
    page = client.get(URL, {"find": "crowd"}).content.decode()
    assert "Crowd" not in page  # the teacher's class has two students; none of the crowd


def test_a_found_family_is_preselected_and_the_send_goes_to_it(
    client: Client, school: School
) -> None:
    world = school.world
    crowd = _crowd(world)
    kid = crowd[7]
    client.force_login(world.users["principal_north"])
    page = client.get(URL, {"to": f"family:{kid.pk}"}).content.decode()
    assert f'<option value="family:{kid.pk}" selected>The family of Kid Crowd007</option>' in page
    response = client.post(
        URL,
        {
            "audience": f"family:{kid.pk}",
            "subject": "Library book",
            "body": "A library book is overdue; please return it by Friday.",
            "idempotency_key": "find-1",
        },
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert list(
        Recipient.objects.filter(message=message).values_list("person__family_name", flat=True)
    ) == ["Crowd007"]


def test_a_linked_audience_outside_ones_reach_is_not_offered(
    client: Client, school: School
) -> None:
    world = school.world
    _crowd(world)
    south_kid = Person.objects.create(
        district=world.district, kind=Person.Kind.STUDENT, given_name="Sofia",
        family_name="Southey", sourced_id="south-kid",
    )  # fmt: skip
    Affiliation.objects.create(person=south_kid, building=world.south)
    client.force_login(world.users["principal_north"])
    page = client.get(URL, {"to": f"family:{south_kid.pk}"})
    assert page.status_code == 200
    assert b"Southey" not in page.content


@pytest.mark.parametrize("persona", ["principal_north", "teacher_north", "superintendent"])
def test_writable_students_are_the_same_set_as_resolve_audience_allows(
    school: School, persona: str
) -> None:
    world = school.world
    user = world.users[persona]
    allowed = set(writable_students(user, world.district).values_list("pk", flat=True))
    for student in Person.objects.filter(kind=Person.Kind.STUDENT):
        try:
            resolve_audience(user, world.district, "family", str(student.pk))
        except Exception:
            assert student.pk not in allowed
        else:
            assert student.pk in allowed
    assert world.student_north.pk in allowed
