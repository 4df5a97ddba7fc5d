from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from chalkline.people.roles import Role
from chalkline.reviews.models import BoardItem, Comment, Review
from conftest import World, make_user

from .helpers import seed

pytestmark = pytest.mark.django_db


def test_demo_reviews_puts_a_review_in_progress_and_an_item_at_first_reading(
    world: World,
) -> None:
    make_user(world.district, Role.HR, username="hr2")  # any HR account takes part
    seed(world.district)
    out = StringIO()
    call_command("demo_reviews", "--slug", world.district.slug, stdout=out)
    assert "first reading" in out.getvalue()
    in_progress = Review.objects.get(policy__number="5:125")
    assert in_progress.status == "open"
    authors = set(
        Comment.objects.filter(review=in_progress).values_list("author__username", flat=True)
    )
    assert authors == {"union_rep", "netadmin"}
    item = BoardItem.objects.get()
    assert item.status == "first_reading" and item.review.policy.number == "6:235"
    assert "network administrators each year" in item.review.draft.canonical_text
    call_command("demo_reviews", "--slug", world.district.slug, stdout=out)
    assert Review.objects.count() == 2
