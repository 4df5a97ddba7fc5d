"""Checkpoints anchor the audit chain outside the database: truncation, rewriting and forged
checkpoints are caught by `audit verify --checkpoints`, and a recorded restore is accepted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from chalkline.audit.actions import Action
from chalkline.audit.chain import event_digest
from chalkline.audit.models import AuditChainHead, AuditEvent
from chalkline.audit.selectors import current_head
from chalkline.audit.services import record_event, verify_chain
from chalkline.lib.appendonly import guards_suspended
from conftest import make_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def anchored(settings: Any, tmp_path: Path) -> Path:
    key = tmp_path / "checkpoint.key"
    key.write_bytes(b"k" * 32)
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    settings.AUDIT_CHECKPOINT_KEY_FILE = str(key)
    settings.AUDIT_CHECKPOINT_DIR = str(folder)
    settings.AUDIT_CHECKPOINT_EMAIL = ""
    return folder


def _append(district: Any, n: int) -> None:
    for i in range(n):
        record_event(district=district, actor=None, action=Action.API_SCREENED, after={"i": i})


def _checkpoint(capsys: pytest.CaptureFixture[str], district: Any) -> Path:
    call_command("audit", "checkpoint", "--district", district.slug)
    out = capsys.readouterr().out
    name = out.split(": ", 1)[1].splitlines()[0]
    return Path(name)


def _verify(district: Any, folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        call_command("audit", "verify", "--district", district.slug, "--checkpoints", str(folder))
    except CommandError as exc:
        return exc.returncode, capsys.readouterr().out
    return 0, capsys.readouterr().out


def _attacker(*statements: tuple[str, list[Any]]) -> None:
    """Raw SQL from someone holding the database owner's rights: triggers switched off."""
    with guards_suspended(connection), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _cut(district: Any, *, keep: int) -> None:
    """Delete every event after #keep and move the head back to match (as an attacker, or as a
    restore from an older backup, would leave it)."""
    last = AuditEvent.objects.in_district(district.pk).get(seq=keep)
    _attacker(
        ("DELETE FROM audit_auditevent WHERE district_id = %s AND seq > %s", [district.pk, keep]),
        (
            "UPDATE audit_auditchainhead SET last_seq = %s, last_hash = %s WHERE district_id = %s",
            [keep, last.hash, district.pk],
        ),
    )


