"""A review: the designee opens it and names participants, edits the draft by sections (clause
ids kept; losing ids asks first; a stale save is told to merge), participants comment, propose
and reply, and the designee resolves each comment. Everything is audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.policies.models import VersionStatus
from chalkline.policies.tests.factories import LOGO_NEW, LOGO_OLD
from chalkline.reviews.drafting import join_sections, split_sections
from chalkline.reviews.models import Comment, Participant, Review
from conftest import World

from .helpers import open_review, seed

pytestmark = pytest.mark.django_db

DUTY_7 = "5:125/use-of-personal-technology/7"


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def _sections(review: Review) -> list[str]:
    headings = [s.get("heading") or "" for s in review.draft.parsed["sections"]]
    return [p.text for p in split_sections(review.draft.canonical_text, headings)]


def test_split_and_join_give_the_text_back(world: World) -> None:
    version = seed(world.district)
    headings = [s.get("heading") or "" for s in version.parsed["sections"]]
    parts = split_sections(version.canonical_text, headings)
    assert [p.heading for p in parts][:3] == ["", "Purpose of This Policy", "Definitions"]
    assert join_sections([p.text for p in parts]) == version.canonical_text


def test_designee_opens_a_review_with_participants(world: World) -> None:
    version = seed(world.district)
    client = _client(world, "designee")
    page = client.get(reverse("reviews:open", args=[version.policy_id]))
    assert page.status_code == 200
    assert "union_rep" in page.content.decode()
    assert "board_member" not in page.content.decode()  # Board members never take part
    response = client.post(
        reverse("reviews:open", args=[version.policy_id]),
        {"participants": [world.users["union_rep"].pk, world.users["netadmin"].pk]},
    )
    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reviews:review", args=[review.pk])
    assert review.base == version and review.draft.status == VersionStatus.DRAFT
    assert review.draft.canonical_text == version.canonical_text
    # The draft keeps every clause id of the published version.
    assert set(review.draft.clauses.values_list("clause_id", flat=True)) == set(
        version.clauses.values_list("clause_id", flat=True)
    )
    kinds = dict(Participant.objects.values_list("user__username", "kind"))
    assert kinds == {"union_rep": "employee_rep", "netadmin": "network_admin"}
    event = AuditEvent.objects.get(action="reviews.opened")
    assert event.actor == world.users["designee"]
    assert AuditEvent.objects.filter(action="policies.draft_started").exists()
    again = client.post(
        reverse("reviews:open", args=[version.policy_id]),
        {"participants": [world.users["union_rep"].pk]},
    )
    assert again.status_code == 400
    assert "already has a review" in again.content.decode()


def test_participants_see_only_their_reviews(world: World) -> None:
    review = open_review(world, participants=("union_rep",))
    assert (
        _client(world, "union_rep").get(reverse("reviews:review", args=[review.pk])).status_code
        == 200
    )
    assert (
        _client(world, "netadmin").get(reverse("reviews:review", args=[review.pk])).status_code
        == 404
    )
    listing = _client(world, "netadmin").get(reverse("reviews:reviews"))
    assert listing.status_code == 200 and list(listing.context["reviews"]) == []
    assert _client(world, "board_member").get(reverse("reviews:reviews")).status_code == 403


def test_employee_rep_comments_on_a_clause_and_a_range(world: World) -> None:
    review = open_review(world)
    client = _client(world, "union_rep")
    response = client.post(
        reverse("reviews:comment", args=[review.pk]),
        {
            "clause_id": DUTY_7,
            "quote": "without permission",
            "body": "Say who gives permission.",
            "proposed_text": "Refrain from using the District’s logos without written permission.",
        },
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.kind, comment.clause_id, comment.quote) == (
        "proposal",
        DUTY_7,
        "without permission",
    )
    assert comment.author == world.users["union_rep"]
    event = AuditEvent.objects.get(action="reviews.commented")
    assert json.loads(event.after)["clause_id"] == DUTY_7
    page = _client(world, "designee").get(reverse("reviews:review", args=[review.pk]))
    assert "Say who gives permission." in page.content.decode()
    # The network administrator replies on the same thread.
    reply = _client(world, "netadmin").post(
        reverse("reviews:comment", args=[review.pk]),
        {"parent": comment.pk, "body": "The superintendent, in writing."},
    )
    assert reply.status_code == 302
    assert Comment.objects.get(parent=comment).clause_id == DUTY_7


def test_a_quote_that_is_not_in_the_clause_is_refused(world: World) -> None:
    review = open_review(world)
    response = _client(world, "union_rep").post(
        reverse("reviews:comment", args=[review.pk]),
        {"clause_id": DUTY_7, "quote": "no such words", "body": "Hm."},
    )
    assert response.status_code == 400
    assert "not in clause" in response.content.decode()
    assert not Comment.objects.exists()


def test_people_off_the_review_and_board_members_cannot_comment(world: World) -> None:
    review = open_review(world, participants=("union_rep",))
    for persona, status in (("netadmin", 404), ("board_member", 404), ("teacher_north", 404)):
        response = _client(world, persona).post(
            reverse("reviews:comment", args=[review.pk]),
            {"clause_id": DUTY_7, "body": "Let me in."},
        )
        assert response.status_code == status, persona
    assert not Comment.objects.exists()


def test_designee_resolves_comments_and_rejecting_needs_a_reason(world: World) -> None:
    review = open_review(world)
    _client(world, "union_rep").post(
        reverse("reviews:comment", args=[review.pk]), {"clause_id": DUTY_7, "body": "Clarify."}
    )
    comment = Comment.objects.get()
    designee = _client(world, "designee")
    refused = designee.post(
        reverse("reviews:resolve", args=[comment.pk]), {"resolution": "rejected", "reason": ""}
    )
    assert refused.status_code == 400
    comment.refresh_from_db()
    assert comment.resolution == "open"
    ok = designee.post(
        reverse("reviews:resolve", args=[comment.pk]),
        {"resolution": "rejected", "reason": "The model text is clear enough."},
    )
    assert ok.status_code == 302
    comment.refresh_from_db()
    assert (comment.resolution, comment.reason) == ("rejected", "The model text is clear enough.")
    assert comment.resolved_by == world.users["designee"]
    event = AuditEvent.objects.get(action="reviews.comment_resolved")
    assert json.loads(event.after)["resolution"] == "rejected"
    for outcome in ("accepted", "deferred"):
        designee.post(reverse("reviews:resolve", args=[comment.pk]), {"resolution": outcome})
        comment.refresh_from_db()
        assert comment.resolution == outcome
    # A participant may not resolve.
    denied = _client(world, "union_rep").post(
        reverse("reviews:resolve", args=[comment.pk]), {"resolution": "accepted"}
    )
    assert denied.status_code == 403


def test_editing_a_section_keeps_clause_ids_and_updates_the_redline(world: World) -> None:
    review = open_review(world)
    ids_before = set(review.draft.clauses.values_list("clause_id", flat=True))
    sections = [s.replace(LOGO_OLD, LOGO_NEW) for s in _sections(review)]
    client = _client(world, "designee")
    assert client.get(reverse("reviews:edit_draft", args=[review.pk])).status_code == 200
    response = client.post(
        reverse("reviews:edit_draft", args=[review.pk]), {"section": sections, "revision": "0"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.draft_revision == 1
    assert LOGO_NEW in review.draft.canonical_text
    assert set(review.draft.clauses.values_list("clause_id", flat=True)) == ids_before
    assert review.draft.clauses.get(clause_id=DUTY_7).text == LOGO_NEW
    page = client.get(reverse("reviews:review", args=[review.pk]))
    changed = [c.clause_id for c in page.context["changes"].clauses]
    assert changed == [DUTY_7]
    assert "<ins" in page.content.decode() and "mascots" in page.content.decode()
    assert AuditEvent.objects.filter(action="reviews.draft_saved").count() == 1


def test_a_draft_that_would_lose_clause_ids_lists_them_and_asks(world: World) -> None:
    review = open_review(world)
    sections = _sections(review)
    purpose = sections[1]
    sections[1] = purpose.split("\n\n")[0]  # the heading alone: its paragraph goes
    client = _client(world, "designee")
    response = client.post(
        reverse("reviews:edit_draft", args=[review.pk]), {"section": sections, "revision": "0"}
    )
    assert response.status_code == 400
    assert response.context["lost"] == ["5:125/purpose-of-this-policy/p1"]
    assert "5:125/purpose-of-this-policy/p1" in response.content.decode()
    review.refresh_from_db()
    assert review.draft_revision == 0
    confirmed = client.post(
        reverse("reviews:edit_draft", args=[review.pk]),
        {"section": sections, "revision": "0", "confirm_lost": "yes"},
    )
    assert confirmed.status_code == 302
    review.refresh_from_db()
    assert not review.draft.clauses.filter(clause_id="5:125/purpose-of-this-policy/p1").exists()
    event = AuditEvent.objects.get(action="reviews.draft_saved")
    assert json.loads(event.after)["clause_ids_removed"] == ["5:125/purpose-of-this-policy/p1"]


def test_the_second_of_two_saves_is_told_to_merge(world: World) -> None:
    review = open_review(world)
    sections = _sections(review)
    first = [s.replace(LOGO_OLD, LOGO_NEW) for s in sections]
    second = [
        s.replace("Use of Personal Technology", "Use of Personal Technology Today")
        for s in sections
    ]
    designee = _client(world, "designee")
    superintendent = _client(world, "superintendent")
    assert (
        designee.post(
            reverse("reviews:edit_draft", args=[review.pk]), {"section": first, "revision": "0"}
        ).status_code
        == 302
    )
    late = superintendent.post(
        reverse("reviews:edit_draft", args=[review.pk]), {"section": second, "revision": "0"}
    )
    assert late.status_code == 409
    body = late.content.decode()
    assert "merge your changes" in body
    assert "mascots" in body and "Personal Technology Today" in body  # theirs and mine, both shown
    assert late.context["revision"] == 1
    review.refresh_from_db()
    assert review.draft_revision == 1 and LOGO_NEW in review.draft.canonical_text
    assert "Personal Technology Today" not in review.draft.canonical_text
    assert AuditEvent.objects.filter(action="reviews.draft_saved").count() == 1


def test_participants_cannot_edit_the_draft(world: World) -> None:
    review = open_review(world)
    response = _client(world, "union_rep").post(
        reverse("reviews:edit_draft", args=[review.pk]),
        {"section": _sections(review), "revision": "0"},
    )
    assert response.status_code == 403
