"""Django's SQLite backend (``ENGINE = "chalkline.lib.sqlite"``), one thing changed.

Django decides whether SQLite has JSON support by running ``SELECT JSON(...)`` in a transaction.
Our transactions are IMMEDIATE (they take the write lock at BEGIN), so while another process
writes, the probe times out with "database is locked", Django concludes there is no JSON support,
and every command then fails with "SQLite does not support JSONFields" (fields.E180) instead of
the real error. The answer depends on the SQLite library only, so ask an in-memory database.
"""

from __future__ import annotations

import functools
import sqlite3

from django.db.backends.sqlite3 import base, features

# The exit status of a command that stopped because the database was busy (sysexits EX_TEMPFAIL:
# try again later), distinct from 1 (a real failure).
EXIT_DATABASE_BUSY = 75


def is_database_busy(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked": another process holds a lock."""
    return "is locked" in str(exc) or "database is busy" in str(exc)


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


class DatabaseFeatures(features.DatabaseFeatures):
    supports_json_field = json1_available()


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