def test_a_checkpoint_is_a_signed_file_and_an_audit_event(
    anchored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = make_district()
    _append(district, 4)
    head = current_head(district)
    name = _checkpoint(capsys, district)
    data = json.loads((anchored / name).read_text())
    assert data["record"]["district"] == district.slug
    assert data["record"]["seq"] == head.seq == 5
    assert data["record"]["head_hash"] == head.hash
    assert len(data["hmac_sha256"]) == 64
    assert not list(anchored.glob(".tmp-*")), "written atomically: no temporary file is left"
    # the event comes after the head it anchored, and names it
    event = AuditEvent.objects.in_district(district.pk).order_by("-seq").first()
    assert event is not None and event.action == "audit.checkpoint_written"
    assert event.seq == head.seq + 1
    assert event.after_data == {"seq": 5, "head_hash": head.hash, "file": name.name}


def test_checkpoint_refuses_to_run_without_a_key(
    settings: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = make_district()
    settings.AUDIT_CHECKPOINT_KEY_FILE = ""
    settings.AUDIT_CHECKPOINT_DIR = str(tmp_path)
    with pytest.raises(CommandError, match="AUDIT_CHECKPOINT_KEY_FILE is not set"):
        call_command("audit", "checkpoint", "--district", district.slug)
    assert not list(tmp_path.iterdir())
    assert (
        not AuditEvent.objects.in_district(district.pk)
        .filter(action="audit.checkpoint_written")
        .exists()
    )


def test_a_checkpoint_is_also_emailed_when_an_address_is_set(
    anchored: Path, settings: Any, smtp_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    controller, received = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    settings.AUDIT_CHECKPOINT_EMAIL = "auditor@offsite.example.org"
    district = make_district()
    name = _checkpoint(capsys, district)
    assert len(received) == 1
    message = received[0]
    assert message["To"] == "auditor@offsite.example.org"
    assert f"{district.slug} #1" in message["Subject"]
    assert json.loads(message.get_payload(decode=True)) == json.loads((anchored / name).read_text())


def test_verify_passes_when_the_chain_agrees_with_its_checkpoints(
    anchored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = make_district()
    _append(district, 3)
    _checkpoint(capsys, district)
    _append(district, 2)
    _checkpoint(capsys, district)
    code, out = _verify(district, anchored, capsys)
    assert code == 0
    assert f"OK {district.slug}: 8 events, chain intact, 2 checkpoints agree (latest #7)" in out


def test_verify_fails_when_the_last_events_and_the_head_were_cut_off(
    anchored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = make_district()
    _append(district, 5)
    _checkpoint(capsys, district)  # anchors #6
    # the attacker deletes the last events and moves the head back to match
    _cut(district, keep=3)
    assert verify_chain(district.pk).ok, "without checkpoints the cut is invisible"
    code, out = _verify(district, anchored, capsys)
    assert code == 1
    assert "the chain has 3 events, fewer than checkpoint #6" in out
    # deleting the head too (and every event) is caught the same way
    _attacker(
        ("DELETE FROM audit_auditevent WHERE district_id = %s", [district.pk]),
        ("DELETE FROM audit_auditchainhead WHERE district_id = %s", [district.pk]),
    )
    code, out = _verify(district, anchored, capsys)
    assert code == 1 and "the chain has 0 events, fewer than checkpoint #6" in out


def test_verify_fails_when_every_later_hash_was_recomputed(
    anchored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = make_district()
    _append(district, 5)
    _checkpoint(capsys, district)
    # the attacker edits #3 and recomputes every later link and the head
    rows = list(AuditEvent.objects.in_district(district.pk).order_by("seq"))
    prev = rows[1].hash
    statements: list[tuple[str, list[Any]]] = []
    for row in rows[2:]:
        after = '{"i":999}' if row.seq == 3 else row.after
        digest = event_digest(
            prev_hash=prev,
            district_id=district.pk,
            seq=row.seq,
            at=row.at,
            actor_id=row.actor_id,
            actor_label=row.actor_label,
            action=row.action,
            target_type=row.target_type,
            target_id=row.target_id,
            before=row.before,
            after=after,
        )
        statements.append(
            (
                "UPDATE audit_auditevent SET after = %s, prev_hash = %s, hash = %s WHERE id = %s",
                [after, prev, digest, row.pk],
            )
        )
        prev = digest
    statements.append(
        (
            "UPDATE audit_auditchainhead SET last_hash = %s WHERE district_id = %s",
            [prev, district.pk],
        )
    )
    _attacker(*statements)
    assert verify_chain(district.pk).ok, "without checkpoints the rewrite is invisible"
    code, out = _verify(district, anchored, capsys)
    assert code == 1
    assert "the hash of #6 differs from the checkpoint's (the chain was rewritten)" in out


def test_verify_fails_on_a_forged_checkpoint(
    anchored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = make_district()
    _append(district, 2)
    name = _checkpoint(capsys, district)
    data = json.loads((anchored / name).read_text())
    data["record"]["seq"] = 2  # e.g. to make a shortened chain look anchored
    (anchored / name).write_text(json.dumps(data))
    code, out = _verify(district, anchored, capsys)
    assert code == 1
    assert f"checkpoint file {name.name}: its HMAC is wrong (forged or damaged)" in out


def test_verify_with_checkpoints_refuses_to_run_without_the_key(
    anchored: Path, settings: Any
) -> None:
    district = make_district()
    settings.AUDIT_CHECKPOINT_KEY_FILE = ""
    with pytest.raises(CommandError, match="AUDIT_CHECKPOINT_KEY_FILE is not set"):
        call_command("audit", "verify", "--district", district.slug, "--checkpoints", anchored)


def test_a_recorded_restore_is_accepted_and_reported(
    anchored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = make_district()
    _append(district, 3)
    first = _checkpoint(capsys, district)  # #4
    _append(district, 3)
    _checkpoint(capsys, district)  # #8, lost in the crash
    # the database is restored from a backup taken just after the first checkpoint
    _cut(district, keep=5)
    code, out = _verify(district, anchored, capsys)
    assert code == 1 and "fewer than checkpoint #8" in out
    call_command(
        "audit",
        "record-restore",
        "--checkpoint",
        str(anchored / first),
        "--reason",
        "disk failure, restored nightly backup",
    )
    assert f"{district.slug} restored to checkpoint #4" in capsys.readouterr().out
    event = AuditEvent.objects.in_district(district.pk).order_by("-seq").first()
    assert event is not None and event.action == "audit.restore_recorded"
    assert event.after_data["reason"] == "disk failure, restored nightly backup"
    assert event.after_data["checkpoint_seq"] == 4
    code, out = _verify(district, anchored, capsys)
    assert code == 0, out
    assert f"RESTORED {district.slug}: the chain was restored to checkpoint #4 on " in out
    assert "for reason: disk failure, restored nightly backup" in out
    assert "1 later checkpoints written before the restore are superseded (#8)" in out
    assert f"OK {district.slug}: 6 events, chain intact, 1 checkpoints agree (latest #4)" in out
    # checkpoints written after the restore are checked again
    _checkpoint(capsys, district)  # #6
    _cut(district, keep=5)
    code, out = _verify(district, anchored, capsys)
    assert code == 1 and "fewer than checkpoint #6" in out


def test_a_restore_to_a_checkpoint_the_chain_does_not_hold_is_refused(
    anchored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = make_district()
    _append(district, 3)
    name = _checkpoint(capsys, district)
    _attacker(("DELETE FROM audit_auditevent WHERE district_id = %s AND seq > 2", [district.pk]))
    with pytest.raises(CommandError, match="The chain does not hold checkpoint #4"):
        call_command("audit", "record-restore", "--checkpoint", anchored / name, "--reason", "x")
    assert not list(anchored.glob("*-restore-*.json"))


def test_a_restore_from_a_forged_checkpoint_is_refused(
    anchored: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    district = make_district()
    name = _checkpoint(capsys, district)
    data = json.loads((anchored / name).read_text())
    data["record"]["seq"] = 0
    (anchored / name).write_text(json.dumps(data))
    with pytest.raises(CommandError, match="its HMAC is wrong"):
        call_command("audit", "record-restore", "--checkpoint", anchored / name, "--reason", "x")
    assert AuditChainHead.objects.get(district=district).last_seq == 2
