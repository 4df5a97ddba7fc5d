"""Backups, drilled (docs/operations.md "Backups and the audit log"): ``pg_dump`` of a district
with signatures and audit events, ``pg_restore`` into a fresh database, then ``chalkline audit
verify`` and ``chalkline verify-acknowledgments`` against the restore, as real processes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from chalkline.acks import services
from chalkline.acks.models import Signature
from chalkline.acks.tests.helpers import make_campaign, ready_to_sign
from chalkline.audit.models import AuditEvent
from conftest import World

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]


def _pg_tool(name: str) -> str:
    """pg_dump/pg_restore of the server's major version (an older client refuses a newer
    server's dump, a newer one writes a format an older pg_restore cannot read)."""
    major = connection.pg_version // 10000  # type: ignore[attr-defined]
    tool = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if not tool.exists():
        pytest.fail(f"{tool} is missing: apt-get install postgresql-client-{major}")
    return str(tool)


def _libpq_args(dbname: str) -> list[str]:
    s = connection.settings_dict
    host, port = s["HOST"] or "127.0.0.1", str(s["PORT"] or 5432)
    return ["-h", host, "-p", port, "-U", s["USER"], f"--dbname={dbname}"]


def _admin() -> psycopg.Connection:
    s = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=s["USER"],
        password=s["PASSWORD"] or None,
        host=s["HOST"],
        port=s["PORT"] or 5432,
        autocommit=True,
    )


@pytest.fixture
def restore_db() -> Iterator[str]:
    if connection.vendor != "postgresql":
        pytest.skip("the backup drill runs pg_dump and pg_restore: PostgreSQL only")
    name = f"{connection.settings_dict['NAME']}_restore"
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _chalkline(args: list[str], dbname: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    s = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DJANGO_"))}
    env.update(
        DATABASE_URL=f"postgres://{s['USER']}@{s['HOST']}:{s['PORT'] or 5432}/{dbname}",
        CHALKLINE_VAR_DIR=str(tmp_path / "var"),
        PYTHONPATH=str(ROOT),
    )
    return subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-m", "chalkline", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_restored_backup_passes_audit_verify_and_verify_acknowledgments(
    world: World, restore_db: str, tmp_path: Path
) -> None:
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    services.sign_acknowledgment(
        assignment=ready_to_sign(campaign, teacher),
        by=teacher,
        typed_name="Tess Teacher",
        ip="127.0.0.1",
        user_agent="pytest",
    )
    assert Signature.objects.count() == 1
    events = AuditEvent.objects.count()

    dump = tmp_path / "chalkline.dump"
    source = connection.settings_dict["NAME"]
    subprocess.run(  # noqa: S603 - the server's own pg_dump, fixed arguments
        [_pg_tool("pg_dump"), "--format=custom", f"--file={dump}", *_libpq_args(source)],
        check=True,
        timeout=300,
    )
    subprocess.run(  # noqa: S603
        [_pg_tool("pg_restore"), "--no-owner", "--exit-on-error", *_libpq_args(restore_db), dump],
        check=True,
        timeout=300,
    )

    verified = _chalkline(["audit", "verify"], restore_db, tmp_path)
    assert verified.returncode == 0, verified.stdout + verified.stderr
    acks = _chalkline(["verify-acknowledgments"], restore_db, tmp_path)
    assert acks.returncode == 0, acks.stdout + acks.stderr
    assert "OK: 1 acknowledgment records intact" in acks.stdout

    # The commands read the restore: a tampered restored event is caught.
    with psycopg.connect(
        dbname=restore_db,
        user=connection.settings_dict["USER"],
        host=connection.settings_dict["HOST"],
        port=connection.settings_dict["PORT"] or 5432,
        autocommit=True,
    ) as restored:
        row = restored.execute("SELECT count(*) FROM audit_auditevent").fetchone()
        assert row is not None
        assert row[0] == events
        restored.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
        restored.execute(
            "UPDATE audit_auditevent SET actor_label = 'someone else' "
            "WHERE seq = (SELECT min(seq) FROM audit_auditevent)"
        )
    assert _chalkline(["audit", "verify"], restore_db, tmp_path).returncode != 0
