"""The composer's page stays cheap at a big school (issue 20's soak): whether the families are
listed is decided from the building's affiliations, without the UNION probe over every student
in reach (39 ms of PostgreSQL at 60,000 students; timings: bench/soak_pages.py)."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chalkline.messaging.access import LISTED_FAMILIES, composer_choices
from chalkline.messaging.tests.conftest import School
from chalkline.people.models import Affiliation, Person

URL = reverse("messaging:compose")

# session, user, district, grants; the buildings, the staff groups one may write to, the classes,
# the affiliation probe (the UNION probe before it asked for the class ids and the students: one
# query more than today)
BIG_SCHOOL_QUERIES = 8


def _crowd(school: School, n: int, kind: str) -> None:
    world = school.world
    people = Person.objects.bulk_create(
        Person(district=world.district, kind=kind, given_name="Kid", family_name=f"Crowd{i:03d}")
        for i in range(n)
    )
    Affiliation.objects.bulk_create(Affiliation(person=p, building=world.north) for p in people)


def test_a_big_school_is_searchable_from_one_cheap_probe(client: Client, school: School) -> None:
    _crowd(school, LISTED_FAMILIES + 5, Person.Kind.STUDENT)
    client.force_login(school.world.users["principal_north"])
    client.get(URL)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(URL)
    assert page.status_code == 200
    assert 'name="find"' in page.content.decode()
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("UNION" in s for s in sql), "\n".join(sql)
    assert len(sql) == BIG_SCHOOL_QUERIES, "\n".join(sql)


def test_staff_in_the_building_do_not_make_it_a_big_school(school: School) -> None:
    """The probe counts students only: a building of many staff and few students still lists
    its families."""
    _crowd(school, LISTED_FAMILIES + 5, Person.Kind.STAFF)
    choices = composer_choices(school.world.users["principal_north"], school.world.district)
    assert not choices.searchable
    labels = [a.label for a in choices.audiences]
    assert "The family of Maria Garcia" in labels


def test_exactly_the_listed_number_of_students_is_still_listed(school: School) -> None:
    world = school.world
    have = Affiliation.objects.filter(
        building=world.north, active=True, person__kind=Person.Kind.STUDENT, person__active=True
    ).count()
    _crowd(school, LISTED_FAMILIES - have, Person.Kind.STUDENT)
    choices = composer_choices(world.users["principal_north"], world.district)
    assert not choices.searchable
    _crowd(school, 1, Person.Kind.STUDENT)
    assert composer_choices(world.users["principal_north"], world.district).searchable
