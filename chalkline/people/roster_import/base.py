"""The apply phase's shared state and SQL helpers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.utils import timezone

from chalkline.lib.oneroster import Package, Report, Status
from chalkline.people.models import (
    Affiliation,
    Building,
    Enrollment,
    GuardianLink,
    ImportBatch,
    Person,
    RoleSuggestion,
    SchoolClass,
)

from .common import Outcome


class ApplyBase:
    """State and SQL helpers shared by the apply steps. Call inside one transaction."""

    def __init__(self, *, batch: ImportBatch, pkg: Package, report: Report) -> None:
        self.batch = batch
        self.pkg = pkg
        self.report = report
        self.district_id = batch.district_id
        self.outcome = Outcome(version=pkg.version)
        now = timezone.now()
        self.now = connection.ops.adapt_datetimefield_value(now)
        self.true: Any = True
        self.false: Any = False
        self.person = Person._meta.db_table
        self.building = Building._meta.db_table
        self.aff = Affiliation._meta.db_table
        self.link = GuardianLink._meta.db_table
        self.cls = SchoolClass._meta.db_table
        self.enr = Enrollment._meta.db_table
        self.sugg = RoleSuggestion._meta.db_table
        # "Join in this order": SQLite's CROSS JOIN keeps the left table outer, so a join is
        # driven from the staging table (indexed on sid) and never from a live table probing
        # an unindexed staging column for each of its millions of rows. PostgreSQL plans joins
        # well from its statistics.
        self.ordered = "JOIN" if connection.vendor == "postgresql" else "CROSS JOIN"

    def sql(self, query: str, params: Sequence[Any] = ()) -> int:
        with connection.cursor() as cur:
            cur.execute(query, params)
            return int(cur.rowcount)

    def scalar(self, query: str, params: Sequence[Any] = ()) -> Any:
        with connection.cursor() as cur:
            cur.execute(query, params)
            row = cur.fetchone()
            return row[0] if row else None

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with connection.cursor() as cur:
            cur.execute(query, params)
            return list(cur.fetchall())

    def reason(self, status: str) -> str:
        n = self.batch.pk
        if status == Status.TOBEDELETED:
            return f"Marked tobedeleted by import #{n}"
        return f"Marked {status} by import #{n}"

    def reason_sql(self, alias: str = "s") -> str:
        n = self.batch.pk
        return (
            f"CASE WHEN {alias}.status = 'tobedeleted' THEN 'Marked tobedeleted by import #{n}' "
            f"ELSE 'Marked ' || {alias}.status || ' by import #{n}' END"
        )

    @staticmethod
    def _transition(was_active: bool, active: bool, differs: bool) -> str:
        if was_active and not active:
            return "deactivated"
        if not was_active and active:
            return "reactivated"
        return "updated" if differs else "unchanged"
