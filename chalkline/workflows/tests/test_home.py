"""Every sign-in lands on a home page that leads somewhere: guardians see their children,
students the policy written for them, Board members what is coming to the Board, and the
superintendent and principals a dashboard of what needs them today."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.acks import services as ack_services
from chalkline.acks.tests.helpers import make_campaign
from chalkline.people.models import ImportBatch, Person, RoleSuggestion
from chalkline.people.roles import Role
from chalkline.policies import services as policy_services
from chalkline.policies.tests.factories import import_seed, small_policy
from conftest import World


def _home(client: Client, world: World, who: str) -> str:
    client.force_login(world.users[who])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_guardian_sees_their_children_and_the_public_portal(world: World, client: Client) -> None:
    Person.objects.filter(given_name="Maria", family_name="Garcia").update(grade="4")
    page = _home(client, world, "guardian_north")
    assert "Your children" in page
    assert "Maria Garcia" in page and "North Elementary" in page and "Grade 4" in page
    assert reverse("policies:portal", kwargs={"district": world.district.slug}) in page


def test_a_student_sees_the_portal_and_what_the_policy_means_for_students(
    world: World, client: Client
) -> None:
    import_seed(world.district)
    page = _home(client, world, "student_north")
    slug = world.district.slug
    assert reverse("policies:portal", kwargs={"district": slug}) in page
    assert reverse("policies:portal_policy", kwargs={"district": slug, "number": "5:125"}) in page
    assert "What Policy 5:125 means for you" in page
    assert "never have to give anyone your passwords" in page


def test_a_students_record_explains_its_flags(world: World, client: Client) -> None:
    client.force_login(world.users["student_north"])
    student = world.users["student_north"].person
    assert student is not None
    page = client.get(reverse("people:person", args=[student.pk])).content.decode()
    assert "Directory opt-out" in page and "Media release" in page
    assert "left out of the school directory" in page
    assert "photos or videos of you" in page


def test_a_board_member_sees_policies_and_the_link_to_the_boards_items(
    world: World, client: Client
) -> None:
    import_seed(world.district)
    page = _home(client, world, "board_member")
    assert "Coming to the Board" in page
    assert reverse("reviews:board") in page
    assert reverse("policies:library") in page
    assert "Personal Technology and Social Media" in page  # recently published


def test_a_board_member_sees_policies_with_drafts(world: World, client: Client) -> None:
    import_seed(world.district)
    policy_services.import_policy(
        district=world.district,
        data=small_policy("2:220", "Board Meeting Procedure", "Meetings are open."),
        filename="2-220.txt",
        by=world.users["superintendent"],
    )
    page = _home(client, world, "board_member")
    assert "Board Meeting Procedure" in page and "draft" in page.lower()


@pytest.fixture
def busy_district(world: World) -> World:
    """A launched campaign half done in North, overdue, not distributed in South; a pending role
    suggestion and a failed import."""
    boss = world.users["superintendent"]
    campaign = make_campaign(
        world.district, by=boss, due_on=timezone.localdate() - timedelta(days=2)
    )
    ack_services.distribute_campaign(
        campaign=campaign, building=world.north, by=world.users["principal_north"]
    )
    teacher_south = world.users["teacher_south"].person
    assert teacher_south is not None
    RoleSuggestion.objects.create(
        district=world.district,
        person=teacher_south,
        building=world.south,
        role=Role.PRINCIPAL,
        sis_role="administrator",
    )
    ImportBatch.objects.create(
        district=world.district,
        status=ImportBatch.Status.FAILED,
        source_name="roster.zip",
        message="Bad header",
    )
    return world


def test_the_superintendent_home_is_a_dashboard(busy_district: World, client: Client) -> None:
    page = _home(client, busy_district, "superintendent")
    assert "Open campaigns" in page
    assert "Annual acknowledgment 5:125" in page and "0% done" in page
    assert "Overdue by building" in page
    assert "South Middle" in page and "North Elementary" in page
    assert "Not yet distributed" in page
    assert "1 role suggestion waiting" in page
    assert "1 failed import" in page


def test_a_principal_home_shows_their_building_only(busy_district: World, client: Client) -> None:
    page = _home(client, busy_district, "principal_north")
    assert "Open campaigns" in page and "Overdue by building" in page
    assert "North Elementary" in page
    assert "South Middle" not in page
    assert "role suggestion" not in page and "failed import" not in page


def test_a_teacher_home_has_no_dashboard(busy_district: World, client: Client) -> None:
    page = _home(client, busy_district, "teacher_north")
    assert "Open campaigns" not in page and "Overdue by building" not in page
