"""Every persona × the review pages: the schedule dashboard and schedules belong to the
superintendent and the designee (manage_reviews, district-wide); a participant sees only the
reviews they are named on; Board members see Board items, packets and outcomes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.reviews import services
from conftest import PERSONAS, World

from .helpers import seed

MANAGERS = {"superintendent", "designee"}
STAFF = MANAGERS | {"hr", "principal_north", "netadmin", "union_rep"}
STAFF |= {"teacher_north", "teacher_south"}


@pytest.fixture
def setup(world: World) -> dict[str, Any]:
    version = seed(world.district)
    other = seed(world.other_district)
    review = services.open_review(
        policy=version.policy, participants=[world.users["union_rep"]], by=None
    )
    comment = services.add_comment(
        review=review,
        by=world.users["union_rep"],
        body="Clarify.",
        clause_id=review.draft.clauses.first().clause_id,  # type: ignore[union-attr]
    )
    other_review = services.open_review(policy=other.policy, participants=[], by=None)
    item = services.place_on_agenda(review=review, by=None)
    packet = services.make_board_packet(item=item, by=None)
    text = review.draft.canonical_text
    update = services.import_model_update(
        review=review, label="PRESS", old_model_text=text, new_model_text=text + "\nNew.\n", by=None
    )
    return {
        "update": update,
        "packet": packet,
        "item": item,
        "policy": version.policy,
        "other_policy": other.policy,
        "review": review,
        "comment": comment,
        "other_review": other_review,
    }


T = Callable[[World, dict[str, Any]], str]
# name: (url, method, personas allowed, their status, everyone else's status, overrides)
CASES: dict[str, tuple[T, str, set[str], int, int, dict[str, int]]] = {
    "dashboard": (
        lambda w, s: reverse("reviews:dashboard"),
        "get",
        MANAGERS | {"outsider"},
        200,
        403,
        {},
    ),
    "schedule": (
        lambda w, s: reverse("reviews:schedule", args=[s["policy"].pk]),
        "get",
        MANAGERS,
        200,
        403,
        {"outsider": 404},
    ),
    "schedule_other_district": (
        lambda w, s: reverse("reviews:schedule", args=[s["other_policy"].pk]),
        "get",
        {"outsider"},
        200,
        403,
        {"superintendent": 404, "designee": 404},
    ),
    "open": (
        lambda w, s: reverse("reviews:open", args=[s["policy"].pk]),
        "get",
        MANAGERS,
        200,
        403,
        {"outsider": 404},
    ),
    "reviews": (
        lambda w, s: reverse("reviews:reviews"),
        "get",
        STAFF | {"outsider"},
        200,
        403,
        {},
    ),
    "review": (
        lambda w, s: reverse("reviews:review", args=[s["review"].pk]),
        "get",
        MANAGERS | {"union_rep"},
        200,
        404,
        {},
    ),
    "review_other_district": (
        lambda w, s: reverse("reviews:review", args=[s["other_review"].pk]),
        "get",
        {"outsider"},
        200,
        404,
        {},
    ),
    "edit_draft": (
        lambda w, s: reverse("reviews:edit_draft", args=[s["review"].pk]),
        "get",
        MANAGERS,
        200,
        404,
        {"union_rep": 403},
    ),
    "upload_draft": (
        lambda w, s: reverse("reviews:upload_draft", args=[s["review"].pk]),
        "get",
        MANAGERS,
        200,
        404,
        {"union_rep": 403},
    ),
    "model_updates": (
        lambda w, s: reverse("reviews:model_updates", args=[s["review"].pk]),
        "get",
        MANAGERS,
        200,
        404,
        {"union_rep": 403},
    ),
    "model_change_leave": (
        lambda w, s: reverse("reviews:model_change", args=[s["update"].pk, 0]),
        "post",
        MANAGERS,
        302,
        404,
        {"union_rep": 403},
    ),
    "comment_empty": (
        lambda w, s: reverse("reviews:comment", args=[s["review"].pk]),
        "post",
        MANAGERS | {"union_rep"},
        400,
        404,
        {},
    ),
    "resolve_empty": (
        lambda w, s: reverse("reviews:resolve", args=[s["comment"].pk]),
        "post",
        MANAGERS,
        400,
        404,
        {"union_rep": 403},
    ),
    "place_on_agenda_again": (
        lambda w, s: reverse("reviews:place_on_agenda", args=[s["review"].pk]),
        "post",
        MANAGERS,
        302,
        404,
        {"union_rep": 403},
    ),
    "board": (
        lambda w, s: reverse("reviews:board"),
        "get",
        MANAGERS | {"board_member", "outsider"},
        200,
        403,
        {},
    ),
    "board_item": (
        lambda w, s: reverse("reviews:board_item", args=[s["item"].pk]),
        "get",
        MANAGERS | {"board_member"},
        200,
        404,
        {},
    ),
    "reading_empty": (
        lambda w, s: reverse("reviews:reading", args=[s["item"].pk]),
        "post",
        MANAGERS,
        400,
        404,
        {"board_member": 403},
    ),
    "adopt_empty": (
        lambda w, s: reverse("reviews:adopt", args=[s["item"].pk]),
        "post",
        MANAGERS,
        400,
        404,
        {"board_member": 403},
    ),
    "cover_memo": (
        lambda w, s: reverse("reviews:cover_memo", args=[s["item"].pk]),
        "post",
        MANAGERS,
        302,
        404,
        {"board_member": 403},
    ),
    "make_packet": (
        lambda w, s: reverse("reviews:make_packet", args=[s["item"].pk]),
        "post",
        MANAGERS,
        302,
        404,
        {"board_member": 403},
    ),
    "packet": (
        lambda w, s: reverse("reviews:packet", args=[s["packet"].pk]),
        "get",
        MANAGERS | {"board_member"},
        200,
        404,
        {},
    ),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_reviews_role_matrix(world: World, setup: dict[str, Any], persona: str) -> None:
    client = Client()
    client.force_login(world.users[persona])
    failures = []
    for name, (url, method, allowed, ok, other, overrides) in CASES.items():
        expected = overrides.get(persona, ok if persona in allowed else other)
        response = getattr(client, method)(url(world, setup))
        if response.status_code != expected:
            failures.append(f"{name}: {response.status_code} (expected {expected})")
    assert failures == []


def test_signed_out_visitors_go_to_the_login_page(world: World, setup: dict[str, Any]) -> None:
    for name, (url, method, *_rest) in CASES.items():
        response = getattr(Client(), method)(url(world, setup))
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login")), name
