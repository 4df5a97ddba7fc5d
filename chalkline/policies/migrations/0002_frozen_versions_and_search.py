"""Database guards and full-text search, per vendor.

- A published or superseded policy version (and guideline version, and their clauses) never
  changes: a trigger refuses any UPDATE of the content columns, any status change other than
  published → superseded and, on PostgreSQL, any DELETE. (SQLite gets the UPDATE guard only: the
  test runner empties tables with DELETE there.)
- Search: an FTS5 virtual table on SQLite (rowid = version id), filled by the publish service;
  a GIN index over ``search_document`` of published versions on PostgreSQL.
"""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

VERSION_COLUMNS = [
    "policy_id",
    "district_id",
    "seq",
    "title",
    "canonical_text",
    "sha256",
    "parsed",
    "source_format",
    "source_filename",
    "adopted_on",
    "revised_on",
    "material",
    "change_summary",
    "published_at",
    "search_document",
]
GUIDELINE_COLUMNS = [
    "guideline_id",
    "seq",
    "title",
    "body",
    "sha256",
    "change_summary",
    "published_at",
]
FROZEN = "a published version never changes"


def _sqlite_changed(columns: list[str]) -> str:
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


def _pg_row(prefix: str, columns: list[str]) -> str:
    return "ROW(" + ", ".join(f"{prefix}.{c}" for c in columns) + ")"


SQLITE_CREATE = [
    f"""CREATE TRIGGER policies_version_frozen BEFORE UPDATE ON policies_policyversion
    WHEN OLD.status <> 'draft' AND (NEW.status NOT IN (OLD.status, 'superseded')
         OR {_sqlite_changed(VERSION_COLUMNS)})
    BEGIN SELECT RAISE(ABORT, 'policies_policyversion: {FROZEN}'); END""",
    f"""CREATE TRIGGER policies_guideline_version_frozen BEFORE UPDATE ON policies_guidelineversion
    WHEN OLD.status <> 'draft' AND (NEW.status NOT IN (OLD.status, 'superseded')
         OR {_sqlite_changed(GUIDELINE_COLUMNS)})
    BEGIN SELECT RAISE(ABORT, 'policies_guidelineversion: {FROZEN}'); END""",
    """CREATE TRIGGER policies_clause_frozen BEFORE UPDATE ON policies_clause
    WHEN (SELECT status FROM policies_policyversion WHERE id = OLD.version_id) <> 'draft'
         AND (NEW.version_id IS NOT OLD.version_id OR NEW.clause_id IS NOT OLD.clause_id
              OR NEW.kind IS NOT OLD.kind OR NEW.marker IS NOT OLD.marker
              OR NEW.text IS NOT OLD.text OR NEW.position IS NOT OLD.position
              OR NEW.parent_id IS NOT OLD.parent_id)
    BEGIN SELECT RAISE(ABORT, 'policies_clause: a published version never changes'); END""",
    """CREATE VIRTUAL TABLE policies_fts USING fts5(
        title, body, district_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')""",
]
SQLITE_DROP = [
    "DROP TABLE IF EXISTS policies_fts",
    "DROP TRIGGER IF EXISTS policies_clause_frozen",
    "DROP TRIGGER IF EXISTS policies_guideline_version_frozen",
    "DROP TRIGGER IF EXISTS policies_version_frozen",
]


def _pg_version_function(name: str, columns: list[str]) -> str:
    return f"""
CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION '%: {FROZEN} (DELETE refused)', TG_TABLE_NAME
                USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status <> 'draft' AND (NEW.status NOT IN (OLD.status, 'superseded')
            OR {_pg_row("NEW", columns)} IS DISTINCT FROM {_pg_row("OLD", columns)}) THEN
        RAISE EXCEPTION '%: {FROZEN}', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


PG_CREATE = [
    _pg_version_function("policies_version_frozen", VERSION_COLUMNS),
    """CREATE TRIGGER policies_version_frozen BEFORE UPDATE OR DELETE ON policies_policyversion
    FOR EACH ROW EXECUTE FUNCTION policies_version_frozen()""",
    _pg_version_function("policies_guideline_version_frozen", GUIDELINE_COLUMNS),
    """CREATE TRIGGER policies_guideline_version_frozen
    BEFORE UPDATE OR DELETE ON policies_guidelineversion
    FOR EACH ROW EXECUTE FUNCTION policies_guideline_version_frozen()""",
    """
CREATE OR REPLACE FUNCTION policies_clause_frozen() RETURNS trigger AS $$
BEGIN
    IF (SELECT status FROM policies_policyversion WHERE id = OLD.version_id) <> 'draft'
       AND (TG_OP = 'DELETE'
            OR ROW(NEW.version_id, NEW.clause_id, NEW.kind, NEW.marker, NEW.text, NEW.position,
                   NEW.parent_id)
               IS DISTINCT FROM ROW(OLD.version_id, OLD.clause_id, OLD.kind, OLD.marker,
                                    OLD.text, OLD.position, OLD.parent_id)) THEN
        RAISE EXCEPTION 'policies_clause: a published version never changes'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
""",
    """CREATE TRIGGER policies_clause_frozen BEFORE UPDATE OR DELETE ON policies_clause
    FOR EACH ROW EXECUTE FUNCTION policies_clause_frozen()""",
    """CREATE INDEX policies_version_search_gin ON policies_policyversion
    USING gin (search_document) WHERE status = 'published'""",
]
PG_DROP = [
    "DROP INDEX IF EXISTS policies_version_search_gin",
    "DROP TRIGGER IF EXISTS policies_clause_frozen ON policies_clause",
    "DROP FUNCTION IF EXISTS policies_clause_frozen()",
    "DROP TRIGGER IF EXISTS policies_guideline_version_frozen ON policies_guidelineversion",
    "DROP FUNCTION IF EXISTS policies_guideline_version_frozen()",
    "DROP TRIGGER IF EXISTS policies_version_frozen ON policies_policyversion",
    "DROP FUNCTION IF EXISTS policies_version_frozen()",
]


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_CREATE)
    elif vendor == "postgresql":
        _run(schema_editor, PG_CREATE)


def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, SQLITE_DROP)
    elif vendor == "postgresql":
        _run(schema_editor, PG_DROP)


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_policy_versions_clauses_guidelines")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
