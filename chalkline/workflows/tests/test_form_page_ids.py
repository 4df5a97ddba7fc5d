"""Every form page: each aria-describedby, aria-labelledby and label ``for=`` names an id that is on
the page, and no id is used twice (WCAG 1.3.1, 4.1.1). A meta-test over the URL list, as the role
matrix is: a new page with a form gets checked once it is in PAGES."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.acks.tests.helpers import make_campaign
from chalkline.policies.tests.factories import guideline, import_seed, seed_v2_text
from conftest import World

REFERENCING = ("aria-describedby", "aria-labelledby", "aria-controls")


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: Counter[str] = Counter()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)
        self.forms = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms += 1
        if values.get("id"):
            self.ids[values["id"]] += 1
        for name in REFERENCING:
            for ref in values.get(name, "").split():
                self.refs.append((tag, name, ref))
        if tag == "label" and values.get("for"):
            self.refs.append((tag, "for", values["for"]))


def id_problems(html: str) -> list[str]:
    """What is wrong with the page's ids: references to missing ids, ids used twice."""
    parser = _Ids()
    parser.feed(html)
    problems = [
        f"<{tag} {attr}={ref!r}> names no element"
        for tag, attr, ref in parser.refs
        if ref not in parser.ids
    ]
    problems += [f"id {i!r} is used {n} times" for i, n in parser.ids.items() if n > 1]
    return problems


Page = Callable[[World, dict[str, Any]], tuple[str, str, dict[str, str] | None]]

# name -> (persona, url, POST data or None for a GET). POSTs show the forms with their errors.
PAGES: dict[str, Page] = {
    "login": lambda w, s: ("", reverse("login"), None),
    "login_error": lambda w, s: ("", reverse("login"), {"username": "x", "password": "y"}),
    "password_reset": lambda w, s: ("", reverse("password_reset"), None),
    "home": lambda w, s: ("superintendent", reverse("home"), None),
    "directory": lambda w, s: ("superintendent", reverse("people:directory"), None),
    "imports": lambda w, s: ("superintendent", reverse("people:imports"), None),
    "role_suggestions": lambda w, s: ("superintendent", reverse("people:role_suggestions"), None),
    "audit": lambda w, s: ("superintendent", reverse("audit:events"), None),
    "audit_bad_dates": lambda w, s: (
        "superintendent",
        reverse("audit:events") + "?since=2025-02-01&until=2025-01-01",
        None,
    ),
    "draft_check": lambda w, s: ("teacher_north", reverse("drafts:check"), None),
    "draft_checked": lambda w, s: (
        "teacher_north",
        reverse("drafts:check"),
        {"text": "Maria Garcia won!", "audience": "public"},
    ),
    "draft_errors": lambda w, s: ("teacher_north", reverse("drafts:check"), {"audience": "x"}),
    "drafts_kept": lambda w, s: ("teacher_north", reverse("drafts:kept"), None),
    "api_tokens": lambda w, s: ("netadmin", reverse("api:tokens"), None),
    "policy_library": lambda w, s: ("superintendent", reverse("policies:library"), None),
    "policy_import": lambda w, s: ("superintendent", reverse("policies:import"), None),
    "policy": lambda w, s: (
        "superintendent",
        reverse("policies:policy", args=[s["published"].policy_id]),
        None,
    ),
    "edit_draft": lambda w, s: (
        "superintendent",
        reverse("policies:edit_draft", args=[s["draft"].pk]),
        None,
    ),
    "publish": lambda w, s: (
        "superintendent",
        reverse("policies:publish", args=[s["draft"].pk]),
        None,
    ),
    "guideline_new": lambda w, s: (
        "superintendent",
        reverse("policies:guideline_new", args=[s["published"].policy_id]),
        None,
    ),
    "guideline_edit": lambda w, s: (
        "superintendent",
        reverse("policies:guideline_edit", args=[s["guideline"].pk]),
        None,
    ),
    "portal_search": lambda w, s: (
        "",
        reverse("policies:portal_search", args=[w.district.slug]) + "?q=student",
        None,
    ),
    "acks_mine": lambda w, s: ("teacher_north", reverse("acks:mine"), None),
    "acks_settings": lambda w, s: ("superintendent", reverse("acks:settings"), None),
    "campaigns": lambda w, s: ("superintendent", reverse("acks:campaigns"), None),
    "campaign_new": lambda w, s: ("superintendent", reverse("acks:campaign_new"), None),
    "campaign": lambda w, s: (
        "superintendent",
        reverse("acks:campaign", args=[s["campaign"].pk]),
        None,
    ),
    "ack_building": lambda w, s: (
        "superintendent",
        reverse("acks:building", args=[s["campaign"].pk, w.north.pk]),
        None,
    ),
}


@pytest.fixture
def setup(world: World) -> dict[str, Any]:
    published = import_seed(world.district)
    draft = import_seed(world.district, text=seed_v2_text(), publish=False)
    campaign = make_campaign(world.district, by=world.users["superintendent"], version=published)
    return {
        "published": published,
        "draft": draft,
        "guideline": guideline(published).guideline,
        "campaign": campaign,
    }


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_form_page_has_its_ids(
    world: World, setup: dict[str, Any], client: Client, name: str
) -> None:
    persona, url, data = PAGES[name](world, setup)
    if persona:
        client.force_login(world.users[persona])
    response = client.get(url) if data is None else client.post(url, data)
    assert response.status_code in (200, 400), (name, response.status_code)
    assert id_problems(response.content.decode()) == [], name


def test_the_checker_finds_what_it_should() -> None:
    page = (
        '<label for="a">A</label><input id="a" aria-describedby="a_helptext">'
        '<p id="b"></p><p id="b"></p>'
    )
    assert id_problems(page) == [
        "<input aria-describedby='a_helptext'> names no element",
        "id 'b' is used 2 times",
    ]
