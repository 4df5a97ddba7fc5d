"""The audit chain: append, verify, tamper detection, append-only guards."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.utils import DatabaseError

from chalkline.audit.actions import Action
from chalkline.audit.chain import event_digest
from chalkline.audit.models import (
    GENESIS_HASH,
    AppendOnlyError,
    AuditChainHead,
    AuditEvent,
    PendingAuditEvent,
)
from chalkline.audit.services import record_event, verify_chain
from chalkline.lib.appendonly import guards_suspended
from conftest import make_district


def _append(district, n: int) -> list[AuditEvent]:
    for i in range(n):
        record_event(
            district=district,
            actor=None,
            action=Action.API_SCREENED,
            target=("test", i),
            after={"i": i},
        )
    assert not PendingAuditEvent.objects.filter(district_id=district.pk).exists(), (
        "with no concurrent writer, every event is linked at once"
    )
    linked = list(AuditEvent.objects.in_district(district.pk).order_by("-seq")[:n])
    return linked[::-1]


@pytest.mark.django_db
def test_each_row_links_to_the_previous_hash() -> None:
    district = make_district()
    events = _append(district, 5)
    rows = list(AuditEvent.objects.in_district(district.pk).order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3, 4, 5, 6]  # district.created is #1
    assert rows[0].prev_hash == GENESIS_HASH
    for before, after in zip(rows, rows[1:], strict=False):
        assert after.prev_hash == before.hash
    last = events[-1]
    assert last.hash == event_digest(
        prev_hash=last.prev_hash,
        district_id=district.pk,
        seq=last.seq,
        at=last.at,
        actor_id=None,
        actor_label="",
        action="api.screened",
        target_type="test",
        target_id="4",
        before="null",
        after='{"i":4}',
    )


@pytest.mark.django_db
def test_chains_are_per_district() -> None:
    a, b = make_district(), make_district()
    _append(a, 3)
    _append(b, 2)
    assert verify_chain(a.pk).count == 4
    assert verify_chain(b.pk).count == 3
    assert AuditEvent.objects.in_district(b.pk).order_by("seq")[0].prev_hash == GENESIS_HASH


@pytest.mark.django_db
def test_the_orm_refuses_update_and_delete() -> None:
    district = make_district()
    event = _append(district, 1)[0]
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        event.delete()
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == "api.screened"


def _raw_update(sql: str, params: list[str | int]) -> None:
    """Tamper as an attacker with database access would: raw SQL, past the ORM and the triggers
    (the database owner can switch triggers off)."""
    with guards_suspended(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_verify_names_the_tampered_row(capsys: pytest.CaptureFixture[str]) -> None:
    district = make_district()
    events = _append(district, 10)
    target = events[4]
    _raw_update("UPDATE audit_auditevent SET after = %s WHERE id = %s", ['{"i":999}', target.pk])
    result = verify_chain(district.pk)
    assert not result.ok
    assert result.broken_seq == target.seq
    assert result.broken_id == target.pk
    assert result.count == target.seq - 1
    with pytest.raises(CommandError) as excinfo:
        call_command("audit", "verify", "--district", district.slug)
    assert excinfo.value.returncode == 1
    out = capsys.readouterr().out
    assert f"BROKEN {district.slug}: row #{target.seq} (id {target.pk})" in out


@pytest.mark.django_db
def test_verify_detects_a_rewritten_hash_and_a_deleted_row() -> None:
    district = make_district()
    events = _append(district, 6)
    # Recomputing one row's hash after editing it breaks the link to the next row.
    _raw_update(
        "UPDATE audit_auditevent SET action = %s, hash = %s WHERE id = %s",
        ["forged", "f" * 64, events[2].pk],
    )
    result = verify_chain(district.pk)
    assert not result.ok and result.broken_seq == events[2].seq


@pytest.mark.django_db
def test_verify_detects_a_missing_row_in_the_middle_and_at_the_end() -> None:
    district = make_district()
    events = _append(district, 6)
    _raw_update("DELETE FROM audit_auditevent WHERE id = %s", [events[2].pk])
    result = verify_chain(district.pk)
    assert not result.ok and result.broken_seq == events[2].seq
    other = make_district()
    tail = _append(other, 3)
    _raw_update("DELETE FROM audit_auditevent WHERE id = %s", [tail[-1].pk])
    result = verify_chain(other.pk)
    assert not result.ok
    assert "missing" in result.reason


@pytest.mark.django_db
def test_verify_command_prints_ok_with_the_count(capsys: pytest.CaptureFixture[str]) -> None:
    district = make_district()
    _append(district, 7)
    call_command("audit", "verify", "--district", district.slug)
    assert f"OK {district.slug}: 8 events, chain intact" in capsys.readouterr().out


@pytest.mark.django_db
def test_verify_command_rejects_an_unknown_district() -> None:
    with pytest.raises(CommandError, match="No district with slug 'nope'"):
        call_command("audit", "verify", "--district", "nope")


@pytest.mark.django_db
def test_an_event_rolls_back_with_its_business_change() -> None:
    district = make_district()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(district=district, actor=None, action=Action.API_SCREENED)
        raise RuntimeError("the business change failed")
    assert verify_chain(district.pk).count == 1
    record_event(district=district, actor=None, action=Action.AUDIT_EXPORTED)
    assert verify_chain(district.pk).ok


def _refused(sql: str, params: list[str | int]) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_the_database_refuses_raw_update_and_delete_of_events() -> None:
    district = make_district()
    event = _append(district, 1)[0]
    _refused("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])
    _refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "api.screened"


@pytest.mark.django_db
def test_the_database_refuses_to_move_the_chain_head_back_or_delete_it() -> None:
    district = make_district()
    _append(district, 3)
    head = AuditChainHead.objects.get(district=district)
    _refused("UPDATE audit_auditchainhead SET last_seq = last_seq - 1 WHERE id = %s", [head.pk])
    _refused("UPDATE audit_auditchainhead SET last_hash = %s WHERE id = %s", ["f" * 64, head.pk])
    _refused("DELETE FROM audit_auditchainhead WHERE id = %s", [head.pk])
    # moving forward is what appending does
    record_event(district=district, actor=None, action=Action.API_SCREENED)
    assert AuditChainHead.objects.get(pk=head.pk).last_seq == head.last_seq + 1
    assert verify_chain(district.pk).ok


@pytest.mark.django_db
def test_postgres_refuses_truncate_of_events_and_heads() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE exists on PostgreSQL only")
    district = make_district()
    _append(district, 1)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks
    for table in ("audit_auditevent", "audit_auditchainhead"):
        _refused(f"TRUNCATE {table} CASCADE", [])
    assert verify_chain(district.pk).count == 2


@pytest.mark.django_db
def test_waiting_events_are_sealed_into_the_chain_in_order(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from chalkline.audit.services import seal_pending

    district = make_district()
    _append(district, 2)
    # Events that committed while the chain was busy, left waiting (e.g. a crash before sealing).
    from django.utils import timezone

    for i in range(3):
        PendingAuditEvent.objects.create(
            district=district, at=timezone.now(), action="test.waiting", target_id=str(i)
        )
    result = verify_chain(district.pk)
    assert result.ok and result.count == 3 and result.pending == 3
    call_command("audit", "verify", "--district", district.slug)
    assert "(3 waiting to be sealed)" in capsys.readouterr().out
    call_command("audit", "seal", "--district", district.slug)
    assert "Sealed 3 waiting events" in capsys.readouterr().out
    assert seal_pending(district.pk) == 0
    result = verify_chain(district.pk)
    assert result.ok and result.count == 6 and result.pending == 0
    sealed = list(
        AuditEvent.objects.in_district(district.pk).filter(action="test.waiting").order_by("seq")
    )
    assert [e.target_id for e in sealed] == ["0", "1", "2"]


def test_the_fast_event_body_is_the_canonical_json_of_the_event() -> None:
    """event_body() writes the usual event out directly; the text must be exactly json.dumps of
    the event list with the strftime timestamp, for any string (quotes, backslashes, control
    characters, line separators, emoji, lone surrogates) and any time zone or microsecond."""
    import json
    import random
    from datetime import UTC, datetime, timedelta, timezone

    from chalkline.audit.chain import event_body

    def reference(**f: object) -> str:
        at = f["at"].astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # type: ignore[attr-defined]
        keys = ["actor_id", "actor_label", "action", "target_type", "target_id", "before", "after"]
        event = [f["district_id"], f["seq"], at, *(f[k] for k in keys)]
        return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    chars = "aZ0 \"\\\n\t\x00\x1f\x7f\u2028\u00e9\U0001f600/\ud800<>&'"
    rng = random.Random(5125)

    def text() -> str:
        return "".join(rng.choice(chars) for _ in range(rng.randint(0, 12)))

    for _ in range(5000):
        zone = timezone(timedelta(hours=rng.randint(-12, 12)))
        fields = {
            "district_id": rng.randint(1, 10**6),
            "seq": rng.randint(0, 10**9),
            "at": datetime(2026, 1, 1, tzinfo=zone)
            + timedelta(microseconds=rng.choice([0, rng.randint(0, 10**12)])),
            "actor_id": rng.choice([None, rng.randint(1, 10**6)]),
            "actor_label": text(),
            "action": text(),
            "target_type": text(),
            "target_id": text(),
            "before": text(),
            "after": text(),
        }
        assert event_body(**fields) == reference(**fields)  # type: ignore[arg-type]
    # another type (here a float id) takes the general path and still gives canonical JSON
    odd = {**fields, "actor_id": 7.5}
    assert event_body(**odd) == reference(**odd)  # type: ignore[arg-type]
