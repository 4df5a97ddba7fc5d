"""Issue 22's journeys in a browser: the designee opens a review; the employee representative
comments on a clause; the designee resolves the comment. The Board adopts the draft at second
reading and the follow-up campaign opens after the superintendent confirms. Every page on the
way passes axe."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chalkline.acks.models import Campaign
from chalkline.acks.tests.helpers import make_campaign
from chalkline.people.roles import Role
from chalkline.policies.tests.factories import LOGO_NEW, LOGO_OLD, import_seed
from chalkline.reviews import services
from chalkline.reviews.drafting import split_sections
from chalkline.reviews.models import BoardItem, Comment, Review
from conftest import make_district, make_user
from e2e.conftest import assert_accessible, sign_in

PASSWORD = "correct horse battery staple"
DUTY_7 = "5:125/use-of-personal-technology/7"


@pytest.fixture
def district(transactional_db: Any) -> dict[str, Any]:
    d = make_district("prairie", "Prairie Valley CUSD 5")
    users = {
        "designee": make_user(d, Role.DESIGNEE, username="designee"),
        "super": make_user(d, Role.SUPERINTENDENT, username="super"),
        "rep": make_user(d, Role.EMPLOYEE_REP, username="rep"),
        "netadmin": make_user(d, Role.NETWORK_ADMIN, username="netadmin"),
        "board": make_user(d, Role.BOARD_MEMBER, username="board"),
    }
    return {"district": d, "users": users}


def _as(browser: Any, base: str, username: str) -> Any:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(20_000)
    sign_in(page, base, username, PASSWORD)
    return page


def test_designee_opens_a_review_the_rep_comments_and_the_designee_resolves(
    browser: Any, live_server: Any, district: dict[str, Any]
) -> None:
    import_seed(district["district"])
    base = live_server.url
    designee = _as(browser, base, "designee")
    designee.goto(f"{base}/reviews/")
    assert_accessible(designee)
    designee.get_by_role("link", name="Open a review of 5:125").click()
    assert_accessible(designee)
    designee.get_by_label("rep", exact=True).check()
    designee.get_by_label("netadmin", exact=True).check()
    designee.get_by_role("button", name="Open the review").click()
    designee.wait_for_selector("#participants-heading")
    assert_accessible(designee)
    review = Review.objects.get()
    designee.goto(f"{base}/reviews/r/{review.pk}/draft/")
    assert_accessible(designee)

    rep = _as(browser, base, "rep")
    rep.goto(f"{base}/reviews/r/{review.pk}/?clause={DUTY_7}#new-comment")
    assert_accessible(rep)
    rep.get_by_label("Text you comment on (optional)").fill("without permission")
    rep.locator("#id_body").fill("Who gives the permission, and how?")
    rep.get_by_role("button", name="Post").click()
    rep.wait_for_selector("text=Who gives the permission, and how?")
    comment = Comment.objects.get()
    assert comment.clause_id == DUTY_7 and comment.quote == "without permission"

    designee.goto(f"{base}/reviews/r/{review.pk}/#c{comment.pk}")
    form = designee.locator(f"#c{comment.pk} form.resolve")
    form.get_by_label("Rejected").check()
    form.get_by_label("Reason (required to reject)").fill("The superintendent's guideline says it.")
    form.get_by_role("button", name=f"Resolve comment {comment.pk}").click()
    designee.wait_for_selector("text=The comment is resolved.")
    assert_accessible(designee)
    comment.refresh_from_db()
    assert comment.resolution == "rejected"


def test_the_board_adopts_at_second_reading_and_the_follow_up_opens_after_confirmation(
    browser: Any, live_server: Any, district: dict[str, Any]
) -> None:
    d, users = district["district"], district["users"]
    campaign = make_campaign(d)
    version = import_seed(d)
    review = services.open_review(
        policy=version.policy, participants=[users["rep"]], by=users["designee"]
    )
    headings = [s.get("heading") or "" for s in review.draft.parsed["sections"]]
    sections = [
        p.text.replace(LOGO_OLD, LOGO_NEW)
        for p in split_sections(review.draft.canonical_text, headings)
    ]
    services.save_review_draft(
        review=review, sections=sections, revision=0, confirm_lost=False, by=users["designee"]
    )
    item = services.place_on_agenda(review=review, by=users["designee"])
    services.record_reading(item=item, reading="first", on=date(2026, 10, 19), by=None)
    base = live_server.url

    board = _as(browser, base, "board")
    board.goto(f"{base}/reviews/board/{item.pk}/")
    assert_accessible(board)
    assert board.locator("textarea").count() == 0  # Board members never comment

    chief = _as(browser, base, "super")
    chief.goto(f"{base}/reviews/board/{item.pk}/")
    assert_accessible(chief)
    chief.get_by_label("Adopted on (meeting date)").fill("2026-11-16")
    chief.get_by_label("Motion, as the minutes state it").fill("To adopt Policy 5:125 as revised.")
    chief.get_by_label("Vote, as the minutes state it").fill("Ayes 6, Nays 1")
    chief.get_by_label("Link to the official minutes").fill("https://prairie.example.org/m.pdf")
    chief.get_by_label("Change summary (shown in the policy's history)").fill("Logos and mascots.")
    chief.get_by_label("Material change", exact=False).check()
    chief.get_by_role("button", name="Record the adoption").click()
    chief.wait_for_selector("#reach-heading")
    assert_accessible(chief)
    assert not Campaign.objects.filter(follows=campaign).exists()
    chief.get_by_role("button", name="Record the adoption and notify", exact=False).click()
    chief.wait_for_selector("text=The adoption is recorded")
    assert_accessible(chief)
    item.refresh_from_db()
    assert item.status == BoardItem.Status.ADOPTED
    assert Campaign.objects.filter(follows=campaign).exists()
