"""SQLite under lock contention: an honest "database is busy", never a misleading error.

Django decides whether SQLite has JSON support by running ``SELECT JSON(...)`` in a transaction.
Our transactions are IMMEDIATE (they take the write lock at BEGIN), so while another process
writes, the probe timed out with "database is locked", Django concluded there was no JSON support,
and every command then failed with "SQLite does not support JSONFields" (fields.E180) instead of
the real error. The answer depends on the SQLite library only, so ``install_json_probe`` (called
when the people app is ready, before any query) asks an in-memory database instead. The engine
name stays ``django.db.backends.sqlite3``, which tools such as pytest-django look for.
"""

from __future__ import annotations

import functools
import sqlite3

# The exit status of a command that stopped because the database was busy (sysexits EX_TEMPFAIL:
# try again later), distinct from 1 (a real failure).
EXIT_DATABASE_BUSY = 75


def is_database_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked": another process holds a lock."""
    return "is locked" in str(exc)


@functools.cache
def json1_available() -> bool:
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("""SELECT JSON('{"a": "b"}')""")
    except sqlite3.OperationalError:
        return False
    finally:
        probe.close()
    return True


def install_json_probe() -> None:
    from django.conf import settings

    if not any(db["ENGINE"].endswith("sqlite3") for db in settings.DATABASES.values()):
        return
    from django.db.backends.sqlite3 import base  # features.py alone would be a circular import

    # A plain class attribute replaces Django's cached_property probe for every connection.
    base.DatabaseFeatures.supports_json_field = json1_available()  # type: ignore[attr-defined,method-assign,assignment]
