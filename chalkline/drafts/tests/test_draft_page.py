""" "Check a draft": an employee screens a draft; nothing is stored unless they keep the check."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.drafts.models import DraftCheck
from chalkline.people.roster_index import forget_roster_indexes
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


def keep_fields(html: str) -> dict[str, str]:
    form = html[html.index(f'action="{reverse("drafts:keep")}"') :]
    fields = dict(re.findall(r'<input type="hidden" name="(check|text)" value="([^"]*)"', form))
    import html as h

    return {k: h.unescape(v) for k, v in fields.items()}


def test_a_student_named_in_a_public_post_is_highlighted_with_clause_and_fix(
    world: World, teacher: Client
) -> None:
    before = (AuditEvent.objects.count(), DraftCheck.objects.count())
    response = teacher.post(
        URL, {"text": "So proud of Maria Garcia at the science fair!", "audience": "public"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<mark class="finding-mark sev-block">Maria Garcia</mark>' in page
    assert "[start of finding 1, Must fix: Student name]" in page
    assert 'href="#finding-1"' in page
    assert "5:125/use-of-personal-technology/6" in page
    assert "How to fix:" in page
    # Checking stores nothing at all.
    assert (AuditEvent.objects.count(), DraftCheck.objects.count()) == before


def test_htmx_gets_only_the_results(world: World, teacher: Client) -> None:
    response = teacher.post(
        URL,
        {"text": "Maria Garcia won!", "audience": "class"},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results"')
    assert "<html" not in page
    assert "Maria Garcia</mark>" in page


def test_a_message_to_the_students_own_family_is_fine(world: World, client: Client) -> None:
    # The principal sees the family in the directory and can pick it.
    client.force_login(world.users["principal_north"])
    response = client.post(
        URL,
        {
            "text": "Maria Garcia did great today.",
            "audience": "family",
            "guardian": world.guardian_north.pk,
        },
    )
    page = response.content.decode()
    assert "No findings" in page
    assert "<mark" not in page


def test_a_family_hidden_from_the_employee_cannot_be_picked(world: World, teacher: Client) -> None:
    response = teacher.post(
        URL, {"text": "Hi", "audience": "family", "guardian": world.guardian_north.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_a_student_message_telling_of_abuse_shows_the_mandated_reporter_prompt(
    world: World, teacher: Client
) -> None:
    response = teacher.post(
        URL,
        {
            "text": "My stepdad hits me and I am scared to go home.",
            "audience": "public",
            "author": "student",
        },
    )
    page = response.content.decode()
    assert "You may need to report abuse or neglect" in page
    assert "1-800-25-ABUSE (1-800-252-2873)" in page
    assert "Possible abuse or neglect" in page
    assert "5:125/use-of-personal-technology/4" in page


def test_an_ordinary_draft_shows_no_hotline_prompt(world: World, teacher: Client) -> None:
    response = teacher.post(URL, {"text": "The book fair opens Monday.", "audience": "public"})
    page = response.content.decode()
    assert "No findings" in page
    assert "DCFS hotline" not in page


def test_empty_draft_is_an_error_naming_the_field(world: World, teacher: Client) -> None:
    response = teacher.post(URL, {"text": "   ", "audience": "public"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Paste a draft or attach an image to check." in page
    assert 'href="#id_text"' in page


def test_a_corrupt_image_is_reported_not_a_crash(world: World, teacher: Client) -> None:
    image = SimpleUploadedFile("photo.jpg", b"\xff\xd8\xff not a jpeg" * 50, "image/jpeg")
    response = teacher.post(URL, {"text": "", "audience": "public", "image": image})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Image could not be checked" in page
    assert "(in the attached image)" in page


def test_a_bomb_image_is_reported(world: World, teacher: Client) -> None:
    buf = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buf, "PNG")
    image = SimpleUploadedFile("bomb.png", buf.getvalue(), "image/png")
    response = teacher.post(URL, {"text": "Our class!", "audience": "public", "image": image})
    assert response.status_code == 200
    assert "megapixels" in response.content.decode()


def test_keep_this_check_stores_counts_without_the_text(world: World, teacher: Client) -> None:
    text = "So proud of Maria Garcia!\r\nDM me on Snapchat."
    page = teacher.post(URL, {"text": text, "audience": "public"}).content.decode()
    fields = keep_fields(page)
    response = teacher.post(reverse("drafts:keep"), {**fields})
    assert response.status_code == 200
    check = DraftCheck.objects.get()
    assert check.user == world.users["teacher_north"]
    assert check.district == world.district
    assert check.text == ""
    assert check.audience == "public"
    assert check.by_detector["student_name"] == 1
    assert check.findings == check.blocks + check.warnings + check.notes >= 1
    event = AuditEvent.objects.get(action=Action.DRAFT_CHECK_KEPT)
    assert event.actor_id == world.users["teacher_north"].pk
    assert (event.target_type, event.target_id) == ("drafts.draftcheck", str(check.pk))
    assert "Maria" not in event.after and "Snapchat" not in event.after


def test_keep_with_the_text_stores_the_text(world: World, teacher: Client) -> None:
    text = "So proud of Maria Garcia!\r\nSee you Monday."
    page = teacher.post(URL, {"text": text, "audience": "class"}).content.decode()
    fields = keep_fields(page)
    teacher.post(reverse("drafts:keep"), {**fields, "keep_text": "on"})
    check = DraftCheck.objects.get()
    assert check.text == text
    assert check.audience == "class"
    assert "Maria" not in AuditEvent.objects.get(action=Action.DRAFT_CHECK_KEPT).after


def test_a_tampered_check_or_text_is_refused(world: World, teacher: Client, client: Client) -> None:
    page = teacher.post(URL, {"text": "Maria Garcia!", "audience": "public"}).content.decode()
    fields = keep_fields(page)
    forged = teacher.post(reverse("drafts:keep"), {**fields, "check": fields["check"] + "x"})
    assert forged.status_code == 400
    swapped = teacher.post(
        reverse("drafts:keep"), {**fields, "text": "something else", "keep_text": "on"}
    )
    assert swapped.status_code == 400
    other = Client()
    other.force_login(world.users["teacher_south"])
    assert other.post(reverse("drafts:keep"), fields).status_code == 400
    assert not DraftCheck.objects.exists()


def test_the_nav_offers_check_a_draft_to_employees_only(world: World, client: Client) -> None:
    client.force_login(world.users["teacher_north"])
    assert "Check a draft" in client.get(reverse("home")).content.decode()
    client.force_login(world.users["board_member"])
    assert "Check a draft" not in client.get(reverse("home")).content.decode()
