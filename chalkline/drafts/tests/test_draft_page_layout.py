""" "Check a draft" for people: findings first, clauses linked to the portal, the draft kept in the
box after keeping the check, and "who wrote it" only for a message received."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.drafts.models import DraftCheck
from chalkline.people.roster_index import forget_roster_indexes
from chalkline.policies.tests.factories import import_seed
from conftest import World

URL = "/check/"


@pytest.fixture(autouse=True)
def _fresh_roster_cache() -> Iterator[None]:
    forget_roster_indexes()
    yield
    forget_roster_indexes()


@pytest.fixture
def teacher(world: World, client: Client) -> Client:
    client.force_login(world.users["teacher_north"])
    return client


def keep_fields(page: str) -> dict[str, str]:
    form = page[page.index(f'action="{reverse("drafts:keep")}"') :]
    found = re.findall(r'<input type="hidden" name="(check|text)" value="([^"]*)"', form)
    return {k: html.unescape(v) for k, v in found}


def test_the_findings_come_first_right_under_the_heading(world: World, teacher: Client) -> None:
    page = teacher.post(URL, {"text": "Maria Garcia won!", "audience": "public"}).content.decode()
    body = page[page.index("<h1>Check a draft</h1>") :]
    assert body.index('id="results-heading"') < body.index('id="draft-form"')
    assert body.index('id="results-heading"') < body.index('class="lead"')


def test_errors_come_first_too(world: World, teacher: Client) -> None:
    page = teacher.post(URL, {"text": "", "audience": "public"}).content.decode()
    assert page.index("Your draft could not be checked") < page.index('id="draft-form"')


def test_a_clause_reference_links_to_the_clause_on_the_portal(
    world: World, teacher: Client, client: Client
) -> None:
    import_seed(world.district)  # 5:125 published on the portal
    page = teacher.post(URL, {"text": "Maria Garcia won!", "audience": "public"}).content.decode()
    clause = "5:125/use-of-personal-technology/6"
    portal = reverse("policies:portal_policy", args=[world.district.slug, "5:125"])
    assert f'<a href="{portal}#{clause}"><code>{clause}</code>' in page
    # the portal's policy page has that clause as an anchor
    portal_page = Client().get(portal).content.decode()
    assert f'id="{clause}"' in portal_page


def test_keeping_the_check_gives_the_draft_back_in_the_box(world: World, teacher: Client) -> None:
    text = "So proud of Maria Garcia!\r\nSee you Monday."
    page = teacher.post(URL, {"text": text, "audience": "class"}).content.decode()
    response = teacher.post(reverse("drafts:keep"), keep_fields(page))
    assert response.status_code == 200
    kept = response.content.decode()
    textarea = re.search(r'<textarea name="text"[^>]*>(.*?)</textarea>', kept, re.S)
    assert textarea is not None
    assert html.unescape(textarea.group(1)).strip() == text.replace("\r\n", "\n").strip() or (
        html.unescape(textarea.group(1)).strip() == text.strip()
    )
    assert 'value="class"' in kept and re.search(r'value="class"[^>]*checked', kept)
    assert "Check kept (date and findings only, no text)." in kept
    # the text was given back, not stored
    assert DraftCheck.objects.get().text == ""


def test_who_wrote_it_is_asked_only_for_a_message_received(world: World, teacher: Client) -> None:
    page = teacher.get(URL).content.decode()
    details = re.search(r"<details class=\"received\"( open)?>(.*?)</details>", page, re.S)
    assert details is not None
    assert details.group(1) is None  # closed: checking one's own draft needs nothing more
    assert "Checking a message you received" in details.group(2)
    assert 'name="author"' in details.group(2)
    assert page.count('name="author"') == 1
    # A message received opens it again when the page comes back.
    page = teacher.post(
        URL, {"text": "My teacher hurts me", "audience": "public", "author": "student"}
    ).content.decode()
    assert '<details class="received" open>' in page
