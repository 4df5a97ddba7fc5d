"""Concurrent writers on PostgreSQL still produce one gap-free chain."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditChainHead, AuditEvent, PendingAuditEvent
from chalkline.audit.services import CHAIN_LOCK_CLASS, record_event, seal_pending, verify_chain
from conftest import make_district


def _pg_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the chain lock and the parked path exist on PostgreSQL only")


@pytest.fixture
def other_session() -> Iterator[psycopg.Connection]:
    """A second database session, standing in for another writer that holds the chain."""
    _pg_only()
    s = connection.settings_dict
    conn = psycopg.connect(
        dbname=s["NAME"], user=s["USER"], host=s["HOST"], port=s["PORT"] or 5432, autocommit=True
    )
    try:
        yield conn
    finally:
        conn.close()


@pytest.mark.django_db(transaction=True)
def test_eight_threads_appending_200_events_each_make_one_valid_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers itself; the head lock matters on PostgreSQL")
    district = make_district()
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(200):
                record_event(
                    district=district.pk,
                    actor=None,
                    action=Action.API_SCREENED,
                    after={"w": n, "i": i},
                )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    result = verify_chain(district.pk)
    assert result.ok, result.reason
    assert result.count == 1 + 8 * 200  # district.created + the writers' events
    assert result.pending == 0


@pytest.mark.django_db(transaction=True)
def test_an_event_written_while_another_session_holds_the_chain_is_parked_then_sealed(
    other_session: psycopg.Connection,
) -> None:
    _pg_only()
    district = make_district()
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", [CHAIN_LOCK_CLASS, district.pk])
    record_event(
        district=district.pk, actor=None, action=Action.ACK_PACKET_OPENED, after={"n": "é"}
    )
    # committed, durable, and waiting: the chain was busy, so neither linked nor lost
    assert PendingAuditEvent.objects.filter(district_id=district.pk).count() == 1
    assert not AuditEvent.objects.filter(district_id=district.pk, action="acks.opened").exists()
    other_session.execute("SELECT pg_advisory_unlock(%s, %s)", [CHAIN_LOCK_CLASS, district.pk])
    # the holder's check after releasing (here called directly) links it
    assert seal_pending(district.pk) == 1
    result = verify_chain(district.pk)
    assert result.ok and result.count == 2 and result.pending == 0


@pytest.mark.django_db(transaction=True)
def test_the_one_statement_path_links_non_ascii_events_the_verifier_accepts() -> None:
    _pg_only()
    district = make_district()
    for text in ("Zoë O\u2019Brien", "日本語", 'quote " and \\ backslash', "emoji 🎒"):
        record_event(
            district=district.pk, actor=None, action=Action.ACK_PACKET_READ, after={"t": text}
        )
    result = verify_chain(district.pk)
    assert result.ok, result.reason
    assert result.count == 5
    head = AuditChainHead.objects.get(district_id=district.pk)
    last = AuditEvent.objects.in_district(district.pk).order_by("-seq").first()
    assert last is not None and (head.last_seq, head.last_hash) == (last.seq, last.hash)


@pytest.mark.django_db(transaction=True)
def test_an_event_in_a_rolled_back_transaction_leaves_no_trace_and_the_head_unmoved() -> None:
    _pg_only()
    district = make_district()
    before = AuditChainHead.objects.get(district_id=district.pk)
    with pytest.raises(RuntimeError), transaction.atomic():
        record_event(district=district.pk, actor=None, action=Action.MEMBERSHIP_REVOKED)
        raise RuntimeError("the business change failed")
    after = AuditChainHead.objects.get(district_id=district.pk)
    assert (after.last_seq, after.last_hash) == (before.last_seq, before.last_hash)
    assert not AuditEvent.objects.filter(action="membership.revoked").exists()
    assert not PendingAuditEvent.objects.filter(action="membership.revoked").exists()
    record_event(district=district.pk, actor=None, action=Action.MEMBERSHIP_GRANTED)
    assert verify_chain(district.pk).ok


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("pooling", [False, True], ids=["direct", "transaction-pooling"])
def test_a_parked_writer_leaves_no_lock_behind(
    other_session: psycopg.Connection, settings: Any, pooling: bool
) -> None:
    """No lock outlives the call (behind a transaction-pooling PgBouncer, session state would
    follow the server connection to another client)."""
    settings.DB_TRANSACTION_POOLING = pooling
    district = make_district()
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", [CHAIN_LOCK_CLASS, district.pk])
    record_event(district=district.pk, actor=None, action=Action.ACK_PACKET_OPENED)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        assert cursor.fetchone()[0] == 0
    other_session.execute("SELECT pg_advisory_unlock(%s, %s)", [CHAIN_LOCK_CLASS, district.pk])
    assert seal_pending(district.pk) == 1


@pytest.mark.django_db(transaction=True)
def test_sealing_asked_for_inside_a_transaction_happens_after_its_commit() -> None:
    _pg_only()
    district = make_district()
    with transaction.atomic():
        PendingAuditEvent.objects.create(district_id=district.pk, at=timezone.now(), action="x")
        assert seal_pending(district.pk) == 0  # deferred: the chain is not held to the commit
        assert PendingAuditEvent.objects.filter(district_id=district.pk).count() == 1
    assert PendingAuditEvent.objects.filter(district_id=district.pk).count() == 0
    assert verify_chain(district.pk).ok
