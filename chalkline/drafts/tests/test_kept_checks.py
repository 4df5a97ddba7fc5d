""" "My kept checks": an employee finds the checks they kept; nobody else's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.drafts.services import keep_draft_check
from conftest import PERSONAS, World

DRAFT_CHECKERS = set(PERSONAS) - {"board_member", "guardian_north", "student_north"}


def keep(world: World, persona: str, *, text: str | None, audience: str = "public") -> None:
    keep_draft_check(
        district=world.district,
        audience=audience,
        by_detector={"student_name": 1},
        severities={"block": 1},
        had_image=False,
        text=text,
        by=world.users[persona],
    )


def test_an_employee_sees_their_kept_checks_with_the_text_they_kept(
    world: World, client: Client
) -> None:
    keep(world, "teacher_north", text="So proud of Maria Garcia!")
    keep(world, "teacher_north", text=None, audience="class")
    keep(world, "teacher_south", text="Tom's secret draft")
    client.force_login(world.users["teacher_north"])
    page = client.get(reverse("drafts:kept")).content.decode()
    assert page.count('<li class="card">') == 2
    assert "So proud of Maria Garcia!" in page
    assert "Kept without its text." in page
    assert "A message to a class" in page
    assert "Tom&#x27;s secret draft" not in page and "Tom's secret draft" not in page


def test_the_check_page_links_to_my_kept_checks(world: World, client: Client) -> None:
    client.force_login(world.users["teacher_north"])
    page = client.get(reverse("drafts:check")).content.decode()
    assert f'href="{reverse("drafts:kept")}"' in page


def test_no_kept_check_says_how_to_keep_one(world: World, client: Client) -> None:
    client.force_login(world.users["teacher_south"])
    assert "You have not kept any check yet" in client.get(reverse("drafts:kept")).content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_role_matrix_my_kept_checks(world: World, client: Client, persona: str) -> None:
    keep(world, "teacher_north", text="Only Tess sees this")
    client.force_login(world.users[persona])
    response = client.get(reverse("drafts:kept"))
    assert response.status_code == (200 if persona in DRAFT_CHECKERS else 403)
    assert ("Only Tess sees this" in response.content.decode()) == (persona == "teacher_north")


def test_anonymous_is_sent_to_sign_in(world: World, client: Client) -> None:
    response = client.get(reverse("drafts:kept"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
