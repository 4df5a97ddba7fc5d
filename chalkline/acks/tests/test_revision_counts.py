"""After a material revision: the old campaign's closed assignments are shown as replaced, with
the follow-up that carries them on, and the campaign page, the list, the building page and the
CSV agree. A leaver's closure says so, and a replacement says which version replaced it."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse

from chalkline.acks import services
from chalkline.acks.models import Assignment, AssignmentStatus, Campaign
from chalkline.people.models import Person
from chalkline.policies import services as policy_services
from chalkline.policies.models import PolicyVersion
from chalkline.policies.tests.factories import import_seed, seed_v2_text
from conftest import World

from .helpers import assignment_of, make_campaign, ready_to_sign


def _revised(world: World) -> tuple[Campaign, Campaign]:
    """Four staff assigned; the North teacher signs; a material revision replaces the other
    three's open assignments."""
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    import_seed(world.district, text=seed_v2_text(), publish=False)
    draft = PolicyVersion.objects.get(district=world.district, status="draft")
    v2 = policy_services.publish_policy_version(
        version=draft, change_summary="Adds annual training duty", material=True, by=None
    )
    follow = services.open_follow_up_campaign(version=v2, by=None)
    assert follow is not None
    return campaign, follow


def test_a_revision_replaces_open_assignments_with_their_own_status(world: World) -> None:
    campaign, _ = _revised(world)
    replaced = Assignment.objects.filter(campaign=campaign, status=AssignmentStatus.REPLACED)
    assert replaced.count() == 3
    assert {a.status_label for a in replaced} == {"Replaced by version 2"}
    assert not Assignment.objects.filter(campaign=campaign, status="closed").exists()


def test_the_campaign_page_shows_the_replaced_assignments_and_links_the_follow_up(
    world: World, client: Client
) -> None:
    campaign, follow = _revised(world)
    client.force_login(world.users["superintendent"])
    page = client.get(reverse("acks:campaign", args=[campaign.pk])).content.decode()
    assert "1 of 1 done (100%), 0 overdue; 4 assigned in all, 3 replaced by a newer version" in (
        page
    )
    assert f'carried on in <a href="{reverse("acks:campaign", args=[follow.pk])}">' in page
    listing = client.get(reverse("acks:campaigns")).content.decode()
    assert '4 <span class="muted">(3 replaced by a newer version)</span>' in listing


def test_the_building_page_and_its_staff_list_say_replaced_by_version_2(
    world: World, client: Client
) -> None:
    campaign, follow = _revised(world)
    client.force_login(world.users["superintendent"])
    page = client.get(reverse("acks:building", args=[campaign.pk, world.north.pk])).content
    text = page.decode()
    assert "1 of 1 done (100%), 0 overdue; 2 assigned in all, 1 replaced by a newer version" in (
        text
    )
    staff_list = text.split('id="staff-list"')[1]
    assert "Replaced by version 2" in staff_list
    assert "left the district" not in staff_list.lower()
    assert reverse("acks:campaign", args=[follow.pk]) in text


def test_the_csv_counts_every_assignment_and_names_the_follow_up(
    world: World, client: Client
) -> None:
    campaign, follow = _revised(world)
    client.force_login(world.users["superintendent"])
    export = client.get(reverse("acks:campaign_export", args=[campaign.pk])).content.decode()
    lines = list(csv.reader(io.StringIO(export)))
    assert lines[3][0] == "# carried_on_by" and f"campaign={follow.pk}" in lines[3][1]
    header = lines[4]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in lines[5:]}
    north = rows["North Elementary"]
    assert north["assigned"] == "2"
    assert north["signed"] == "1"
    assert north["replaced_by_newer_version"] == "1"
    assert north["left_district"] == "0"
    assert sum(int(r["assigned"]) for r in rows.values()) == campaign.assigned_count == 4


def test_a_leavers_closure_says_they_left_and_not_that_a_version_replaced_it(
    world: World, client: Client
) -> None:
    campaign = make_campaign(world.district)
    Person.objects.filter(pk=world.staff_north.pk).update(
        active=False, deactivation_reason="Retired"
    )
    services.close_leaver_assignments(district=world.district, by=None)
    client.force_login(world.users["superintendent"])
    page = client.get(reverse("acks:building", args=[campaign.pk, world.north.pk])).content
    assert b"Left the district (Retired)" in page
    assert b"1 closed because the person left the district" in page
    mine = assignment_of(campaign, world.users["teacher_north"])
    assert mine.status_label == "Not opened"
