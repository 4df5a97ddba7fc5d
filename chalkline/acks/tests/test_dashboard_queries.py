"""The principal's building dashboard stays cheap (issue 20's soak): a fixed number of queries
whatever the building's size, one query for the tallies and their overdue counts, and the
staff table's links made without a URL reversal a row (timings: bench/soak_pages.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from chalkline.acks import selectors, services
from chalkline.acks.models import Assignment, Campaign
from conftest import World, make_person

from .helpers import make_campaign, ready_to_sign

# session, user, district, grants; campaign, building; the tallies; the distribution; the
# follow-ups; the mail delivery counts (the failed ones only when there are some); the page's
# rows (unfiltered, the tallies give the paginator its count)
DASHBOARD_QUERIES = 11


def _get(client: Client, url: str) -> tuple[Any, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, [q["sql"] for q in queries.captured_queries]


def _staff(world: World, n: int) -> None:
    for i in range(n):
        make_person(world.district, building=world.north, given_name="Sam", family_name=f"Row{i}")


@pytest.mark.parametrize("extra_staff", [0, 40])
def test_the_dashboard_costs_the_same_queries_for_a_few_or_many_staff(
    world: World, client: Client, extra_staff: int
) -> None:
    _staff(world, extra_staff)
    campaign = make_campaign(world.district, by=world.users["superintendent"])
    client.force_login(world.users["principal_north"])
    url = reverse("acks:building", args=[campaign.pk, world.north.pk])
    client.get(url)  # settings and caches, once
    _, sql = _get(client, url)
    assert len(sql) == DASHBOARD_QUERIES, "\n".join(sql)
    on_assignments = [s for s in sql if 'FROM "acks_assignment"' in s]
    assert len(on_assignments) == 2  # the tallies (with overdue) and the page's rows
    # filtered, the page counts its own rows
    _, sql = _get(client, url + "?status=not_opened")
    assert len(sql) == DASHBOARD_QUERIES + 1, "\n".join(sql)


def test_the_page_count_from_the_tallies_includes_closed_rows(world: World, client: Client) -> None:
    """Unfiltered, the paginator's count is the tallies' (signed, open, replaced and left
    together); it says as many staff as the rows listed over the pages."""
    from django.test import override_settings

    _staff(world, 5)
    campaign = make_campaign(world.district, by=world.users["superintendent"])
    rows = Assignment.objects.filter(campaign=campaign, building=world.north)
    n = rows.count()
    assert n >= 6
    first, second = rows.order_by("pk")[:2]
    Assignment.objects.filter(pk=first.pk).update(status="replaced", closed_reason="Replaced")
    Assignment.objects.filter(pk=second.pk).update(status="closed", closed_reason="Retired")
    client.force_login(world.users["principal_north"])
    url = reverse("acks:building", args=[campaign.pk, world.north.pk])
    with override_settings(PAGE_SIZE=4):
        pages = [client.get(url, {"page": p}).context["page"] for p in (1, 2, 3, 4)]
    assert pages[0].paginator.count == n
    listed = [len(p.object_list) for p in pages[: pages[0].paginator.num_pages]]
    assert sum(listed) == n
    html = client.get(url).content.decode()
    assert f'Staff <span class="muted">({n})</span>' in html


def test_the_staff_table_links_each_row_and_marks_the_overdue(world: World, client: Client) -> None:
    campaign = make_campaign(
        world.district,
        by=world.users["superintendent"],
        due_on=timezone.localdate() + timedelta(days=3),
    )
    teacher = world.users["teacher_north"]
    assert teacher.person is not None
    assignment = ready_to_sign(campaign, teacher)
    signature = services.sign_acknowledgment(
        assignment=assignment,
        by=teacher,
        typed_name=teacher.person.display_name,
        ip="127.0.0.1",
        user_agent="pytest",
    )
    late = Assignment.objects.filter(campaign=campaign, building=world.north).exclude(
        pk=assignment.pk
    )
    late_one = late.select_related("person").first()
    assert late_one is not None
    Assignment.objects.filter(pk=late_one.pk).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(world.users["principal_north"])
    response, _ = _get(client, reverse("acks:building", args=[campaign.pk, world.north.pk]))
    html = response.content.decode()
    assert reverse("acks:certificate", args=[signature.pk]) in html
    assert reverse("acks:personnel_file", args=[late_one.person_id]) in html
    assert reverse("acks:paper", args=[late_one.pk]) in html
    assert reverse("acks:witnessed_refusal", args=[late_one.pk]) in html
    assert reverse("acks:paper", args=[assignment.pk]) not in html  # signed: no paper link
    assert f'Record paper<span class="visually-hidden"> for {late_one.person.display_name}' in html
    assert html.count("(overdue)") == 1
    # each row's due date, formatted once a page for the rows that share it
    late_day = date_format(timezone.localdate() - timedelta(days=1), "M j, Y")
    due_day = date_format(timezone.localdate() + timedelta(days=3), "M j, Y")
    assert html.count(f"<td>{late_day}</td>") == 1
    # every other row (the signer's too) is due in three days: one fewer than the building's staff
    assert html.count(f"<td>{due_day}</td>") == late.count()
    tallies = selectors.category_tallies(campaign, world.north, timezone.localdate())
    assert selectors.total(tallies).overdue == 1


def test_a_principal_who_may_not_distribute_sees_no_paper_links(
    world: World, client: Client
) -> None:
    campaign = make_campaign(world.district, by=world.users["superintendent"])
    Assignment.objects.filter(campaign=campaign).update(
        due_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(world.users["superintendent"])  # sees every building, distributes too
    url = reverse("acks:building", args=[campaign.pk, world.north.pk])
    html = client.get(url).content.decode()
    assert "Record paper" in html
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    html = client.get(url).content.decode()
    assert "Record paper" not in html  # only a launched campaign takes paper records
