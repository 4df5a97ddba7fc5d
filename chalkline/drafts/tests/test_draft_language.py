"""The draft-check page explains findings in the browser's language (issue 23, point 3)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client

from chalkline.people.roster_index import forget_roster_indexes
from chalkline.screening.tests.catalogs import ensure_spanish_catalog
from conftest import World

URL = "/check/"


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    ensure_spanish_catalog()
    forget_roster_indexes()
    yield
    forget_roster_indexes()


@pytest.fixture
def teacher(world: World, client: Client) -> Client:
    client.force_login(world.users["teacher_north"])
    return client


def test_findings_are_explained_in_spanish_when_the_browser_asks_for_it(
    world: World, teacher: Client
) -> None:
    data = {"text": "¡Felicidades a Maria Garcia! Escríbeme por WhatsApp.", "audience": "public"}
    page = teacher.post(URL, data, headers={"accept-language": "es-MX,es;q=0.9"}).content.decode()
    assert "nombra a un alumno" in page
    assert "Esto invita a un alumno o a una familia a un canal personal" in page
    assert "names a student" not in page
    english = teacher.post(URL, data, headers={"accept-language": "en-US"}).content.decode()
    assert "names a student" in english
    assert "nombra a un alumno" not in english


def test_a_spanish_abuse_disclosure_shows_the_hotline_prompt(world: World, teacher: Client) -> None:
    response = teacher.post(
        URL,
        {
            "text": "Maestra, mi padrastro me pega cuando llego tarde.",
            "audience": "public",
            "author": "student",
        },
        headers={"accept-language": "es"},
    )
    page = response.content.decode()
    assert "You may need to report abuse or neglect" in page
    assert "1-800-25-ABUSE (1-800-252-2873)" in page
    assert "5:125/use-of-personal-technology/4" in page
    assert "Esto puede revelar abuso o negligencia" in page
