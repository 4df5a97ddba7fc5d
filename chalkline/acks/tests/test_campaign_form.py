"""The New campaign form: duplicates need a reason; buildings are checkboxes with a filter; the
school year is filled in; the date help matches the date picker; the district's zone comes first."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

from django.test import Client
from django.urls import reverse

from chalkline.acks.models import AckSettings, Campaign
from chalkline.audit.models import AuditEvent
from conftest import World

from .helpers import make_campaign, published_policy


def _form_data(version_pk: int, **extra: Any) -> dict[str, Any]:
    return {
        "title": "Second 5:125 campaign",
        "school_year": "2026-2027",
        "due_on": "2026-12-31",
        "versions": [version_pk],
        "include_new_hires": "on",
        "new_hire_days": "30",
        "escalate_superintendent_after_days": "14",
        **extra,
    }


def test_a_second_campaign_for_the_same_text_and_year_is_refused_without_a_reason(
    world: World, client: Client
) -> None:
    version = published_policy(world.district)
    first = make_campaign(world.district, version=version, school_year="2026-2027")
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("acks:campaign_new"), _form_data(version.pk))
    assert response.status_code == 400
    assert b"Staff would be asked to sign the same text twice" in response.content
    assert reverse("acks:campaign", args=[first.pk]).encode() in response.content
    assert b'name="duplicate_reason"' in response.content
    assert Campaign.objects.count() == 1


def test_a_second_campaign_goes_on_with_a_reason_and_the_reason_is_audited(
    world: World, client: Client
) -> None:
    version = published_policy(world.district)
    first = make_campaign(world.district, version=version, school_year="2026-2027")
    client.force_login(world.users["superintendent"])
    response = client.post(
        reverse("acks:campaign_new"),
        _form_data(version.pk, duplicate_reason="The first one went to the wrong buildings."),
    )
    assert response.status_code == 302
    second = Campaign.objects.exclude(pk=first.pk).get()
    event = AuditEvent.objects.get(action="acks.campaign_created", target_id=str(second.pk))
    after = json.loads(event.after)
    assert after["duplicate_of"] == [first.pk]
    assert after["duplicate_reason"] == "The first one went to the wrong buildings."


def test_another_school_year_is_not_a_duplicate(world: World, client: Client) -> None:
    version = published_policy(world.district)
    make_campaign(world.district, version=version, school_year="2025-2026")
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("acks:campaign_new"), _form_data(version.pk))
    assert response.status_code == 302
    assert Campaign.objects.count() == 2


def test_the_school_year_is_filled_in_from_the_districts_own_calendar(
    world: World, client: Client
) -> None:
    AckSettings.objects.create(district=world.district, time_zone="America/Chicago")
    client.force_login(world.users["superintendent"])
    # 03:30 UTC on July 1 is still June 30 (10:30 pm) in Chicago: the old school year.
    late_june = datetime(2026, 7, 1, 3, 30, tzinfo=UTC)
    with mock.patch("django.utils.timezone.now", return_value=late_june):
        page = client.get(reverse("acks:campaign_new"))
    assert b'value="2025-2026"' in page.content
    client.force_login(world.users["superintendent"])  # the idle timeout counts the clock too
    with mock.patch("django.utils.timezone.now", return_value=late_june + timedelta(hours=6)):
        page = client.get(reverse("acks:campaign_new"))
    assert b'value="2026-2027"' in page.content


def test_buildings_are_checkboxes_with_a_filter_box_that_needs_no_script(
    world: World, client: Client
) -> None:
    published_policy(world.district)
    client.force_login(world.users["superintendent"])
    page = client.get(reverse("acks:campaign_new")).content.decode()
    assert "<select" not in page.split('id="buildings-list"')[0].split("<legend>Buildings")[-1]
    assert f'type="checkbox" name="buildings" value="{world.north.pk}"' in page
    assert f'type="checkbox" name="buildings" value="{world.south.pk}"' in page
    # The filter box is for scripts only: without JavaScript the whole list shows.
    assert 'data-list-filter="buildings-list" hidden' in page
    assert "<script>" not in page and "onclick" not in page


def test_the_due_date_help_and_value_agree_with_the_date_picker(
    world: World, client: Client
) -> None:
    version = published_policy(world.district)
    client.force_login(world.users["superintendent"])
    page = client.get(reverse("acks:campaign_new")).content.decode()
    assert "YYYY-MM-DD" not in page
    assert "Pick it in the calendar" in page
    response = client.post(
        reverse("acks:campaign_new"), _form_data(version.pk, title="", due_on="2026-12-31")
    )
    assert response.status_code == 400
    assert 'type="date" name="due_on" value="2026-12-31"' in response.content.decode()


def test_the_districts_own_time_zone_comes_first(world: World, client: Client) -> None:
    AckSettings.objects.create(district=world.district, time_zone="America/Chicago")
    client.force_login(world.users["superintendent"])
    page = client.get(reverse("acks:settings")).content.decode()
    options = re.findall(r'<option value="([^"]+)"', page.split('name="time_zone"')[1])
    assert options[0] == "America/Chicago"
    assert options.count("America/Chicago") == 1


def test_the_versions_and_buildings_errors_are_tied_to_their_fieldsets(
    world: World, client: Client
) -> None:
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("acks:campaign_new"), {"title": "No versions chosen"})
    page = response.content.decode()
    assert response.status_code in (200, 400)
    versions = re.search(r'<fieldset[^>]*aria-describedby="versions-error"[^>]*>', page)
    assert versions is not None
    assert re.search(r'id="versions-error"[^>]*>\s*<p>[^<]+</p>', page)
