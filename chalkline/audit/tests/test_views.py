from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.audit.services import record_event, verify_chain
from conftest import World


def test_audit_page_filters_by_action(world: World, client: Client) -> None:
    record_event(
        district=world.district, actor=None, action=Action.POLICY_PUBLISHED, target=("policy", 1)
    )
    client.force_login(world.users["superintendent"])
    response = client.get(reverse("audit:events"), {"action": "policies."})
    assert response.status_code == 200
    page = response.context["page"]
    assert [e.action for e in page.object_list] == ["policies.published"]
    assert b"policies.published" in response.content


def test_htmx_request_gets_only_the_list_partial(world: World, client: Client) -> None:
    client.force_login(world.users["superintendent"])
    response = client.get(reverse("audit:events"), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert b'id="event-list"' in response.content
    assert b"<html" not in response.content


def test_invalid_filter_dates_show_an_error_not_a_crash(world: World, client: Client) -> None:
    client.force_login(world.users["superintendent"])
    response = client.get(reverse("audit:events"), {"since": "2026-02-02", "until": "2026-01-01"})
    assert response.status_code == 200
    assert b"The end date is before the start date." in response.content
    response = client.get(reverse("audit:events"), {"since": "not-a-date"})
    assert response.status_code == 200
    assert b"Enter a valid date." in response.content


def test_export_is_itself_audited_and_stays_in_district(world: World, client: Client) -> None:
    record_event(district=world.other_district, actor=None, action=Action.API_ACCESS_GRANTED)
    client.force_login(world.users["superintendent"])
    response = client.get(reverse("audit:export"), {"action": "membership"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0].startswith("# Chalkline audit export for prairie")
    assert "membership" in rows[1][0]
    header = rows[2]
    assert header[:4] == ["seq", "at", "actor", "action"]
    actions = {r[3] for r in rows[3:]}
    assert actions == {"membership.granted"}
    assert "api.token_created" not in body
    exported = (
        AuditEvent.objects.in_district(world.district.pk).filter(action="audit.exported").get()
    )
    assert exported.actor_label == "superintendent"
    assert exported.after_data["filters"] == {"action": "membership"}
    assert verify_chain(world.district.pk).ok
