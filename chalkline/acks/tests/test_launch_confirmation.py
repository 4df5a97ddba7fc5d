"""The Launch button asks first: a real confirmation page (no JavaScript needed) that says how
many staff the launch assigns and that the e-mail waits for each building's distribution."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chalkline.acks.models import Assignment, Campaign
from chalkline.audit.models import AuditEvent
from conftest import World

from .helpers import make_campaign


def test_launch_shows_a_confirmation_page_before_assigning_anyone(
    world: World, client: Client
) -> None:
    campaign = make_campaign(world.district, launch=False)
    client.force_login(world.users["superintendent"])
    detail = client.get(reverse("acks:campaign", args=[campaign.pk])).content.decode()
    assert f'href="{reverse("acks:launch", args=[campaign.pk])}"' in detail
    url = reverse("acks:launch", args=[campaign.pk])
    shown = client.get(url)
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "<strong>4 staff</strong> in 2 buildings" in text
    assert "No e-mail goes out when you launch" in text
    # A POST without the confirm field (an old form, a stray request) only shows the page again.
    unconfirmed = client.post(url)
    assert unconfirmed.status_code == 200
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT
    assert not Assignment.objects.filter(campaign=campaign).exists()
    assert not AuditEvent.objects.filter(action="acks.campaign_launched").exists()
    launched = client.post(url, {"confirm": "yes"})
    assert launched.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.LAUNCHED
    assert Assignment.objects.filter(campaign=campaign).count() == 4
