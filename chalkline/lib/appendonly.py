"""One idiom for records that never change once written (no domain here).

Three layers, used together by every append-only table (audit events, acknowledgment records,
published policy versions):

- ``AppendOnlyError``: the one error. Apps may subclass it to keep their own names.
- ``AppendOnlyQuerySet`` and ``AppendOnlyModel``: the ORM refuses ``update()``/``delete()`` on
  the QuerySet and a second ``save()``/``delete()`` on an instance.
- ``Guard`` and ``guard_operation()``: a migration operation that creates (and on reverse drops)
  database triggers refusing UPDATE and DELETE from anyone, on SQLite and PostgreSQL alike
  (``RAISE(ABORT, ...)`` on SQLite, a plpgsql function on PostgreSQL), plus a statement-level
  BEFORE TRUNCATE trigger on PostgreSQL. Both databases report a refusal as an IntegrityError
  (SQLite's RAISE(ABORT) is a constraint error; PostgreSQL's uses ``restrict_violation``). A guard can cover only some rows (``when``: SQL over
  ``OLD``) and, for UPDATE, only some columns (``columns``) or a condition over ``OLD``/``NEW``.

Every trigger a guard creates is named ``<name>_append_only_<op>``; ``guards_suspended()`` finds
them by that name. It exists for the test runner (which empties tables between transactional
tests) and for tests that tamper as an attacker holding the database owner's rights would.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

from django.db import migrations, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

SUFFIX = "_append_only_"


class AppendOnlyError(RuntimeError):
    """Code tried to change or delete a record that is append-only."""


class AppendOnlyQuerySet[M: models.Model](models.QuerySet[M]):
    """A QuerySet whose ``update()`` and ``delete()`` always refuse."""

    error: type[AppendOnlyError] = AppendOnlyError
    noun = "These records"

    def update(self, **kwargs: Any) -> NoReturn:
        raise self.error(f"{self.noun} are append-only: they cannot be updated.")

    def delete(self) -> NoReturn:
        raise self.error(f"{self.noun} are append-only: they cannot be deleted.")


class AppendOnlyModel(models.Model):
    """A model whose rows are inserted once and never saved again or deleted."""

    append_only_error: type[AppendOnlyError] = AppendOnlyError

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise self.append_only_error(
                f"{type(self).__name__} is append-only: a saved row cannot be updated."
            )
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise self.append_only_error(
            f"{type(self).__name__} is append-only: a saved row cannot be deleted."
        )


@dataclass(frozen=True)
class Guard:
    """Database triggers that make ``table`` append-only.

    ``when``: SQL over ``OLD`` choosing the rows the guard covers (default: every row), e.g.
    ``OLD.status <> 'draft'``. ``columns``: UPDATE is refused only when one of them changes
    (default: any UPDATE). ``update_when``: SQL over ``OLD``/``NEW`` that also refuses an UPDATE
    (e.g. a status moving anywhere but forward). ``name`` prefixes the triggers (default: table).
    The same SQL must read the same on both databases (plain comparisons, ``IN``, sub-selects).
    """

    table: str
    name: str = ""
    message: str = "append-only"
    when: str = ""
    columns: Sequence[str] = ()
    update_when: str = ""
    delete: bool = True
    truncate: bool = True
    #: SQL over ``OLD`` that, when true, lets a DELETE through (a privileged path such as records
    #: disposal opens it inside its own transaction); ``delete_unless_postgresql`` is ANDed to it
    #: on PostgreSQL only (e.g. a transaction-local setting). Default: DELETE always refused.
    delete_unless: str = ""
    delete_unless_postgresql: str = ""

    @property
    def prefix(self) -> str:
        return (self.name or self.table) + SUFFIX

    def _update_condition(self, vendor: str) -> str:
        parts = []
        if self.columns:
            op = "IS NOT" if vendor == "sqlite" else "IS DISTINCT FROM"
            parts.append(" OR ".join(f"NEW.{c} {op} OLD.{c}" for c in self.columns))
        if self.update_when:
            parts.append(self.update_when)
        changed = " OR ".join(f"({p})" for p in parts)
        if self.when and changed:
            return f"({self.when}) AND ({changed})"
        return self.when or changed

    def _delete_condition(self, vendor: str) -> str:
        unless = self.delete_unless
        if unless and vendor == "postgresql" and self.delete_unless_postgresql:
            unless = f"({unless}) AND ({self.delete_unless_postgresql})"
        if not unless:
            return self.when
        refused = f"NOT ({unless})"
        return f"({self.when}) AND {refused}" if self.when else refused

    def _refusal(self, op: str) -> str:
        return f"{self.table} is {self.message}: {op} refused".replace("'", "''")

    def sqlite_create(self) -> list[str]:
        statements = []
        ops = [("UPDATE", self._update_condition("sqlite"))]
        if self.delete:
            ops.append(("DELETE", self._delete_condition("sqlite")))
        for op, condition in ops:
            when = f" WHEN {condition}" if condition else ""
            statements.append(
                f"CREATE TRIGGER {self.prefix}{op.lower()} BEFORE {op} ON {self.table}{when} "
                f"BEGIN SELECT RAISE(ABORT, '{self._refusal(op)}'); END"
            )
        return statements

    def sqlite_drop(self) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {self.prefix}{op}" for op in ("update", "delete")]

    def postgresql_create(self) -> list[str]:
        function = f"{self.prefix}fn"
        update = self._update_condition("postgresql") or "TRUE"
        delete = self._delete_condition("postgresql") or "TRUE"
        refuse = "RAISE EXCEPTION '%s' USING ERRCODE = 'restrict_violation'"
        statements = [
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        {refuse % self._refusal("TRUNCATE")};
    ELSIF TG_OP = 'DELETE' THEN
        IF {delete} THEN {refuse % self._refusal("DELETE")}; END IF;
        RETURN OLD;
    END IF;
    IF {update} THEN {refuse % self._refusal("UPDATE")}; END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql""",
            f"CREATE TRIGGER {self.prefix}row BEFORE UPDATE{' OR DELETE' if self.delete else ''} "
            f"ON {self.table} FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
        if self.truncate:
            statements.append(
                f"CREATE TRIGGER {self.prefix}truncate BEFORE TRUNCATE ON {self.table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
            )
        return statements

    def postgresql_drop(self) -> list[str]:
        return [
            f"DROP TRIGGER IF EXISTS {self.prefix}truncate ON {self.table}",
            f"DROP TRIGGER IF EXISTS {self.prefix}row ON {self.table}",
            f"DROP FUNCTION IF EXISTS {self.prefix}fn()",
        ]

    def create_sql(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            return self.sqlite_create()
        if vendor == "postgresql":
            return self.postgresql_create()
        return []

    def drop_sql(self, vendor: str) -> list[str]:
        if vendor == "sqlite":
            return self.sqlite_drop()
        if vendor == "postgresql":
            return self.postgresql_drop()
        return []


def _run(schema_editor: BaseDatabaseSchemaEditor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)


def guard_operation(*guards: Guard) -> migrations.RunPython:
    """A migration operation creating the guards' triggers; its reverse drops them."""

    def create(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for guard in guards:
            _run(schema_editor, guard.create_sql(schema_editor.connection.vendor))

    def drop(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        for guard in reversed(guards):
            _run(schema_editor, guard.drop_sql(schema_editor.connection.vendor))

    return migrations.RunPython(create, drop, elidable=False)


def unguard_operation(*guards: Guard) -> migrations.RunPython:
    """The reverse of ``guard_operation`` (for a migration that replaces older guards)."""
    op = guard_operation(*guards)
    return migrations.RunPython(op.reverse_code, op.code, elidable=False)  # type: ignore[arg-type]


@contextmanager
def guards_suspended(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Switch every append-only trigger off for the block, then back on.

    Needs the rights of the database owner (or an attacker holding them): this is exactly what the
    triggers cannot stop, and why the audit chain is also anchored outside the database
    (``chalkline audit checkpoint``). Used by the test runner's flush and by tamper tests."""
    pattern = f"%{SUFFIX}%"
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [pattern],
            )
            saved = cursor.fetchall()
            for name, _sql in saved:
                cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield
            finally:
                with connection.cursor() as again:
                    for _name, sql in saved:
                        again.execute(sql)
            return
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
                "WHERE NOT tgisinternal AND tgname LIKE %s",
                [pattern],
            )
            triggers = cursor.fetchall()
            # ALTER TABLE waits for no deferred foreign-key check of the current transaction
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table, name in triggers:
                cursor.execute(f'ALTER TABLE {table} DISABLE TRIGGER "{name}"')
            try:
                yield
            finally:
                with connection.cursor() as again:
                    again.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    for table, name in triggers:
                        again.execute(f'ALTER TABLE {table} ENABLE TRIGGER "{name}"')
                    again.execute("SET CONSTRAINTS ALL DEFERRED")
            return
    yield
