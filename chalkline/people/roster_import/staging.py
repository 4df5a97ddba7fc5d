"""Staging: stream the package's records into connection-local TEMP tables.

PostgreSQL fills them with ``COPY FROM STDIN``, SQLite with ``executemany``; each row carries a
64-bit hash of its imported fields. Indexes are created once the tables are full.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import DatabaseError, connection
from django.utils import timezone

from chalkline.lib.oneroster import Package, PersonKind, Report, Status
from chalkline.lib.oneroster.roles import suggest_role

from .common import CHUNK, KIND_BIT, SUGGESTED, Progress, is_postgres, row_hash


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


_STAGING: dict[str, list[tuple[str, str]]] = {
    "stg_person": [
        ("sid", "TEXT"),
        ("kinds", "INTEGER"),
        ("sis_role", "TEXT"),
        ("given", "TEXT"),
        ("family", "TEXT"),
        ("preferred", "TEXT"),
        ("email", "TEXT"),
        ("ident", "TEXT"),
        ("uname", "TEXT"),
        ("grade", "TEXT"),
        ("active", "BOOLEAN"),
        ("status", "TEXT"),
        ("opt_out", "BOOLEAN"),
        ("media", "BOOLEAN"),
        ("h", "BIGINT"),
    ],
    "stg_agent": [("sid", "TEXT"), ("agent", "TEXT"), ("line", "INTEGER")],
    "stg_aff": [
        ("sid", "TEXT"),
        ("org", "TEXT"),
        ("kind", "INTEGER"),
        ("prim", "BOOLEAN"),
        ("title", "TEXT"),
        ("active", "BOOLEAN"),
        ("line", "INTEGER"),
    ],
    "stg_sugg": [("sid", "TEXT"), ("org", "TEXT"), ("role", "TEXT"), ("sis_role", "TEXT")],
    "stg_flags": [("sid", "TEXT"), ("opt_out", "BOOLEAN"), ("media", "BOOLEAN")],
    "stg_class": [
        ("sid", "TEXT"),
        ("title", "TEXT"),
        ("code", "TEXT"),
        ("course", "TEXT"),
        ("school", "TEXT"),
        ("active", "BOOLEAN"),
        ("status", "TEXT"),
        ("h", "BIGINT"),
        ("line", "INTEGER"),
    ],
    "stg_enr": [
        ("sid", "TEXT"),
        ("cls", "TEXT"),
        ("usr", "TEXT"),
        ("role", "TEXT"),
        ("prim", "BOOLEAN"),
        ("begin_d", "DATE"),
        ("end_d", "DATE"),
        ("active", "BOOLEAN"),
        ("status", "TEXT"),
        ("h", "BIGINT"),
        ("line", "INTEGER"),
    ],
}
_STAGING_INDEXES = {
    "stg_person": ["sid", "ident", "LOWER(email)"],
    "stg_agent": ["sid"],
    "stg_aff": ["sid"],
    "stg_class": ["sid"],
    "stg_enr": ["sid"],
    "stg_flags": ["sid"],
    "stg_sugg": ["sid"],
}
_DERIVED = ("stg_aff2", "stg_link", "stg_link_ids")

# Per-connection settings for the import, restored afterwards. SQLite: a larger page cache for
# the live tables. Not for the TEMP database: a large ``temp.cache_size`` makes every
# autocommit insert into a TEMP table slow (measured 10x), and ``temp_store = MEMORY`` would put
# the staging tables of a large district (gigabytes) in this process's memory. PostgreSQL:
# memory for the big sorts and hash joins, index builds and TEMP table buffers (settable only
# before the session first touches a TEMP table).
SQLITE_PRAGMAS = {"main.cache_size": -262144}
PG_SETTINGS = {"work_mem": "128MB", "maintenance_work_mem": "256MB", "temp_buffers": "256MB"}


@contextmanager
def import_connection() -> Iterator[None]:
    """Tune this database connection for a large import; put it back as it was after."""
    saved: list[tuple[str, str]] = []
    with connection.cursor() as cur:
        if is_postgres():
            for name, setting in PG_SETTINGS.items():
                cur.execute(f"SHOW {name}")
                before = str(cur.fetchone()[0])
                try:
                    cur.execute(f"SET {name} = '{setting}'")
                except DatabaseError:
                    continue  # temp_buffers once TEMP tables were used: keep the default
                if name != "temp_buffers":  # cannot be changed back once TEMP tables were used
                    saved.append((name, before))
        else:
            for name, pages in SQLITE_PRAGMAS.items():
                cur.execute(f"PRAGMA {name}")
                saved.append((name, str(int(cur.fetchone()[0]))))
                cur.execute(f"PRAGMA {name} = {int(pages)}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            for name, before in saved:
                if is_postgres():
                    cur.execute(f"SET {name} = '{before}'")
                else:
                    cur.execute(f"PRAGMA {name} = {int(before)}")


def drop_staging() -> None:
    with connection.cursor() as cur:
        for table in (*_STAGING, *_DERIVED):
            cur.execute(f"DROP TABLE IF EXISTS {table}")


def create_staging() -> None:
    drop_staging()
    with connection.cursor() as cur:
        for table, cols in _STAGING.items():
            spec = ", ".join(
                f"{name} {'TEXT' if typ == 'DATE' and not is_postgres() else typ}"
                for name, typ in cols
            )
            cur.execute(f"CREATE TEMP TABLE {table} ({spec})")


def index_staging() -> None:
    with connection.cursor() as cur:
        for table, cols in _STAGING_INDEXES.items():
            for col in cols:
                name = re.sub(r"\W", "", col).lower()
                cur.execute(f"CREATE INDEX {table}_{name}_ix ON {table} ({col})")
        analyze(cur, _STAGING)


def analyze(cur: Any, tables: Iterable[str]) -> None:
    """Statistics for the planner. Without them SQLite takes an equality on any index (say
    ``district_id = ?``) to match ~10 rows and drives a join from a table of millions, probing
    an unindexed staging table for each row. ``analysis_limit`` keeps SQLite's ANALYZE to a
    sample (milliseconds, whatever the size)."""
    if not is_postgres():
        cur.execute("PRAGMA analysis_limit = 1000")
    for table in tables:
        cur.execute(f"ANALYZE {table}")


class Loader:
    """Buffers rows for one staging table; PostgreSQL COPY, SQLite executemany."""

    def __init__(self, table: str) -> None:
        self.table = table
        self.columns = [c for c, _ in _STAGING[table]]
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK * 4:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        cols = ", ".join(self.columns)
        with connection.cursor() as cur:
            if is_postgres():
                raw = cur.cursor  # the psycopg cursor under Django's wrapper
                with raw.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in self.columns)
                cur.cursor.executemany(
                    f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", self.rows
                )
        self.count += len(self.rows)
        self.rows = []


def _status(status: Status) -> tuple[bool, str]:
    return status is Status.ACTIVE, str(status)


def stage_package(pkg: Package, *, progress: Progress, report: Report) -> dict[str, int]:
    """Stream the package's records into the staging tables. Returns rows per table."""
    org_types = pkg.org_types()
    staged: Counter[str] = Counter()

    people = Loader("stg_person")
    agents = Loader("stg_agent")
    affs = Loader("stg_aff")
    suggs = Loader("stg_sugg")
    version = pkg.version
    for n, user in enumerate(pkg.users(report), start=1):
        active, status = _status(user.status)
        kinds = KIND_BIT[user.kind] if user.kind is not None else 0
        grade = ",".join(user.grades)[:20]
        preferred = user.preferred_given_name[:100]
        fields = (
            user.given_name[:100],
            user.family_name[:100],
            preferred,
            user.email[:254],
            user.identifier[:255],
            user.username[:255],
            grade,
        )
        people.add(
            (
                user.sourced_id,
                kinds,
                user.role or "",
                *fields,
                active,
                status,
                user.directory_opt_out,
                user.media_release,
                row_hash(*fields),
            )
        )
        for agent in user.agent_sourced_ids:
            agents.add((user.sourced_id, agent, user.source.line))
        if version == "1.1" and user.role and user.kind is not None:
            for i, org in enumerate(user.org_sourced_ids):
                affs.add(
                    (
                        user.sourced_id,
                        org,
                        kinds,
                        i == 0,
                        _title(user.role, user.kind),
                        active,
                        user.source.line,
                    )
                )
                suggested = suggest_role(user.role, org_types.get(org))
                if suggested is not None and active:
                    suggs.add((user.sourced_id, org, SUGGESTED[suggested].value, user.role))
        if n % 50_000 == 0:
            progress("Reading users", n, 0)
    if version == "1.2":
        for role in pkg.roles(report):
            active = role.status is Status.ACTIVE and (
                role.end_date is None or role.end_date >= timezone.localdate()
            )
            affs.add(
                (
                    role.user_sourced_id,
                    role.org_sourced_id,
                    KIND_BIT[role.kind],
                    role.primary,
                    _title(role.role, role.kind),
                    active,
                    role.source.line,
                )
            )
            if role.suggested_role is not None and active:
                suggs.add(
                    (
                        role.user_sourced_id,
                        role.org_sourced_id,
                        SUGGESTED[role.suggested_role].value,
                        role.role,
                    )
                )
    for loader in (people, agents, affs, suggs):
        loader.flush()
        staged[loader.table] = loader.count

    flags = Loader("stg_flags")
    for f in pkg.student_flags(report):
        flags.add((f.sourced_id, f.directory_opt_out, f.media_release))
    flags.flush()
    staged["stg_flags"] = flags.count

    classes = Loader("stg_class")
    for c in pkg.classes(report):
        active, status = _status(c.status)
        cfields = (
            c.title[:200],
            c.class_code[:100],
            c.course_sourced_id[:255],
            c.school_sourced_id,
        )
        classes.add((c.sourced_id, *cfields, active, status, row_hash(*cfields), c.source.line))
    classes.flush()
    staged["stg_class"] = classes.count
    progress("Reading classes", classes.count, 0)

    enrollments = Loader("stg_enr")
    for n, e in enumerate(pkg.enrollments(report), start=1):
        active, status = _status(e.status)
        begin, end = _iso(e.begin_date), _iso(e.end_date)
        enrollments.add(
            (
                e.sourced_id,
                e.class_sourced_id,
                e.user_sourced_id,
                e.role[:30],
                bool(e.primary),
                begin,
                end,
                active,
                status,
                row_hash(
                    e.class_sourced_id, e.user_sourced_id, e.role, bool(e.primary), begin, end
                ),
                e.source.line,
            )
        )
        if n % 200_000 == 0:
            progress("Reading enrollments", n, 0)
    enrollments.flush()
    staged["stg_enr"] = enrollments.count
    index_staging()
    return dict(staged)


def _title(role: str, kind: PersonKind) -> str:
    if kind is not PersonKind.STAFF:
        return ""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", role).lower()
    return words[:1].upper() + words[1:]
