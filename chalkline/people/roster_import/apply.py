"""The set-based apply phase: ONE transaction, ``INSERT ... SELECT`` for new rows,
``UPDATE ... FROM`` where the stored hash (or the status) differs, deactivation of rows missing
from a bulk file. Nothing is ever deleted; every touched row carries the batch id."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from django.db import connection

from chalkline.lib.oneroster import FileMode, Report, Status
from chalkline.people.models import Building, RosterOrg

from .common import BUILDING_ORG_TYPES, ImportRefused, Outcome, Progress
from .people import PeopleSteps
from .staging import analyze


def _level(name: str, org_type: str) -> str:
    if org_type == "district":
        return Building.Level.OFFICE
    low = name.lower()
    for words, level in (
        (("elementary", "primary", "grade school"), Building.Level.ELEMENTARY),
        (("middle", "junior high", "intermediate"), Building.Level.MIDDLE),
        (("high school", "high", "secondary", "academy"), Building.Level.HIGH),
        (("early", "preschool", "pre-k", "kindergarten center"), Building.Level.EARLY),
    ):
        if any(re.search(rf"\b{re.escape(w)}\b", low) for w in words):
            return level
    return Building.Level.OTHER


class Applier(PeopleSteps):
    """The set-based apply phase. Call inside one transaction."""

    # -- orgs: small (a few thousand rows), done with bulk ORM calls
    def apply_orgs(self) -> None:
        mode = self.pkg.mode("orgs")
        if mode is FileMode.ABSENT:
            return
        district_id = self.district_id
        buildings = {b.sourced_id: b for b in Building.objects.filter(district_id=district_id)}
        by_code = {b.code: b for b in buildings.values()}
        orgs = {o.sourced_id: o for o in RosterOrg.objects.filter(district_id=district_id)}
        seen: set[str] = set()
        new_buildings: list[Building] = []
        changed_buildings: list[Building] = []
        org_rows: list[tuple[Any, ...]] = []
        for org in self.pkg.orgs(Report(cap_per_code=0)):
            seen.add(org.sourced_id)
            active = org.status is Status.ACTIVE
            reason = "" if active else self.reason(str(org.status))
            org_rows.append((org, active))
            if org.type.lower() not in BUILDING_ORG_TYPES:
                continue
            name = org.name[:200]
            building = buildings.get(org.sourced_id)
            if building is None and not active and mode is FileMode.DELTA:
                continue
            if building is None:
                code = (org.identifier or org.sourced_id)[:100]
                if code in by_code:
                    code = org.sourced_id[:100]
                building = Building(
                    district_id=district_id,
                    sourced_id=org.sourced_id,
                    code=code,
                    name=name,
                    level=_level(name, org.type.lower()),
                    active=active,
                    deactivation_reason=reason,
                    import_batch_id=self.batch.pk,
                )
                buildings[org.sourced_id] = building
                by_code[code] = building
                new_buildings.append(building)
                self.outcome.add("buildings", "created", 1)
                continue
            action = self._transition(building.active, active, building.name != name)
            self.outcome.add("buildings", action, 1)
            if action != "unchanged":
                building.name, building.active = name, active
                building.deactivation_reason = reason
                building.import_batch_id = self.batch.pk
                changed_buildings.append(building)
        if mode is FileMode.BULK:
            for sid, building in buildings.items():
                if sid and sid not in seen and building.active and building.pk:
                    building.active = False
                    building.deactivation_reason = (
                        f"Not in the bulk orgs file of import #{self.batch.pk}"
                    )
                    building.import_batch_id = self.batch.pk
                    changed_buildings.append(building)
                    self.outcome.add("buildings", "deactivated", 1)
        Building.objects.bulk_create(new_buildings)
        Building.objects.bulk_update(
            changed_buildings, ["name", "active", "deactivation_reason", "import_batch"]
        )
        new_orgs: list[RosterOrg] = []
        changed_orgs: list[RosterOrg] = []
        for org, active in org_rows:
            building = buildings.get(org.sourced_id)
            values = {
                "name": org.name[:200],
                "type": org.type[:40],
                "identifier": org.identifier[:255],
                "parent_sourced_id": (org.parent_sourced_id or "")[:255],
                "active": active,
                "building_id": building.pk if building else None,
            }
            existing = orgs.get(org.sourced_id)
            if existing is None:
                new_orgs.append(
                    RosterOrg(
                        district_id=district_id,
                        sourced_id=org.sourced_id,
                        import_batch_id=self.batch.pk,
                        **values,
                    )
                )
                self.outcome.add("orgs", "created", 1)
                continue
            differs = any(getattr(existing, k) != v for k, v in values.items() if k != "active")
            action = self._transition(existing.active, active, differs)
            self.outcome.add("orgs", action, 1)
            if action != "unchanged":
                for k, v in values.items():
                    setattr(existing, k, v)
                existing.import_batch_id = self.batch.pk
                changed_orgs.append(existing)
        if mode is FileMode.BULK:
            for sid, existing in orgs.items():
                if sid not in seen and existing.active:
                    existing.active = False
                    existing.import_batch_id = self.batch.pk
                    changed_orgs.append(existing)
                    self.outcome.add("orgs", "deactivated", 1)
        RosterOrg.objects.bulk_create(new_orgs)
        RosterOrg.objects.bulk_update(
            changed_orgs,
            [
                "name",
                "type",
                "identifier",
                "parent_sourced_id",
                "active",
                "building",
                "import_batch",
            ],
        )

    def _apply_keyed(
        self,
        *,
        entity: str,
        table: str,
        stg: str,
        file: str,
        insert_cols: str,
        insert_select: str,
        insert_from: str,
        insert_params: list[Any],
        update_set: str,
        update_from: str,
        update_params: list[Any],
    ) -> None:
        """Shared create/update/deactivate/reactivate for classes and enrollments."""
        d, b = self.district_id, self.batch.pk
        join = f"{self.ordered} {table} x ON x.district_id = %s AND x.sourced_id = s.sid"
        differs = "(x.row_hash IS NULL OR x.row_hash <> s.h)"
        for was, now, diff, count in self.rows(
            f"SELECT x.active, s.active, {differs}, COUNT(*) FROM {stg} s {join} GROUP BY 1, 2, 3",
            [d],
        ):
            self.outcome.add(entity, self._transition(bool(was), bool(now), bool(diff)), count)
        created = self.sql(
            f"INSERT INTO {table} ({insert_cols}) SELECT {insert_select} FROM {stg} s "
            f"{insert_from} WHERE (s.active OR s.status = 'inactive') AND NOT EXISTS ("
            f"SELECT 1 FROM {table} x WHERE x.district_id = %s AND x.sourced_id = s.sid)",
            [*insert_params, d],
        )
        self.outcome.add(entity, "created", created)
        self.sql(
            f"UPDATE {table} AS x SET {update_set}, row_hash = s.h, active = s.active, "
            "deactivated_at = CASE WHEN s.active THEN NULL WHEN x.active THEN %s "
            "ELSE x.deactivated_at END, deactivation_reason = CASE WHEN s.active THEN '' "
            f"WHEN x.active THEN {self.reason_sql()} ELSE x.deactivation_reason END, "
            f"import_batch_id = %s FROM {update_from} WHERE x.district_id = %s AND "
            f"x.sourced_id = s.sid AND (x.active <> s.active OR {differs})",
            [*update_params, self.now, b, d],
        )
        if self.pkg.mode(file) is FileMode.BULK:
            self.outcome.add(
                entity,
                "deactivated",
                self.sql(
                    f"UPDATE {table} SET active = %s, deactivated_at = %s, deactivation_reason = "
                    "%s, import_batch_id = %s WHERE district_id = %s AND active AND NOT EXISTS "
                    f"(SELECT 1 FROM {stg} s WHERE s.sid = {table}.sourced_id)",
                    [self.false, self.now, f"Not in the bulk {file} file of import #{b}", b, d],
                ),
            )

    def apply_classes(self) -> None:
        if self.pkg.mode("classes") is FileMode.ABSENT:
            return
        d, b = self.district_id, self.batch.pk
        bjoin = (
            f"LEFT JOIN {self.building} bl ON bl.district_id = {int(d)} AND bl.sourced_id = "
            "s.school AND NOT (bl.sourced_id = '')"
        )
        self._apply_keyed(
            entity="classes",
            table=self.cls,
            stg="stg_class",
            file="classes",
            insert_cols=(
                "district_id, building_id, sourced_id, title, class_code, course_sourced_id, "
                "active, deactivated_at, deactivation_reason, row_hash, import_batch_id"
            ),
            insert_select=(
                f"%s, bl.id, s.sid, s.title, s.code, s.course, s.active, CASE WHEN s.active THEN "
                f"NULL ELSE %s END, CASE WHEN s.active THEN '' ELSE {self.reason_sql()} END, s.h, %s"
            ),
            insert_from=bjoin,
            insert_params=[d, self.now, b],
            update_set=(
                f"title = s.title, class_code = s.code, course_sourced_id = s.course, "
                f"building_id = (SELECT bl.id FROM {self.building} bl WHERE bl.district_id = "
                f"{int(d)} AND bl.sourced_id = s.school AND NOT (bl.sourced_id = ''))"
            ),
            update_from="stg_class s",
            update_params=[],
        )

    def apply_enrollments(self) -> None:
        if self.pkg.mode("enrollments") is FileMode.ABSENT:
            return
        d, b = self.district_id, self.batch.pk
        joins = (
            f"{self.ordered} {self.cls} c ON c.district_id = {int(d)} AND c.sourced_id = s.cls "
            f"{self.ordered} {self.person} u ON u.district_id = {int(d)} AND u.sourced_id = s.usr AND "
            "NOT (u.sourced_id = '')"
        )
        self._apply_keyed(
            entity="enrollments",
            table=self.enr,
            stg="stg_enr",
            file="enrollments",
            insert_cols=(
                'district_id, school_class_id, person_id, sourced_id, role, "primary", '
                "begin_date, end_date, active, deactivated_at, deactivation_reason, row_hash, "
                "import_batch_id"
            ),
            insert_select=(
                f"%s, c.id, u.id, s.sid, s.role, s.prim, s.begin_d, s.end_d, s.active, CASE WHEN "
                f"s.active THEN NULL ELSE %s END, CASE WHEN s.active THEN '' ELSE "
                f"{self.reason_sql()} END, s.h, %s"
            ),
            insert_from=joins,
            insert_params=[d, self.now, b],
            update_set=(
                'school_class_id = c.id, person_id = u.id, role = s.role, "primary" = s.prim, '
                "begin_date = s.begin_d, end_date = s.end_d"
            ),
            update_from=f"stg_enr s {joins}",
            update_params=[],
        )

    def check_delta_refs(self) -> None:
        """References into a delta file could not be judged by the reader: the target may be in
        the database already. Those that resolve nowhere are errors; the import is refused."""
        d = int(self.district_id)
        checks = []
        if self.pkg.mode("classes") is FileMode.DELTA or self.pkg.mode("orgs") is FileMode.DELTA:
            checks.append(
                (
                    "classes",
                    "schoolSourcedId",
                    "SELECT s.sid, s.line, s.school FROM stg_class s WHERE s.active AND NOT "
                    f"EXISTS (SELECT 1 FROM {self.building} bl WHERE bl.district_id = {d} AND "
                    "bl.sourced_id = s.school AND NOT (bl.sourced_id = ''))",
                )
            )
        if FileMode.DELTA in (
            self.pkg.mode("enrollments"),
            self.pkg.mode("classes"),
            self.pkg.mode("users"),
        ):
            checks.append(
                (
                    "enrollments",
                    "classSourcedId",
                    "SELECT s.sid, s.line, s.cls FROM stg_enr s WHERE s.active AND NOT EXISTS "
                    "(SELECT 1 FROM stg_class c WHERE c.sid = s.cls) AND NOT EXISTS (SELECT 1 "
                    f"FROM {self.cls} c WHERE c.district_id = {d} AND c.sourced_id = s.cls)",
                )
            )
            checks.append(
                (
                    "enrollments",
                    "userSourcedId",
                    "SELECT s.sid, s.line, s.usr FROM stg_enr s WHERE s.active AND NOT EXISTS "
                    "(SELECT 1 FROM stg_person u WHERE u.sid = s.usr) AND NOT EXISTS (SELECT 1 "
                    f"FROM {self.person} u WHERE u.district_id = {d} AND u.sourced_id = s.usr "
                    "AND NOT (u.sourced_id = ''))",
                )
            )
        if FileMode.DELTA in (
            self.pkg.mode("users"),
            self.pkg.mode("roles"),
            self.pkg.mode("orgs"),
        ):
            checks.append(
                (
                    "roles" if self.pkg.version == "1.2" else "users",
                    "orgSourcedId" if self.pkg.version == "1.2" else "orgSourcedIds",
                    "SELECT a.sid, a.line, a.org FROM stg_aff a WHERE a.active AND NOT EXISTS "
                    f"(SELECT 1 FROM {RosterOrg._meta.db_table} o WHERE o.district_id = {d} AND "
                    "o.sourced_id = a.org)",
                )
            )
        failed = False
        for file, column, query in checks:
            if not self.pkg.has(file):
                continue
            for sid, line, ref in self.rows(query + " ORDER BY 2 LIMIT 100"):
                failed = True
                self.report.error(
                    "dangling_ref",
                    self.pkg.file_name(file),
                    line,
                    column,
                    f"refers to {ref!r}, which is neither in the package nor in the directory",
                    sourced_id=sid,
                )
        if failed:
            raise ImportRefused("References that resolve nowhere; nothing was applied.")

    def apply(
        self, progress: Progress, *, after_people: Callable[[Outcome], None] | None = None
    ) -> Outcome:
        """Run the steps; ``after_people`` is called with the counts once people are applied
        (it may raise ImportRefused to stop the import before the long steps)."""
        steps: list[tuple[str, Callable[[], None]]] = [
            ("Applying buildings", self.apply_orgs),
            ("Applying people", self.apply_people),
            ("Applying buildings of people", self.apply_affiliations),
            ("Applying guardian links", self.apply_guardian_links),
            ("Applying role suggestions", self.apply_suggestions),
            ("Applying classes", self.apply_classes),
            ("Applying enrollments", self.apply_enrollments),
        ]
        for i, (label, step) in enumerate(steps):
            progress(label, i, len(steps))
            start = time.perf_counter()
            step()
            if step == self.apply_people:
                self.check_delta_refs()
                if after_people is not None:
                    after_people(self.outcome)
                self.analyze(self.person, self.building)
            elif step == self.apply_classes:
                self.analyze(self.cls)
            elif step == self.apply_enrollments:
                # the tables read right after an import (the screening roster index, the
                # dashboards) plan from fresh statistics, not from an empty table's
                self.analyze(self.aff, self.link, self.enr)
            self.outcome.step_seconds[step.__name__] = time.perf_counter() - start
        return self.outcome

    def analyze(self, *tables: str) -> None:
        """Fresh statistics for tables this transaction just filled (a first import: from
        empty to millions of rows), so the joins that follow are planned from the staging
        side. PostgreSQL's ANALYZE counts this transaction's own rows."""
        with connection.cursor() as cur:
            analyze(cur, tables)
