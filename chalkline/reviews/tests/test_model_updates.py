"""Model-policy updates: a newer model text beside the district's version, compared three ways,
each model change taken into the draft or left out, one at a time."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.policies.tests.factories import LOGO_OLD
from chalkline.reviews.models import ModelUpdate
from chalkline.reviews.threeway import apply_change, compare
from conftest import World

from .helpers import open_review

pytestmark = pytest.mark.django_db

PURPOSE_OLD = "This policy is intended to minimize that disruption"
PURPOSE_NEW = "This policy is intended to prevent and minimize that disruption"
MODEL_LOGO = "Refrain from using District logos."
MODEL_LOGO_NEW = "Refrain from using District logos, mascots or seals."


@pytest.mark.parametrize(
    ("old", "new", "district", "tags", "conflicts"),
    [
        ("A\n\nB\n", "A\n\nB2\n", "A\n\nB\n", ["replace"], [False]),
        ("A\n\nB\n", "A\n\nB2\n", "A\n\nBx\n", ["replace"], [True]),
        ("A\n\nB\n", "A\n\nB\n\nC\n", "A\n\nB\n", ["insert"], [False]),
        ("A\n\nB\n\nC\n", "A\n\nC\n", "A\n\nB\n\nC\n", ["delete"], [False]),
        (
            "A\n\nB\n\nC\n",
            "A2\n\nB\n\nC2\n",
            "A\n\nB\n\nCx\n",
            ["replace", "replace"],
            [False, True],
        ),
    ],
)
def test_compare_finds_model_changes_and_conflicts(
    old: str, new: str, district: str, tags: list[str], conflicts: list[bool]
) -> None:
    three = compare(old, new, district)
    assert [c.tag for c in three.model_changes] == tags
    assert [c.conflict for c in three.model_changes] == conflicts


def test_apply_change_takes_one_model_change_where_it_stands_in_the_draft() -> None:
    old, new = "T\n\nA\n\nB\n\nC\n", "T\n\nA2\n\nB\n\nC2\n"
    draft = "T\n\nNew district paragraph\n\nA\n\nB\n\nCx\n"
    assert apply_change(old, new, draft, 0) == "T\n\nNew district paragraph\n\nA2\n\nB\n\nCx\n"
    assert apply_change(old, new, draft, 1) == "T\n\nNew district paragraph\n\nA\n\nB\n\nC2\n"


def test_import_compare_and_decide_one_change_at_a_time(world: World) -> None:
    review = open_review(world)
    district_text = review.draft.canonical_text
    old_model = district_text.replace(LOGO_OLD, MODEL_LOGO)  # the district had reworded duty 7
    new_model = old_model.replace(PURPOSE_OLD, PURPOSE_NEW).replace(MODEL_LOGO, MODEL_LOGO_NEW)
    client = Client()
    client.force_login(world.users["designee"])
    url = reverse("reviews:model_updates", args=[review.pk])
    posted = client.post(
        url,
        {"label": "PRESS Issue 118", "old_model_text": old_model, "new_model_text": new_model},
    )
    assert posted.status_code == 302
    update = ModelUpdate.objects.get()
    page = client.get(url)
    assert page.status_code == 200
    changes = page.context["updates"][0]["changes"]
    assert [row["change"].conflict for row in changes] == [False, True]
    body = page.content.decode()
    assert "conflict, the district had changed this text" in body
    assert "1 lands on text the district had changed" in body
    ids = set(review.draft.clauses.values_list("clause_id", flat=True))
    # Take the purpose change; leave the logo change (the district's wording stays).
    taken = client.post(
        reverse("reviews:model_change", args=[update.pk, 0]),
        {"decision": "take", "revision": "0"},
    )
    assert taken.status_code == 302
    left = client.post(
        reverse("reviews:model_change", args=[update.pk, 1]),
        {"decision": "leave", "revision": "1"},
    )
    assert left.status_code == 302
    review.refresh_from_db()
    draft = review.draft.canonical_text
    assert PURPOSE_NEW in draft and LOGO_OLD in draft and MODEL_LOGO_NEW not in draft
    assert set(review.draft.clauses.values_list("clause_id", flat=True)) == ids
    update.refresh_from_db()
    assert update.decisions == {"0": "taken", "1": "left"}
    events = AuditEvent.objects.filter(action="reviews.model_change_decided").order_by("seq")
    assert [json.loads(e.after)["decision"] for e in events] == ["taken", "left"]
    assert AuditEvent.objects.filter(action="reviews.draft_saved").count() == 1


def test_a_stale_take_is_told_to_merge(world: World) -> None:
    review = open_review(world)
    text = review.draft.canonical_text
    update_text = text.replace(PURPOSE_OLD, PURPOSE_NEW)
    client = Client()
    client.force_login(world.users["designee"])
    client.post(
        reverse("reviews:model_updates", args=[review.pk]),
        {"label": "Issue", "old_model_text": text, "new_model_text": update_text},
    )
    update = ModelUpdate.objects.get()
    stale = client.post(
        reverse("reviews:model_change", args=[update.pk, 0]),
        {"decision": "take", "revision": "7"},
    )
    assert stale.status_code == 302
    review.refresh_from_db()
    assert PURPOSE_NEW not in review.draft.canonical_text
    assert ModelUpdate.objects.get().decisions == {}


def test_participants_cannot_decide_model_changes(world: World) -> None:
    review = open_review(world)
    client = Client()
    client.force_login(world.users["designee"])
    text = review.draft.canonical_text
    client.post(
        reverse("reviews:model_updates", args=[review.pk]),
        {"label": "Issue", "old_model_text": text, "new_model_text": text + "\nNew.\n"},
    )
    update = ModelUpdate.objects.get()
    rep = Client()
    rep.force_login(world.users["union_rep"])
    assert rep.get(reverse("reviews:model_updates", args=[review.pk])).status_code == 403
    response = rep.post(reverse("reviews:model_change", args=[update.pk, 0]), {"decision": "take"})
    assert response.status_code == 403
