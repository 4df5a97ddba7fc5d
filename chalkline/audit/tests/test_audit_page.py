"""The audit page is for people: actions in words, targets linked when the viewer may open them,
a list of target kinds, an actor search, invalid filters that list nothing, and the last chain
verification with a button to run one."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.audit.services import record_event
from chalkline.lib.appendonly import guards_suspended
from chalkline.policies.tests.factories import import_seed
from conftest import PERSONAS, World

URL = "/audit/"


@pytest.fixture
def superintendent_client(world: World, client: Client) -> Client:
    client.force_login(world.users["superintendent"])
    return client


def listed_seqs(page: str) -> list[int]:
    return [int(s) for s in re.findall(r'<th scope="row">(\d+)</th>', page)]


def test_actions_are_shown_in_words_old_spellings_too(
    world: World, superintendent_client: Client
) -> None:
    record_event(district=world.district, actor=None, action="policies.publish")  # type: ignore[arg-type]
    record_event(district=world.district, actor=None, action=Action.ACK_SIGNED)
    page = superintendent_client.get(URL).content.decode()
    assert "Published a policy version" in page
    assert "Signed the acknowledgment" in page


def test_a_target_the_viewer_may_open_is_a_link_others_are_text(
    world: World, superintendent_client: Client, client: Client
) -> None:
    version = import_seed(world.district)  # its import and publish events name the version
    record_event(
        district=world.district,
        actor=None,
        action=Action.MEMBERSHIP_GRANTED,
        target=("people.membership", 7),
    )
    page = superintendent_client.get(URL).content.decode()
    link = reverse("policies:version", args=[version.pk])
    assert f'<a href="{link}">Policy version {version.pk}</a>' in page
    assert "Membership 7" in page and "people.membership" not in page.split("<tbody>")[1]
    assert 'href="/directory/memberships' not in page  # no page: shown as text


def test_a_target_hidden_from_the_viewer_is_not_linked(world: World, client: Client) -> None:
    # A draft version is not visible to the designee? Use another district's version instead:
    # an event naming an object the viewer cannot see (forged id of the other district).
    other = import_seed(world.other_district)
    record_event(
        district=world.district,
        actor=None,
        action=Action.POLICY_PUBLISHED,
        target=("policies.policyversion", other.pk),
    )
    client.force_login(world.users["superintendent"])
    page = client.get(URL).content.decode()
    assert reverse("policies:version", args=[other.pk]) not in page
    assert f"Policy version {other.pk}" in page


def test_target_kinds_are_offered_from_a_list_and_filter(
    world: World, superintendent_client: Client
) -> None:
    record_event(
        district=world.district, actor=None, action=Action.ACK_SIGNED, target=("acks.campaign", 1)
    )
    record_event(
        district=world.district,
        actor=None,
        action=Action.DRAFT_CHECK_KEPT,
        target=("screening.draftcheck", 3),  # the old spelling
    )
    page = superintendent_client.get(URL).content.decode()
    assert '<select name="target_type"' in page
    assert '<option value="drafts.draftcheck">Draft check</option>' in page
    response = superintendent_client.get(URL, {"target_type": "drafts.draftcheck"})
    assert [e.target_id for e in response.context["page"]] == ["3"]


def test_the_actor_is_a_search_by_username_beginning(
    world: World, superintendent_client: Client
) -> None:
    for persona in ("teacher_north", "teacher_south", "hr"):
        record_event(district=world.district, actor=world.users[persona], action=Action.ACK_SIGNED)
    page = superintendent_client.get(URL).content.decode()
    assert re.search(r'<input type="search" name="actor"', page)
    response = superintendent_client.get(URL, {"actor": "teacher_"})
    assert sorted(e.actor_label for e in response.context["page"]) == [
        "teacher_north",
        "teacher_south",
    ]


def test_since_after_until_lists_nothing_and_says_why(
    world: World, superintendent_client: Client
) -> None:
    record_event(district=world.district, actor=None, action=Action.ACK_SIGNED)
    response = superintendent_client.get(URL, {"since": "2026-02-02", "until": "2026-01-01"})
    page = response.content.decode()
    assert "The end date is before the start date." in page
    assert "No events listed: the filters need correcting" in page
    assert listed_seqs(page) == []
    assert 'aria-invalid="true"' in page
    # nor does the export run on invalid filters
    export = superintendent_client.get(
        reverse("audit:export"), {"since": "2026-02-02", "until": "2026-01-01"}
    )
    assert export.status_code == 400


def test_the_superintendent_verifies_the_chain_and_the_page_shows_it(
    world: World, superintendent_client: Client
) -> None:
    record_event(district=world.district, actor=None, action=Action.ACK_SIGNED)
    page = superintendent_client.get(URL).content.decode()
    assert "has not been verified from this page yet" in page
    response = superintendent_client.post(reverse("audit:verify"), follow=True)
    page = response.content.decode()
    assert "The audit chain is intact" in page
    event = AuditEvent.objects.get(action=Action.AUDIT_CHAIN_VERIFIED)
    assert event.actor_label == "superintendent"
    assert event.after_data["ok"] is True
    shown = re.search(r'<p id="last-verification">(.*?)</p>', page, re.S)
    assert shown is not None
    assert "by superintendent" in shown.group(1) and "Intact" in shown.group(1)


def test_a_broken_chain_is_shown_with_its_seq(world: World, superintendent_client: Client) -> None:
    for _ in range(3):
        record_event(district=world.district, actor=None, action=Action.ACK_SIGNED)
    with guards_suspended(connection), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET after = %s WHERE district_id = %s AND seq = 2",
            ['{"forged":true}', world.district.pk],
        )
    page = superintendent_client.post(reverse("audit:verify"), follow=True).content.decode()
    shown = re.search(r'<p id="last-verification">(.*?)</p>', page, re.S)
    assert shown is not None and "Broken at event #2" in shown.group(1)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_superintendent_may_run_a_verification(
    world: World, client: Client, persona: str
) -> None:
    client.force_login(world.users[persona])
    response = client.post(reverse("audit:verify"))
    # the outsider is the superintendent of their own district
    assert response.status_code == (302 if persona in ("superintendent", "outsider") else 403)
    button = "Verify the chain now" in client.get(URL).content.decode()
    assert button == (persona in ("superintendent", "outsider"))


def test_verify_refuses_get_and_anonymous(world: World, client: Client) -> None:
    assert client.post(reverse("audit:verify")).status_code == 302
    client.force_login(world.users["superintendent"])
    assert client.get(reverse("audit:verify")).status_code == 405
