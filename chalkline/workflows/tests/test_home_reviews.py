"""The home page leads each sign-in to the policy reviews it is named on (participants have no
menu item), the managers to the review schedule, and Board members to the Board's items."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.reviews.tests.helpers import open_review
from conftest import World

pytestmark = pytest.mark.django_db


def _home(world: World, persona: str) -> str:
    client = Client()
    client.force_login(world.users[persona])
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_participant_finds_the_review_on_the_home_page(world: World) -> None:
    review = open_review(world, participants=("union_rep",))
    link = reverse("reviews:review", args=[review.pk])
    page = _home(world, "union_rep")
    assert "Reviews you are named on" in page and link in page
    assert (
        f'href="{reverse("reviews:dashboard")}"' not in page
    )  # the schedule is for those who run reviews


def test_someone_not_named_sees_no_review_card(world: World) -> None:
    review = open_review(world, participants=("union_rep",))
    page = _home(world, "netadmin")
    assert reverse("reviews:review", args=[review.pk]) not in page
    assert 'id="card-reviews"' not in page


def test_the_designee_sees_open_reviews_and_the_schedule(world: World) -> None:
    review = open_review(world)
    page = _home(world, "designee")
    assert reverse("reviews:review", args=[review.pk]) in page
    assert f'href="{reverse("reviews:dashboard")}"' in page


def test_a_board_member_is_led_to_the_boards_items(world: World) -> None:
    open_review(world)
    page = _home(world, "board_member")
    assert reverse("reviews:board") in page
    assert 'id="card-reviews"' not in page  # Board members take part in no review
