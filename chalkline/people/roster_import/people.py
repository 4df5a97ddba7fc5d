"""Apply steps for people: the people themselves, their buildings, guardian links and
role suggestions."""

from __future__ import annotations

from typing import Any

from chalkline.lib.oneroster import FileMode, Severity
from chalkline.people.models import RoleSuggestion
from chalkline.people.roles import Role

from .base import ApplyBase
from .common import is_postgres


class PeopleSteps(ApplyBase):
    # -- people
    def apply_people(self) -> None:
        if self.pkg.mode("users") is FileMode.ABSENT:
            return
        d, b = self.district_id, self.batch.pk
        p = self.person
        # 1.2: a person's kinds come from roles.csv
        if self.pkg.version == "1.2":
            self.sql(
                "UPDATE stg_person SET kinds = COALESCE((SELECT SUM(DISTINCT a.kind) FROM stg_aff a "
                "WHERE a.sid = stg_person.sid), 0)"
            )
        # student_flags.csv wins over the users.csv columns
        self.sql(
            "UPDATE stg_person SET opt_out = COALESCE((SELECT f.opt_out FROM stg_flags f "
            "WHERE f.sid = stg_person.sid), opt_out), media = COALESCE((SELECT f.media FROM "
            "stg_flags f WHERE f.sid = stg_person.sid), media) "
            "WHERE sid IN (SELECT sid FROM stg_flags)"
        )
        kind = (
            "CASE WHEN (s.kinds & 1) <> 0 THEN 'staff' WHEN (s.kinds & 2) <> 0 THEN 'student' "
            "WHEN (s.kinds & 4) <> 0 THEN 'guardian' END"
        )
        opt_out = f"CASE WHEN {kind} = 'student' THEN COALESCE(s.opt_out, %s) ELSE %s END"
        media = f"CASE WHEN {kind} = 'student' THEN COALESCE(s.media, %s) ELSE %s END"
        flag_params = [self.false, self.false, self.false, self.true]
        # An existing student keeps the flags recorded in the app (a principal's or registrar's
        # media release or directory opt-out) when the roster does not carry them.
        opt_out_x = f"CASE WHEN {kind} = 'student' THEN COALESCE(s.opt_out, x.directory_opt_out) ELSE %s END"
        media_x = (
            f"CASE WHEN {kind} = 'student' THEN COALESCE(s.media, x.media_release) ELSE %s END"
        )
        x_params = [self.false, self.true]
        # People the staff CSV created first (no sourcedId) are adopted by employee id or email.
        for mine, theirs in (("identifier", "s.ident"), ("LOWER(email)", "LOWER(s.email)")):
            match = (
                f"FROM stg_person s WHERE {theirs} = {p}.{mine} AND (s.kinds & 1) <> 0 AND "
                f"NOT EXISTS (SELECT 1 FROM {p} q WHERE q.district_id = %s AND q.sourced_id = s.sid)"
            ).replace(f"{p}.LOWER(email)", f"LOWER({p}.email)")
            self.sql(
                f"UPDATE {p} SET sourced_id = (SELECT MIN(s.sid) {match}) WHERE district_id = %s "
                f"AND sourced_id = '' AND kind = 'staff' AND {mine} <> '' AND EXISTS (SELECT 1 "
                f"{match})",
                [d, d, d],
            )
        join = f"{self.ordered} {p} x ON x.district_id = %s AND x.sourced_id = s.sid AND NOT (x.sourced_id = '')"
        differs = (
            f"(x.row_hash IS NULL OR x.row_hash <> s.h OR x.kind <> COALESCE({kind}, x.kind) "
            f"OR x.directory_opt_out <> {opt_out_x} OR x.media_release <> {media_x} "
            "OR (s.media IS NOT NULL AND NOT x.media_release_known))"
        )
        rows = self.rows(
            f"SELECT {kind}, x.active, s.active, {differs}, COUNT(*) FROM stg_person s {join} "
            "GROUP BY 1, 2, 3, 4",
            [*x_params, d],
        )
        for k, was, now, diff, count in rows:
            entity = _people_entity(k)
            self.outcome.add(entity, self._transition(bool(was), bool(now), bool(diff)), count)
        for k, count in self.rows(
            f"SELECT {kind}, COUNT(*) FROM stg_person s WHERE {kind} IS NOT NULL AND "
            f"(s.active OR s.status = 'inactive') AND NOT EXISTS (SELECT 1 FROM {p} x WHERE "
            "x.district_id = %s AND x.sourced_id = s.sid AND NOT (x.sourced_id = '')) GROUP BY 1",
            [d],
        ):
            self.outcome.add(_people_entity(k), "created", count)
        self.sql(
            f"INSERT INTO {p} (district_id, kind, given_name, family_name, preferred_name, email, "
            "sourced_id, identifier, username, active, deactivated_at, deactivation_reason, "
            "grade, directory_opt_out, media_release, media_release_known, row_hash, "
            "import_batch_id, created_at, "
            f"updated_at) SELECT %s, {kind}, s.given, s.family, s.preferred, s.email, s.sid, "
            f"s.ident, s.uname, s.active, CASE WHEN s.active THEN NULL ELSE %s END, "
            f"CASE WHEN s.active THEN '' ELSE {self.reason_sql()} END, s.grade, {opt_out}, "
            f"{media}, (s.media IS NOT NULL), s.h, %s, %s, %s FROM stg_person s WHERE "
            f"{kind} IS NOT NULL AND "
            f"(s.active OR s.status = 'inactive') AND NOT EXISTS (SELECT 1 FROM {p} x WHERE "
            "x.district_id = %s AND x.sourced_id = s.sid AND NOT (x.sourced_id = ''))",
            [d, self.now, *flag_params, b, self.now, self.now, d],
        )
        self.sql(
            f"UPDATE {p} AS x SET kind = COALESCE({kind}, x.kind), given_name = s.given, "
            "family_name = s.family, preferred_name = s.preferred, email = s.email, "
            "identifier = s.ident, username = s.uname, grade = s.grade, "
            f"directory_opt_out = {opt_out_x}, media_release = {media_x}, row_hash = s.h, "
            "media_release_known = (x.media_release_known OR s.media IS NOT NULL), "
            "active = s.active, "
            "deactivated_at = CASE WHEN s.active THEN NULL WHEN x.active THEN %s "
            "ELSE x.deactivated_at END, "
            f"deactivation_reason = CASE WHEN s.active THEN '' WHEN x.active THEN "
            f"{self.reason_sql()} ELSE x.deactivation_reason END, "
            "import_batch_id = %s, updated_at = %s "
            "FROM stg_person s WHERE x.district_id = %s AND x.sourced_id = s.sid AND "
            f"NOT (x.sourced_id = '') AND (x.active <> s.active OR {differs})",
            [*x_params, self.now, b, self.now, d, *x_params],
        )
        if self.pkg.mode("users") is FileMode.BULK:
            for k, count in self.rows(
                f"SELECT kind, COUNT(*) FROM {p} x WHERE x.district_id = %s AND x.active AND "
                "NOT (x.sourced_id = '') AND NOT EXISTS (SELECT 1 FROM stg_person s WHERE s.sid = "
                "x.sourced_id) GROUP BY kind",
                [d],
            ):
                self.outcome.add(_people_entity(k), "deactivated", count)
            self.sql(
                f"UPDATE {p} SET active = %s, deactivated_at = %s, deactivation_reason = %s, "
                "import_batch_id = %s, updated_at = %s WHERE district_id = %s AND active AND "
                "NOT (sourced_id = '') AND NOT EXISTS (SELECT 1 FROM stg_person s WHERE s.sid = "
                f"{p}.sourced_id)",
                [
                    self.false,
                    self.now,
                    f"Not in the bulk users file of import #{b}",
                    b,
                    self.now,
                    d,
                ],
            )
        # flags for students not in this users file (a delta)
        self.sql(
            f"UPDATE {p} SET directory_opt_out = COALESCE((SELECT f.opt_out FROM stg_flags f "
            f"WHERE f.sid = {p}.sourced_id), directory_opt_out), media_release = COALESCE(("
            f"SELECT f.media FROM stg_flags f WHERE f.sid = {p}.sourced_id), media_release), "
            f"media_release_known = (media_release_known OR EXISTS (SELECT 1 FROM stg_flags f "
            f"WHERE f.sid = {p}.sourced_id AND f.media IS NOT NULL)) "
            "WHERE district_id = %s AND kind = 'student' AND sourced_id IN (SELECT sid FROM "
            "stg_flags) AND sourced_id NOT IN (SELECT sid FROM stg_person)",
            [d],
        )

    def apply_affiliations(self) -> None:
        d, b = self.district_id, self.batch.pk
        self.sql(
            "CREATE TEMP TABLE stg_aff2 AS SELECT x.id AS person_id, bl.id AS building_id, "
            "MAX(CASE WHEN a.prim THEN 1 ELSE 0 END) AS prim, MAX(a.title) AS title "
            f"FROM stg_aff a {self.ordered} {self.person} x ON x.district_id = %s AND x.sourced_id = a.sid "
            f"AND NOT (x.sourced_id = '') {self.ordered} {self.building} bl ON bl.district_id = %s AND "
            "bl.sourced_id = a.org AND NOT (bl.sourced_id = '') WHERE a.active "
            "GROUP BY x.id, bl.id",
            [d, d],
        )
        self.sql("CREATE INDEX stg_aff2_ix ON stg_aff2 (person_id, building_id)")
        if is_postgres():
            self.sql("ANALYZE stg_aff2")
        prim = "(a.prim = 1)"
        self.outcome.add(
            "affiliations",
            "created",
            self.sql(
                f"INSERT INTO {self.aff} (person_id, building_id, job_title, is_primary, active, "
                f"import_batch_id) SELECT a.person_id, a.building_id, a.title, {prim}, %s, %s "
                f"FROM stg_aff2 a WHERE NOT EXISTS (SELECT 1 FROM {self.aff} y WHERE "
                "y.person_id = a.person_id AND y.building_id = a.building_id)",
                [self.true, b],
            ),
        )
        self.outcome.add(
            "affiliations",
            "reactivated",
            self.sql(
                f"UPDATE {self.aff} AS y SET active = %s, is_primary = {prim}, job_title = a.title, "
                "import_batch_id = %s FROM stg_aff2 a WHERE y.person_id = a.person_id AND "
                "y.building_id = a.building_id AND NOT y.active",
                [self.true, b],
            ),
        )
        self.outcome.add(
            "affiliations",
            "updated",
            self.sql(
                f"UPDATE {self.aff} AS y SET is_primary = {prim}, job_title = a.title, "
                "import_batch_id = %s FROM stg_aff2 a WHERE y.person_id = a.person_id AND "
                f"y.building_id = a.building_id AND y.active AND (y.is_primary <> {prim} OR "
                "y.job_title <> a.title)",
                [b],
            ),
        )
        given = self.scalar("SELECT COUNT(*) FROM stg_aff2") or 0
        counts = self.outcome.counts["affiliations"]
        self.outcome.add(
            "affiliations",
            "unchanged",
            given - counts["created"] - counts["reactivated"] - counts["updated"],
        )
        # Deactivate the links to roster buildings that the package no longer gives, among the
        # people it is authoritative for. Written as a join from those people (not as
        # ``person_id IN (...) AND building_id IN (...)``, which SQLite probes as the cross
        # product of the two lists: people x buildings).
        x_of = f"{self.person} x ON x.district_id = {int(d)} AND NOT (x.sourced_id = '') AND "
        roster_building = (
            f"{self.building} bl ON bl.id = y.building_id AND bl.district_id = {int(d)} AND "
            "NOT (bl.sourced_id = '')"
        )
        if self.pkg.version == "1.1":
            if self.pkg.mode("users") is FileMode.ABSENT:
                return
            links = (
                f"stg_person s {self.ordered} {x_of}x.sourced_id = s.sid {self.ordered} {self.aff} y ON "
                f"y.person_id = x.id AND y.active {self.ordered} {roster_building}"
            )
        elif self.pkg.mode("roles") is FileMode.BULK:
            links = (
                f"{self.aff} y JOIN {x_of}x.id = y.person_id JOIN {roster_building} WHERE y.active"
            )
        elif self.pkg.mode("roles") is FileMode.DELTA:
            links = (
                f"stg_aff a {self.ordered} {x_of}x.sourced_id = a.sid {self.ordered} {self.aff} y ON y.person_id = "
                f"x.id AND y.active {self.ordered} {roster_building} AND bl.sourced_id = a.org "
                "WHERE NOT a.active"
            )
        else:
            return
        links += " AND " if " WHERE " in links else " WHERE "
        self.outcome.add(
            "affiliations",
            "deactivated",
            self.sql(
                f"UPDATE {self.aff} SET active = %s, import_batch_id = %s WHERE id IN (SELECT "
                f"y.id FROM {links}NOT EXISTS (SELECT 1 FROM stg_aff2 a2 WHERE "
                "a2.person_id = y.person_id AND a2.building_id = y.building_id))",
                [self.false, b],
            ),
        )

    def apply_guardian_links(self) -> None:
        d, b = self.district_id, self.batch.pk
        kinds_of_db = "CASE q.kind WHEN 'staff' THEN 1 WHEN 'student' THEN 2 WHEN 'guardian' THEN 4 ELSE 0 END"
        self.sql(
            "CREATE TEMP TABLE stg_link AS SELECT a.sid AS sid, a.agent AS agent, a.line AS line, "
            f"u.kinds AS mine, COALESCE(g.kinds, {kinds_of_db}, 0) AS theirs, "
            "COALESCE(g.sis_role, '') AS agent_role, u.sis_role AS my_role "
            "FROM stg_agent a JOIN stg_person u ON u.sid = a.sid "
            "LEFT JOIN stg_person g ON g.sid = a.agent "
            f"LEFT JOIN {self.person} q ON g.sid IS NULL AND q.district_id = %s AND "
            "q.sourced_id = a.agent AND NOT (q.sourced_id = '') "
            "WHERE g.sid IS NOT NULL OR q.id IS NOT NULL",
            [d],
        )
        odd = "NOT (((mine & 2) <> 0 AND (theirs & 4) <> 0) OR ((mine & 4) <> 0 AND (theirs & 2) <> 0))"
        odd_count = self.scalar(f"SELECT COUNT(*) FROM stg_link WHERE {odd}") or 0
        for sid, agent, line, mine, theirs in self.rows(
            f"SELECT sid, agent, line, mine, theirs FROM stg_link WHERE {odd} ORDER BY line LIMIT 100"
        ):
            self.report.warning(
                "odd_agent_pair",
                self.pkg.file_name("users"),
                line,
                "agentSourcedIds",
                f"a {_kind_label(mine)} lists a {_kind_label(theirs)} ({agent!r}) as agent; "
                "link ignored",
                sourced_id=sid,
            )
        if odd_count > 100:
            self.report.counts[(Severity.WARNING, "odd_agent_pair")] += odd_count - 100
        direct = (
            "CASE WHEN (mine & 2) <> 0 AND (theirs & 4) <> 0 THEN sid ELSE agent END AS student, "
            "CASE WHEN (mine & 2) <> 0 AND (theirs & 4) <> 0 THEN agent ELSE sid END AS guardian, "
            "CASE WHEN (mine & 2) <> 0 AND (theirs & 4) <> 0 THEN agent_role ELSE my_role END AS rel"
        )
        self.sql(
            "CREATE TEMP TABLE stg_link_ids AS SELECT st.id AS student_id, gu.id AS guardian_id, "
            f"MAX(l.rel) AS rel FROM (SELECT {direct} FROM stg_link WHERE NOT {odd}) l "
            f"{self.ordered} {self.person} st ON st.district_id = %s AND st.sourced_id = l.student "
            f"AND NOT (st.sourced_id = '') {self.ordered} {self.person} gu ON gu.district_id = %s AND "
            "gu.sourced_id = l.guardian AND NOT (gu.sourced_id = '') GROUP BY st.id, gu.id",
            [d, d],
        )
        self.sql("CREATE INDEX stg_link_ids_ix ON stg_link_ids (student_id, guardian_id)")
        if is_postgres():
            self.sql("ANALYZE stg_link_ids")
        total = self.scalar("SELECT COUNT(*) FROM stg_link_ids") or 0
        created = self.sql(
            f"INSERT INTO {self.link} (guardian_id, student_id, relationship, active, "
            "import_batch_id) SELECT l.guardian_id, l.student_id, COALESCE(l.rel, ''), %s, %s "
            f"FROM stg_link_ids l WHERE NOT EXISTS (SELECT 1 FROM {self.link} y WHERE "
            "y.guardian_id = l.guardian_id AND y.student_id = l.student_id)",
            [self.true, b],
        )
        reactivated = self.sql(
            f"UPDATE {self.link} AS y SET active = %s, import_batch_id = %s FROM stg_link_ids l "
            "WHERE y.guardian_id = l.guardian_id AND y.student_id = l.student_id AND NOT y.active",
            [self.true, b],
        )
        self.outcome.add("guardian_links", "created", created)
        self.outcome.add("guardian_links", "reactivated", reactivated)
        self.outcome.add("guardian_links", "unchanged", total - created - reactivated)
        if self.pkg.mode("users") is FileMode.BULK:
            self.outcome.add(
                "guardian_links",
                "deactivated",
                self.sql(
                    f"UPDATE {self.link} SET active = %s, import_batch_id = %s WHERE active AND "
                    f"student_id IN (SELECT id FROM {self.person} WHERE district_id = %s AND "
                    "NOT (sourced_id = '')) AND NOT EXISTS (SELECT 1 FROM stg_link_ids l WHERE "
                    f"l.student_id = {self.link}.student_id AND l.guardian_id = "
                    f"{self.link}.guardian_id)",
                    [self.false, b, d],
                ),
            )

    def apply_suggestions(self) -> None:
        d, b = self.district_id, self.batch.pk
        rows = self.rows(
            f"SELECT DISTINCT x.id, bl.id, s.role, s.sis_role FROM stg_sugg s {self.ordered} {self.person} x "
            "ON x.district_id = %s AND x.sourced_id = s.sid AND NOT (x.sourced_id = '') "
            f"LEFT JOIN {self.building} bl ON bl.district_id = %s AND bl.sourced_id = s.org AND "
            "NOT (bl.sourced_id = '')",
            [d, d],
        )
        existing: set[tuple[Any, ...]] = set(
            RoleSuggestion.objects.filter(district_id=d).values_list(
                "person_id", "role", "building_id"
            )
        )
        new: list[RoleSuggestion] = []
        for person_id, building_id, role, sis_role in rows:
            building = building_id if role == Role.PRINCIPAL else None
            key = (person_id, role, building)
            if key in existing:
                self.outcome.add("role_suggestions", "unchanged", 1)
                continue
            existing.add(key)
            new.append(
                RoleSuggestion(
                    district_id=d,
                    person_id=person_id,
                    building_id=building,
                    role=role,
                    sis_role=sis_role[:40],
                    import_batch_id=b,
                )
            )
        RoleSuggestion.objects.bulk_create(new, batch_size=1000)
        self.outcome.add("role_suggestions", "created", len(new))


def _people_entity(kind: str | None) -> str:
    return {"staff": "staff", "student": "students", "guardian": "guardians"}.get(
        kind or "", "staff"
    )


def _kind_label(bits: int) -> str:
    names = [n for bit, n in ((1, "staff"), (2, "student"), (4, "guardian")) if bits & bit]
    return "/".join(names) or "unknown"
