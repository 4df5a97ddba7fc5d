"""Check a draft uses the District's registry (handed over by chalkline/workflows/channels.py):
an approved app is not flagged; an unapproved one is, with a link to ask for its approval."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.utils import timezone

from chalkline.people.roster_index import forget_roster_indexes
from chalkline.registry.models import App
from conftest import World

URL = "/check/"


@pytest.fixture(autouse=True)
def _fresh_roster_cache() -> Iterator[None]:
    forget_roster_indexes()
    yield
    forget_roster_indexes()


def test_an_unapproved_app_links_to_the_request_and_an_approved_one_passes(
    world: World, client: Client
) -> None:
    client.force_login(world.users["teacher_north"])
    draft = {"text": "Join our class on Bloomz for photos.", "audience": "class"}
    page = client.post(URL, draft).content.decode()
    assert "Bloomz is not on the District" in page
    assert 'href="/registry/request/?name=Bloomz"' in page
    App.objects.create(
        district=world.district,
        name="Bloomz",
        operator="Bloomz, Inc.",
        purpose=App.Purpose.STAFF_FAMILY,
        status=App.Status.APPROVED,
        approved_at=timezone.now(),
    )
    page = client.post(URL, draft).content.decode()
    assert "Bloomz is not on the District" not in page
