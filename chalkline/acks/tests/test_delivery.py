"""Notices' e-mail as the principal and the district see it: queued, sent, failed, retried."""

from __future__ import annotations

from typing import Any

from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.acks.models import Notification
from chalkline.audit.models import AuditEvent
from chalkline.outbox.models import Delivery
from chalkline.outbox.services import BACKOFF, send_due
from chalkline.outbox.tests.conftest import MailServer, mail_server  # noqa: F401 - the fixture
from conftest import World

from .helpers import make_campaign, no_quiet_hours


def _distribute(world: World, client: Client, campaign: Any, capture: Any) -> Any:
    """Distribute as the principal; the sending task runs after commit (as it does outside a
    test transaction); then the page the redirect leads to."""
    client.force_login(world.users["principal_north"])
    with capture(execute=True):
        response = client.post(reverse("acks:distribute", args=[campaign.pk, world.north.pk]))
    return client.get(response["Location"])


def _north_addresses(world: World) -> list[str]:
    return sorted(
        Notification.objects.filter(assignment__building=world.north).values_list(
            "email_to", flat=True
        )
    )


def test_a_refused_address_shows_as_failed_with_the_reason_and_the_manager_can_retry(
    world: World,
    client: Client,
    mail_server: MailServer,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    no_quiet_hours(world.district)
    campaign = make_campaign(world.district, by=world.users["superintendent"])
    refused = world.staff_north.email
    mail_server.refuse[refused] = "550 5.1.1 mailbox unavailable"
    page = _distribute(world, client, campaign, django_capture_on_commit_callbacks)
    flash = [str(m) for m in get_messages(page.wsgi_request)]
    assert any("queued 2 notices" in m for m in flash), flash
    assert not any("notified" in m for m in flash)
    assert len(mail_server.messages) == 1
    html = page.content.decode()
    assert "<strong>1</strong> sent" in html and "<strong>1</strong> failed" in html
    assert refused in html and "550 5.1.1 mailbox unavailable" in html
    # The htmx refresh returns the partial alone; without htmx the same URL is a page.
    url = reverse("acks:building_delivery", args=[campaign.pk, world.north.pk])
    assert f'href="{url}"' in html and f'hx-get="{url}"' in html
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<section id="delivery"') and refused in partial
    assert "<h1>" in client.get(url).content.decode()
    # The district sees it on the campaign page too.
    client.force_login(world.users["hr"])
    district_page = client.get(reverse("acks:campaign", args=[campaign.pk])).content.decode()
    assert "<strong>1</strong> failed" in district_page and refused in district_page
    # The mailbox is fixed; the principal retries.
    mail_server.refuse.clear()
    client.force_login(world.users["principal_north"])
    retry = reverse("acks:building_delivery_retry", args=[campaign.pk, world.north.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(retry)
    assert "<strong>2</strong> sent" in client.get(response["Location"]).content.decode()
    assert sorted(m["To"] for m in mail_server.messages) == _north_addresses(world)
    event = AuditEvent.objects.get(action="outbox.retry_requested")
    assert event.actor_id == world.users["principal_north"].pk


def test_a_temporary_refusal_shows_as_retrying_until_it_is_sent(
    world: World,
    client: Client,
    mail_server: MailServer,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    no_quiet_hours(world.district)
    campaign = make_campaign(world.district, by=world.users["superintendent"])
    mail_server.answer = "451 4.7.1 greylisted, try again later"
    page = _distribute(world, client, campaign, django_capture_on_commit_callbacks)
    assert "<strong>2</strong> being retried" in page.content.decode()
    assert mail_server.messages == []
    mail_server.answer = None
    later = timezone.now() + BACKOFF[0]
    assert send_due(now=later).sent == 2
    page = client.get(reverse("acks:building", args=[campaign.pk, world.north.pk]))
    assert "<strong>2</strong> sent" in page.content.decode()
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {2}


def test_a_teacher_cannot_see_or_retry_delivery(
    world: World,
    client: Client,
    mail_server: MailServer,  # noqa: F811
) -> None:
    campaign = make_campaign(world.district, by=world.users["superintendent"])
    client.force_login(world.users["teacher_north"])
    url = reverse("acks:campaign_delivery", args=[campaign.pk])
    assert client.get(url).status_code == 404
    retry = reverse("acks:campaign_delivery_retry", args=[campaign.pk])
    assert client.post(retry).status_code == 404
    assert not AuditEvent.objects.filter(action="outbox.retry_requested").exists()
