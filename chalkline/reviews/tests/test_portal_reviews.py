"""The public portal: each policy's adoption history (with the Board's readings and minutes), and
the drafts out for first reading when the district chose to show them."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.reviews import services
from chalkline.reviews.tests.test_board import _revised
from chalkline.workflows.adoption import adopt_and_follow_up
from conftest import World

pytestmark = pytest.mark.django_db


def test_drafts_out_for_first_reading_show_only_when_the_district_chooses(world: World) -> None:
    review = _revised(world)
    url = reverse("reviews_portal:first_reading", args=[world.district.slug])
    item = services.place_on_agenda(review=review, public_first_reading=False, by=None)
    page = Client().get(url)
    assert page.status_code == 200 and "No draft is out for first reading." in page.content.decode()
    item.public_first_reading = True
    item.save(update_fields=["public_first_reading"])
    services.record_reading(item=item, reading="first", on=date(2026, 10, 19), by=None)
    shown = Client().get(url).content.decode()
    assert "5:125" in shown and "mascots" in shown and "<ins" in shown
    assert "First reading October 19, 2026" in shown
    index = Client().get(reverse("policies:portal", args=[world.district.slug])).content.decode()
    assert url in index
    # Adopted: no longer a draft, so no longer listed.
    adopt_and_follow_up(
        item=item,
        adopted_on=date(2026, 11, 16),
        motion="To adopt.",
        vote="7-0",
        minutes_url="https://prairie.example.org/minutes.pdf",
        change_summary="Logos and mascots.",
        material=False,
        by=None,
    )
    assert "No draft is out" in Client().get(url).content.decode()


def test_adoption_history_lists_versions_with_the_board_outcome(world: World) -> None:
    review = _revised(world)
    item = services.place_on_agenda(review=review, by=None)
    services.record_reading(item=item, reading="first", on=date(2026, 10, 19), by=None)
    adopt_and_follow_up(
        item=item,
        adopted_on=date(2026, 11, 16),
        motion="To adopt.",
        vote="Ayes 7",
        minutes_url="https://prairie.example.org/minutes.pdf",
        change_summary="Logos and mascots.",
        material=False,
        by=None,
    )
    url = reverse("reviews_portal:history", args=[world.district.slug, "5:125"])
    page = Client().get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert (
        "Version 2</strong> (current): Adopted September 29, 2014; Revised November 16, 2026"
        in body
    )
    assert "first reading October 19, 2026, second reading November 16, 2026" in body
    assert "Ayes 7" in body and "https://prairie.example.org/minutes.pdf" in body
    assert "Version 1</strong>: Adopted September 29, 2014; Revised December 16, 2019" in body
    policy_page = (
        Client()
        .get(reverse("policies:portal_policy", args=[world.district.slug, "5:125"]))
        .content.decode()
    )
    assert url in policy_page


def test_unknown_districts_and_policies_are_not_found(world: World) -> None:
    assert (
        Client().get(reverse("reviews_portal:first_reading", args=["nowhere"])).status_code == 404
    )
    assert (
        Client()
        .get(reverse("reviews_portal:history", args=[world.district.slug, "9:999"]))
        .status_code
        == 404
    )
