"""The Board: agenda item, first reading (or a waived one), adoption at the second reading as the
minutes state it; adoption publishes the version with its date and, when material, opens the
follow-up campaign after the same confirm-first step as publishing. Board members read, never
comment."""

from __future__ import annotations

import json
from datetime import date

from django.test import Client
from django.urls import reverse

from chalkline.acks.models import Campaign
from chalkline.acks.tests.helpers import make_campaign
from chalkline.audit.models import AuditEvent
from chalkline.policies.models import VersionStatus
from chalkline.policies.tests.factories import LOGO_NEW, LOGO_OLD
from chalkline.reviews import services
from chalkline.reviews.models import BoardItem, Review, ReviewSchedule
from chalkline.reviews.tests.test_reviews import _sections
from conftest import World

from .helpers import open_review


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def _revised(world: World) -> Review:
    review = open_review(world)
    sections = [s.replace(LOGO_OLD, LOGO_NEW) for s in _sections(review)]
    services.save_review_draft(
        review=review, sections=sections, revision=0, confirm_lost=False, by=None
    )
    review.refresh_from_db()
    return review


ADOPTION = {
    "adopted_on": "2026-11-16",
    "motion": "Moved by Member Ortiz, seconded by Member Lee, to adopt Policy 5:125 as revised.",
    "vote": "Ayes 6, Nays 1",
    "minutes_url": "https://prairie.example.org/board/minutes/2026-11-16.pdf",
    "change_summary": "Logos and mascots need written permission.",
    "material": "on",
}


def test_the_board_adopts_at_second_reading_and_the_follow_up_opens_after_confirmation(
    world: World,
) -> None:
    campaign = make_campaign(world.district)
    review = _revised(world)
    designee = _client(world, "designee")
    placed = designee.post(reverse("reviews:place_on_agenda", args=[review.pk]))
    item = BoardItem.objects.get()
    assert placed.status_code == 302
    review.refresh_from_db()
    assert review.status == "at_board"
    first = designee.post(
        reverse("reviews:reading", args=[item.pk]), {"reading": "first", "on": "2026-10-19"}
    )
    assert first.status_code == 302
    # A second reading on or before the first is refused.
    early = designee.post(
        reverse("reviews:adopt", args=[item.pk]), ADOPTION | {"adopted_on": "2026-10-19"}
    )
    assert early.status_code == 400
    assert "must come after the first reading" in early.content.decode()
    # Material: the superintendent is asked first, with the reach.
    superintendent = _client(world, "superintendent")
    asked = superintendent.post(reverse("reviews:adopt", args=[item.pk]), ADOPTION)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "notify staff?" in page and "staff</strong> in" in page
    assert 'name="confirm" value="yes"' in page
    item.refresh_from_db()
    assert item.status == "first_reading"
    assert not Campaign.objects.filter(follows=campaign).exists()
    done = superintendent.post(
        reverse("reviews:adopt", args=[item.pk]), ADOPTION | {"confirm": "yes"}
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.adopted_on, item.second_reading_on) == (
        "adopted",
        date(2026, 11, 16),
        date(2026, 11, 16),
    )
    assert item.vote == "Ayes 6, Nays 1" and item.minutes_url.endswith("2026-11-16.pdf")
    version = review.draft
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED and version.material
    assert version.adopted_on == date(2014, 9, 29)  # the original adoption stays
    assert version.revised_on == date(2026, 11, 16)
    assert Campaign.objects.filter(follows=campaign).exists()
    review.refresh_from_db()
    assert review.status == "adopted"
    event = AuditEvent.objects.get(action="reviews.board_adoption_recorded")
    assert json.loads(event.after)["vote"] == "Ayes 6, Nays 1"
    assert AuditEvent.objects.filter(action="policies.published").count() == 2
    board_page = _client(world, "board_member").get(reverse("reviews:board_item", args=[item.pk]))
    assert board_page.status_code == 200
    assert "Ayes 6, Nays 1" in board_page.content.decode()


def test_a_waived_first_reading_adopts_at_one_meeting(world: World) -> None:
    review = _revised(world)
    designee = _client(world, "designee")
    designee.post(reverse("reviews:place_on_agenda", args=[review.pk]))
    item = BoardItem.objects.get()
    designee.post(
        reverse("reviews:reading", args=[item.pk]), {"reading": "waived", "on": "2026-11-16"}
    )
    item.refresh_from_db()
    assert item.first_reading_waived and item.first_reading_on is None
    data = ADOPTION | {"material": ""}
    done = designee.post(reverse("reviews:adopt", args=[item.pk]), data)
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "adopted" and item.second_reading_on is None


def test_adoption_needs_a_first_reading_and_moves_the_next_review(world: World) -> None:
    review = _revised(world)
    ReviewSchedule.objects.create(
        policy=review.policy, district=world.district, next_review_on=date(2026, 1, 1)
    )
    designee = _client(world, "designee")
    designee.post(reverse("reviews:place_on_agenda", args=[review.pk]))
    item = BoardItem.objects.get()
    refused = designee.post(reverse("reviews:adopt", args=[item.pk]), ADOPTION | {"material": ""})
    assert refused.status_code == 400
    assert "Record the first reading" in refused.content.decode()
    assert review.draft.status == VersionStatus.DRAFT
    designee.post(
        reverse("reviews:reading", args=[item.pk]), {"reading": "first", "on": "2026-10-19"}
    )
    designee.post(reverse("reviews:adopt", args=[item.pk]), ADOPTION | {"material": ""})
    schedule = ReviewSchedule.objects.get()
    assert schedule.next_review_on == date(2028, 11, 16)


def test_board_members_read_items_but_never_comment(world: World) -> None:
    review = _revised(world)
    services.place_on_agenda(review=review, by=None)
    item = BoardItem.objects.get()
    board = _client(world, "board_member")
    listing = board.get(reverse("reviews:board"))
    assert listing.status_code == 200 and "5:125" in listing.content.decode()
    page = board.get(reverse("reviews:board_item", args=[item.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "mascots" in body  # the change summary by clause
    assert "<textarea" not in body and "reviews:comment" not in body
    assert board.get(reverse("reviews:review", args=[review.pk])).status_code == 404
    assert (
        board.post(reverse("reviews:comment", args=[review.pk]), {"body": "x"}).status_code == 404
    )
    assert (
        board.post(
            reverse("reviews:reading", args=[item.pk]), {"reading": "first", "on": "2026-10-19"}
        ).status_code
        == 403
    )
    assert board.post(reverse("reviews:adopt", args=[item.pk]), ADOPTION).status_code == 403
