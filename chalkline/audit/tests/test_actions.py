"""One vocabulary of audit actions: past tense, labelled, old spellings shown and found as new."""

from __future__ import annotations

import csv
import io
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.actions import LEGACY, Action, action_label, target_type_of
from chalkline.audit.chain import canonical_json
from chalkline.audit.models import AuditEvent
from chalkline.audit.services import _Fields, _link, _lock_head, record_event, verify_chain
from conftest import World


def _write_legacy(
    district_id: int, action: str, target_type: str = "", target_id: str = ""
) -> None:
    """An event as an earlier version wrote it: the old text, properly linked into the chain."""
    head = _lock_head(district_id)
    fields = _Fields(
        district_id=district_id,
        at=timezone.now(),
        actor_id=None,
        actor_label="",
        action=action,
        target_type=target_type,
        target_id=target_id,
        before=canonical_json(None),
        after=canonical_json(None),
    )
    _link(head, fields).save(force_insert=True)
    head.save(update_fields=["last_seq", "last_hash"])


def test_every_action_is_past_tense_and_labelled() -> None:
    for action in Action:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+", action.value), action
        assert action.label and action.label[0].isupper(), action
    # every old spelling maps to an action whose new text differs (never rewrite old rows)
    for old, new in LEGACY.items():
        assert old != new.value
    assert LEGACY["policies.publish"] is Action.POLICY_PUBLISHED
    assert LEGACY["screening.draft_check_kept"] is Action.DRAFT_CHECK_KEPT
    assert target_type_of("screening.draftcheck") == "drafts.draftcheck"
    assert action_label("policies.publish") == "Published a policy version"
    assert action_label("something.unknown") == "something.unknown"


def test_services_write_the_new_past_tense_spelling(world: World) -> None:
    record_event(district=world.district, actor=None, action=Action.POLICY_PUBLISHED)
    event = AuditEvent.objects.in_district(world.district.pk).order_by("-seq").first()
    assert event is not None and event.action == "policies.published"
    assert type(event.action) is str


def test_filtering_finds_old_and_new_spellings_and_shows_labels(
    world: World, client: Client
) -> None:
    _write_legacy(world.district.pk, "policies.publish", "policies.policyversion", "1")
    record_event(
        district=world.district,
        actor=None,
        action=Action.POLICY_PUBLISHED,
        target=("policies.policyversion", 2),
    )
    _write_legacy(world.district.pk, "screening.draft_check_kept", "screening.draftcheck", "7")
    assert verify_chain(world.district.pk).ok, "old rows keep their text and their hashes"
    client.force_login(world.users["superintendent"])
    for spelling in ("policies.published", "policies.publish"):
        response = client.get(reverse("audit:events"), {"action": spelling})
        actions = [e.action for e in response.context["page"].object_list]
        assert sorted(actions) == ["policies.publish", "policies.published"], spelling
    assert response.content.count(b"Published a policy version") == 2
    # the draft check: old action and target type found and shown under today's names
    response = client.get(
        reverse("audit:events"), {"action": "drafts.", "target_type": "drafts.draftcheck"}
    )
    events = list(response.context["page"].object_list)
    assert [(e.action, e.target_type) for e in events] == [
        ("screening.draft_check_kept", "screening.draftcheck")
    ]
    assert b"Kept a draft check" in response.content
    assert b"Draft check 7" in response.content  # the kind in words, today's name


def test_the_csv_export_has_the_label_and_keeps_the_stored_action(
    world: World, client: Client
) -> None:
    _write_legacy(world.district.pk, "policies.publish", "policies.policyversion", "1")
    client.force_login(world.users["superintendent"])
    response = client.get(reverse("audit:export"), {"action": "policies.published"})
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.reader(io.StringIO(body)))
    header = rows[2]
    assert header[3:7] == ["action", "action_label", "target_type", "target_type_shown"]
    assert [r[3:5] for r in rows[3:]] == [["policies.publish", "Published a policy version"]]
