"""Concurrent writers on PostgreSQL still produce one gap-free chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from chalkline.audit.services import record_event, verify_chain
from conftest import make_district


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
                    action="test.concurrent",
                    after={"w": n, "i": i},
                )
        except BaseException as exc:  # noqa: BLE001 - collected and asserted below
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
