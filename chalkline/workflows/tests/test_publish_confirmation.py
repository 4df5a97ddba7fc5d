"""No silent district-wide launch: publishing a material revision that opens a follow-up
campaign asks first, saying how many staff it reaches and when the e-mail goes out."""

from __future__ import annotations

from datetime import UTC, datetime, time
from unittest import mock

from django.test import Client
from django.urls import reverse

from chalkline.acks.models import AckSettings, Campaign, Notification
from chalkline.acks.tests.helpers import make_campaign
from chalkline.policies.models import PolicyVersion, VersionStatus
from chalkline.policies.tests.factories import import_seed, seed_v2_text
from conftest import World


def _draft(world: World) -> PolicyVersion:
    import_seed(world.district, text=seed_v2_text(), publish=False)
    return PolicyVersion.objects.get(district=world.district, status="draft")


def test_publishing_a_material_revision_asks_first_and_says_whom_and_when(
    world: World, client: Client
) -> None:
    campaign = make_campaign(world.district)
    draft = _draft(world)
    AckSettings.objects.create(
        district=world.district,
        time_zone="America/Chicago",
        quiet_start=time(20, 0),
        quiet_end=time(7, 0),
    )
    client.force_login(world.users["superintendent"])
    url = reverse("policies:publish", args=[draft.pk])
    data = {"change_summary": "Adds a duty", "material": "on"}
    # 03:00 UTC on a December Tuesday is 9 pm Monday in Chicago: quiet hours, mail waits for 7 am.
    evening = datetime(2026, 12, 8, 3, 0, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=evening):
        client.force_login(world.users["superintendent"])  # the session's clock is the same one
        asked = client.post(url, data)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert "and notify staff?" in page
    assert "<strong>4 staff</strong> in 2 buildings" in page
    assert "at 7:00 AM on Tuesday, December 8 (America/Chicago)" in page
    assert 'name="confirm" value="yes"' in page
    # Nothing happened yet.
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert not Campaign.objects.filter(follows=campaign).exists()
    assert not Notification.objects.exists()
    client.force_login(world.users["superintendent"])
    done = client.post(url, data | {"confirm": "yes"})
    assert done.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert Campaign.objects.filter(follows=campaign).exists()


def test_a_revision_that_opens_no_follow_up_publishes_without_asking(
    world: World, client: Client
) -> None:
    draft = _draft(world)  # no campaign carries the policy
    client.force_login(world.users["superintendent"])
    response = client.post(
        reverse("policies:publish", args=[draft.pk]),
        {"change_summary": "Adds a duty", "material": "on"},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
