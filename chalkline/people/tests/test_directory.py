from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chalkline.people import access
from chalkline.people.models import Person
from conftest import World, make_person


def test_building_directory_searches_and_paginates(
    world: World, client: Client, settings: object
) -> None:
    settings.PAGE_SIZE = 5  # type: ignore[attr-defined]
    for i in range(12):
        make_person(
            world.district,
            building=world.north,
            given_name=f"Given{i:02d}",
            family_name="Zed",
            job_title="Custodian" if i % 2 else "Teacher",
        )
    client.force_login(world.users["principal_north"])
    url = reverse("people:building", args=[world.north.pk])
    response = client.get(url)
    assert response.context["page"].paginator.count == 14  # 12 + Nora + Tess
    assert len(response.context["page"].object_list) == 5
    response = client.get(url, {"q": "custodian"})
    assert response.context["page"].paginator.count == 6
    response = client.get(url, {"q": "zed", "page": "3"}, headers={"HX-Request": "true"})
    assert b'id="staff-list"' in response.content and b"<html" not in response.content
    assert len(response.context["page"].object_list) == 2


def test_directory_lists_only_active_staff_not_students(world: World, client: Client) -> None:
    gone = make_person(
        world.district,
        building=world.north,
        given_name="Gone",
        family_name="Away",
        active=False,
        deactivation_reason="left",
    )
    client.force_login(world.users["superintendent"])
    response = client.get(reverse("people:building", args=[world.north.pk]))
    names = {p.pk for p in response.context["page"].object_list}
    assert gone.pk not in names
    assert world.student_north.pk not in names
    assert world.staff_north.pk in names


def test_no_query_crosses_districts(world: World) -> None:
    superintendent = world.users["superintendent"]
    visible = access.people_visible_to(superintendent, world.district)
    assert not visible.filter(district=world.other_district).exists()
    assert Person.objects.filter(district=world.other_district).exists()
    assert (
        not access.buildings_visible_to(superintendent, world.district)
        .filter(pk=world.elsewhere.pk)
        .exists()
    )


def test_person_page_shows_guardian_links_to_those_who_may_see_students(
    world: World, client: Client
) -> None:
    client.force_login(world.users["principal_north"])
    response = client.get(reverse("people:person", args=[world.student_north.pk]))
    assert response.status_code == 200
    assert b"Elena Garcia" in response.content  # the guardian
    client.force_login(world.users["student_north"])
    response = client.get(reverse("people:person", args=[world.student_north.pk]))
    assert response.status_code == 200  # a student sees their own record
