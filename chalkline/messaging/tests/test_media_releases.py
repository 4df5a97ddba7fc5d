"""The media-release page of a building: every persona (and the registrar), the bulk edit (one
audited event, all or nothing), filters, and the flags surviving a roster without them."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.messaging.tests.conftest import School
from chalkline.people.models import Person
from chalkline.people.roles import Role
from conftest import PERSONAS, make_user

MANAGES_NORTH = {"superintendent", "designee", "principal_north", "registrar_north"}
SEES_NORTH = {"hr", "netadmin", "union_rep", "teacher_north"}


@pytest.fixture(autouse=True)
def releases_known(school: School) -> None:
    Person.objects.filter(kind=Person.Kind.STUDENT).update(media_release_known=True)


@pytest.fixture
def registrar(school: School) -> None:
    w = school.world
    w.users["registrar_north"] = make_user(
        w.district, Role.REGISTRAR, building=w.north, username="registrar_north"
    )


@pytest.mark.parametrize("persona", [*PERSONAS, "registrar_north"])
def test_media_release_matrix(
    client: Client, school: School, registrar: None, persona: str
) -> None:
    w = school.world
    client.force_login(w.users[persona])
    url = reverse("messaging:media_building", args=[w.north.pk])
    page = client.get(url).status_code
    post = client.post(
        url, {"students": [str(school.classmate.pk)], "media_release": "no"}
    ).status_code
    index = client.get(reverse("messaging:media_index")).status_code
    if persona in MANAGES_NORTH:
        assert (page, post) == (200, 302), persona
        assert index in (200, 302), persona
    elif persona in SEES_NORTH:
        assert (page, post, index) == (403, 403, 403), persona
    else:  # families, the board, South staff, another district: not theirs to see
        assert (page, post) == (404, 404), persona
        # the outsider manages their own district's building, not this one
        assert index == (200 if persona == "outsider" else 403), persona
    changed = not Person.objects.get(pk=school.classmate.pk).media_release
    assert changed == (persona in MANAGES_NORTH), persona


def test_bulk_edit_is_audited_once_with_ids_and_flags_only(
    client: Client, school: School, registrar: None
) -> None:
    w = school.world
    client.force_login(w.users["registrar_north"])
    url = reverse("messaging:media_building", args=[w.north.pk])
    students = [str(school.classmate.pk), str(w.student_north.pk)]
    response = client.post(url, {"students": students, "directory_opt_out": "yes"})
    assert response.status_code == 302
    assert list(
        Person.objects.filter(pk__in=students).values_list("directory_opt_out", flat=True)
    ) == [True, True]
    event = AuditEvent.objects.get(action="people.media_flags_changed")
    assert "Okafor" not in event.after and "Garcia" not in event.after
    assert event.after_data[str(school.classmate.pk)] == {
        "media_release": True,
        "directory_opt_out": True,
    }
    # saving the same again changes nothing and records nothing new
    client.post(url, {"students": students, "directory_opt_out": "yes"})
    assert AuditEvent.objects.filter(action="people.media_flags_changed").count() == 1


def test_a_student_of_another_building_refuses_the_whole_save(
    client: Client, school: School, registrar: None
) -> None:
    w = school.world
    south_student = Person.objects.create(
        district=w.district, kind=Person.Kind.STUDENT, given_name="Zoe", family_name="South"
    )
    client.force_login(w.users["registrar_north"])
    url = reverse("messaging:media_building", args=[w.north.pk])
    response = client.post(
        url, {"students": [str(school.classmate.pk), str(south_student.pk)], "media_release": "no"}
    )
    assert response.status_code == 400
    assert Person.objects.get(pk=school.classmate.pk).media_release is True
    nothing = client.post(url, {"students": [str(school.classmate.pk)]})
    assert nothing.status_code == 400
    assert b"choose what to record" in nothing.content
    none_ticked = client.post(url, {"media_release": "no"})
    assert b"Students: tick at least one" in none_ticked.content


def test_filters_and_the_htmx_partial(client: Client, school: School, registrar: None) -> None:
    w = school.world
    Person.objects.filter(pk=school.classmate.pk).update(media_release=False)
    client.force_login(w.users["registrar_north"])
    url = reverse("messaging:media_building", args=[w.north.pk])
    page = client.get(url, {"show": "no_release"})
    assert b"Okafor" in page.content and b"Garcia, Maria" not in page.content
    partial = client.get(url, {"q": "garcia"}, headers={"HX-Request": "true"})
    assert b"Garcia, Maria" in partial.content and b"Okafor" not in partial.content
    assert b"<html" not in partial.content


def test_recording_a_release_makes_it_known(
    client: Client, school: School, registrar: None
) -> None:
    w = school.world
    Person.objects.filter(pk=school.classmate.pk).update(media_release_known=False)
    client.force_login(w.users["registrar_north"])
    url = reverse("messaging:media_building", args=[w.north.pk])
    listed = client.get(url, {"show": "no_release"})
    assert b"Not known" in listed.content and b"Okafor" in listed.content
    client.post(url, {"students": [str(school.classmate.pk)], "media_release": "yes"})
    liam = Person.objects.get(pk=school.classmate.pk)
    assert (liam.media_release, liam.media_release_known) == (True, True)
    event = AuditEvent.objects.get(action="people.media_flags_changed")
    assert event.before_data[str(liam.pk)]["media_release"] is None


def test_the_unknown_setting_is_on_the_index_for_the_superintendent_only(
    client: Client, school: School, registrar: None
) -> None:
    w = school.world
    client.force_login(w.users["superintendent"])
    page = client.get(reverse("messaging:media_index"))
    assert page.status_code == 200 and b"When a media release is not known" in page.content
    client.force_login(w.users["registrar_north"])
    assert client.get(reverse("messaging:media_index")).status_code == 302


@pytest.mark.parametrize("persona", [*PERSONAS, "registrar_north"])
def test_unknown_release_setting_matrix(
    client: Client, school: School, registrar: None, persona: str
) -> None:
    client.force_login(school.world.users[persona])
    status = client.post(
        reverse("messaging:media_unknown"), {"unknown_means_release": "release"}
    ).status_code
    # the superintendent and designee (manage_messaging); the outsider in their own district
    assert status == (302 if persona in {"superintendent", "designee", "outsider"} else 403)
