"""The public SOPPA page (105 ILCS 85/27(a)): no sign-in; operators with addresses, data
elements, subcontractors and agreements; the district's text; breaches; paginated and
searchable; an expired agreement stays listed as "review due"."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse

from chalkline.people.models import User
from chalkline.registry.models import App, Breach, PrivacyPage
from conftest import World

from .conftest import make_app, make_posted


def _page(client: Client, world: World, **params: str) -> str:
    response = client.get(reverse("registry:public", args=[world.district.slug]), params)
    assert response.status_code == 200
    return response.content.decode()


def test_it_lists_posted_operators_with_what_soppa_asks(world: World, client: Client) -> None:
    make_posted(
        world.district,
        "Seesaw",
        subcontractors="Amazon Web Services\nZendesk",
        subcontractors_url="https://seesaw.me/subprocessors",
    )
    make_app(world.district, "Bloomz", status=App.Status.REQUESTED)
    PrivacyPage.objects.create(
        district=world.district,
        data_explanation="We collect names to run classes.",
        parent_rights="Write to the privacy officer.",
        host_name="Chalkline Hosting LLC",
        host_address="Springfield, IL",
    )
    page = _page(client, world)
    for text in (
        "Seesaw Learning, Inc.",
        "Fremont, CA",
        "Student name, Class roster",
        "Amazon Web Services, Zendesk",
        "https://seesaw.me/subprocessors",
        "We collect names to run classes.",
        "Write to the privacy officer.",
        "Chalkline Hosting LLC, Springfield, IL",
    ):
        assert text in page, text
    assert "Bloomz" not in page


def test_an_expired_agreement_stays_listed_as_review_due(world: World, client: Client) -> None:
    make_posted(
        world.district,
        "Remind",
        expires_on=datetime.date(2020, 6, 30),
        signed_on=datetime.date(2019, 7, 1),
    )
    page = _page(client, world)
    assert "Remind" in page
    assert "Review due:" in page and "June 30, 2020" in page


def test_it_searches_and_paginates(world: World, client: Client) -> None:
    for n in range(30):
        make_posted(world.district, f"App {n:02d}", operator=f"Operator {n:02d}")
    make_posted(world.district, "Kahoot!", operator="Kahoot ASA", data_elements="Quiz answers")
    first = _page(client, world)
    assert "Page 1 of 2" in first and "App 00" in first and "App 29" not in first
    assert "App 29" in _page(client, world, page="2")
    found = _page(client, world, q="quiz answers")
    assert "Kahoot ASA" in found and "App 00" not in found
    assert "1 result for" in found


def test_the_breach_list_is_public(world: World, client: Client, superintendent: User) -> None:
    app = make_posted(world.district, "Seesaw")
    Breach.objects.create(
        district=world.district,
        app=app,
        cause=Breach.Cause.OPERATOR,
        started_on=datetime.date(2026, 3, 1),
        ended_on=datetime.date(2026, 3, 4),
        estimated=True,
        students=412,
        discovered_on=datetime.date(2026, 3, 10),
        notify_by=datetime.date(2026, 5, 9),
        logged_by=superintendent,
    )
    page = _page(client, world)
    assert "March 1, 2026 to March 4, 2026 (estimated)" in page and "412" in page


def test_another_districts_agreement_is_not_found(world: World, client: Client) -> None:
    app = make_posted(world.other_district, "Seesaw")
    url = reverse("registry:public_agreement", args=[world.district.slug, app.pk])
    assert client.get(url).status_code == 404
