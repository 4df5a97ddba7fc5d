"""Checkpoints: the audit chain anchored outside the database.

A checkpoint is a small JSON file (district slug and id, sequence number, head hash, time) signed
with HMAC-SHA256 under a key the database never holds (``AUDIT_CHECKPOINT_KEY_FILE``), written
atomically to ``AUDIT_CHECKPOINT_DIR`` (meant to be a directory on another host) and optionally
e-mailed (``AUDIT_CHECKPOINT_EMAIL``). ``audit verify --checkpoints DIR`` then fails when the chain
is shorter than a checkpoint or disagrees with it, or when a checkpoint's HMAC is wrong.

The written head is the head BEFORE the checkpoint's own audit event: the file is written first,
then the event (``after``: the seq and hash it anchored, and the file name), so the log lists every
checkpoint with what it anchored, and a failed write leaves no event claiming a file that does not
exist. The checkpoint event itself is anchored by the next checkpoint.

After a restore from backup, ``record_restore`` writes a signed restore record to the same
directory (and an audit event): verify then accepts that the chain went back to checkpoint N and
reports the checkpoints written before the restore past N as superseded.

This module holds the two services (checkpoint, restore) and the file format; ``services.py``
keeps the chain itself.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.chain import canonical_json
from chalkline.audit.models import AuditEvent
from chalkline.audit.selectors import current_head
from chalkline.audit.services import record_event, seal_pending
from chalkline.people.models import District, User

FORMAT = 1
CHECKPOINT, RESTORE = "checkpoint", "restore"


class CheckpointError(RuntimeError):
    """Checkpoints cannot be written or read (no key, no directory, a bad file)."""


def load_key(path: str | os.PathLike[str] | None = None) -> bytes:
    """The HMAC key from ``AUDIT_CHECKPOINT_KEY_FILE``; refuses a missing, empty or short key."""
    name = path if path is not None else settings.AUDIT_CHECKPOINT_KEY_FILE
    if not name:
        raise CheckpointError(
            "AUDIT_CHECKPOINT_KEY_FILE is not set: checkpoints need an HMAC key kept outside the "
            "database (e.g. 32 random bytes: `head -c 32 /dev/urandom > key`)."
        )
    try:
        key = Path(name).read_bytes().strip()
    except OSError as exc:
        raise CheckpointError(f"The checkpoint key file cannot be read: {exc}") from exc
    if len(key) < 16:
        raise CheckpointError("The checkpoint key must hold at least 16 bytes.")
    return key


def checkpoint_dir(path: str | os.PathLike[str] | None = None) -> Path:
    name = path if path is not None else settings.AUDIT_CHECKPOINT_DIR
    if not name:
        raise CheckpointError("AUDIT_CHECKPOINT_DIR is not set.")
    folder = Path(name)
    if not folder.is_dir():
        raise CheckpointError(f"The checkpoint directory {str(folder)!r} does not exist.")
    return folder


def sign(body: dict[str, Any], key: bytes) -> str:
    return hmac.new(key, canonical_json(body).encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Record:
    """One signed file: a checkpoint or a restore record."""

    body: dict[str, Any]
    mac: str
    path: Path | None = None
    valid: bool = True

    @property
    def kind(self) -> str:
        return str(self.body.get("kind", ""))

    @property
    def district(self) -> str:
        return str(self.body.get("district", ""))

    @property
    def seq(self) -> int:
        return int(self.body.get("seq", 0))

    @property
    def head_hash(self) -> str:
        return str(self.body.get("head_hash", ""))

    @property
    def at(self) -> datetime:
        return datetime.fromisoformat(str(self.body["at"]))

    @property
    def name(self) -> str:
        return self.path.name if self.path else "(unsaved)"

    def text(self) -> str:
        return json.dumps({"record": self.body, "hmac_sha256": self.mac}, indent=2) + "\n"


def write_atomically(folder: Path, name: str, text: str) -> Path:
    """Write to a temporary file in the same directory, flush it to disk, then rename it into
    place: a reader sees the whole file or none of it."""
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        target = folder / name
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return target
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return target


def read_records(folder: Path, key: bytes) -> list[Record]:
    """Every signed record in the directory, checked against the key (``valid``)."""
    return read_records_from(sorted(folder.glob("*.json")), key)


def read_records_from(paths: list[Path], key: bytes) -> list[Record]:
    """The signed records in these files. A file that cannot be parsed counts as a record with a
    wrong HMAC."""
    records = []
    for path in paths:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            body, mac = data["record"], str(data["hmac_sha256"])
            if not isinstance(body, dict):
                raise TypeError("record is not an object")
        except (OSError, ValueError, KeyError, TypeError):
            records.append(Record(body={}, mac="", path=path, valid=False))
            continue
        valid = hmac.compare_digest(sign(body, key), mac)
        records.append(Record(body=body, mac=mac, path=path, valid=valid))
    return records


def _stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _email(record: Record, subject: str) -> None:
    address = settings.AUDIT_CHECKPOINT_EMAIL
    if not address:
        return
    message = EmailMessage(
        subject=subject, body=record.text(), from_email=settings.DEFAULT_FROM_EMAIL, to=[address]
    )
    mailers.default.send_messages([message])


def write_checkpoint(*, district: District, by: User | None, key: bytes, folder: Path) -> Record:
    """Anchor the district's chain: seal waiting events, read the head, write the signed file,
    then record ``audit.checkpoint_written`` (which the next checkpoint anchors), then e-mail."""
    seal_pending(district.pk, wait=True)
    head = current_head(district)
    at = timezone.now()
    body = {
        "kind": CHECKPOINT,
        "format": FORMAT,
        "district": district.slug,
        "district_id": district.pk,
        "seq": head.seq,
        "head_hash": head.hash,
        "at": at.isoformat(),
    }
    record = Record(body=body, mac=sign(body, key))
    path = write_atomically(
        folder, f"{district.slug}-{head.seq:012d}-{_stamp(at)}.json", record.text()
    )
    record = Record(body=body, mac=record.mac, path=path)
    with transaction.atomic():
        record_event(
            district=district,
            actor=by,
            action=Action.AUDIT_CHECKPOINT_WRITTEN,
            target=("audit.checkpoint", head.seq),
            after={"seq": head.seq, "head_hash": head.hash, "file": path.name},
        )
    _email(record, f"Chalkline audit checkpoint {district.slug} #{head.seq}")
    return record


class RestoreRefused(CheckpointError):
    """The restore cannot be recorded (forged checkpoint, chain not at that checkpoint)."""


@dataclass(frozen=True)
class Restore:
    record: Record
    superseded: list[Record] = field(default_factory=list)


def record_restore(
    *,
    district: District,
    by: User | None,
    checkpoint: Record,
    reason: str,
    key: bytes,
    folder: Path,
) -> Record:
    """Record that the database was restored from a backup to (at least) ``checkpoint``.

    The checkpoint must be genuine and the restored chain must hold it. Writes a signed restore
    record next to the checkpoints (verify reads it from there: the database alone cannot excuse
    a gap) and the audit event ``audit.restore_recorded``."""
    if not checkpoint.valid or not hmac.compare_digest(sign(checkpoint.body, key), checkpoint.mac):
        raise RestoreRefused(f"Checkpoint {checkpoint.name}: its HMAC is wrong.")
    if checkpoint.kind != CHECKPOINT or checkpoint.district != district.slug:
        raise RestoreRefused(f"{checkpoint.name} is not a checkpoint of {district.slug}.")
    reason = reason.strip()
    if not reason:
        raise RestoreRefused("Give the reason for the restore.")
    seal_pending(district.pk, wait=True)
    stored = (
        AuditEvent.objects.in_district(district.pk)
        .filter(seq=checkpoint.seq)
        .values_list("hash", flat=True)
        .first()
    )
    if checkpoint.seq and stored != checkpoint.head_hash:
        raise RestoreRefused(
            f"The chain does not hold checkpoint #{checkpoint.seq}: restore a backup taken at or "
            "after it, then record the restore."
        )
    head = current_head(district)
    at = timezone.now()
    body = {
        "kind": RESTORE,
        "format": FORMAT,
        "district": district.slug,
        "district_id": district.pk,
        "checkpoint_seq": checkpoint.seq,
        "checkpoint_hash": checkpoint.head_hash,
        "checkpoint_at": checkpoint.body["at"],
        "checkpoint_file": checkpoint.name,
        "head_seq": head.seq,
        "reason": reason,
        "at": at.isoformat(),
    }
    record = Record(body=body, mac=sign(body, key))
    path = write_atomically(folder, f"{district.slug}-restore-{_stamp(at)}.json", record.text())
    record = Record(body=body, mac=record.mac, path=path)
    with transaction.atomic():
        record_event(
            district=district,
            actor=by,
            action=Action.AUDIT_RESTORE_RECORDED,
            target=("audit.checkpoint", checkpoint.seq),
            after={k: body[k] for k in ("checkpoint_seq", "checkpoint_at", "head_seq", "reason")},
        )
    _email(record, f"Chalkline audit restore {district.slug} to #{checkpoint.seq}")
    return record


@dataclass
class CheckpointReport:
    """What verify found in the checkpoint directory for one district."""

    ok: bool = True
    problems: list[str] = field(default_factory=list)
    agreed: list[Record] = field(default_factory=list)
    restores: list[Restore] = field(default_factory=list)


def check_against_checkpoints(
    district: District, *, chain_length: int, records: list[Record]
) -> CheckpointReport:
    """Compare an intact chain of ``chain_length`` events with the district's signed records.

    A forged or unreadable file fails (whatever district it claims). A checkpoint past the end of
    the chain, or whose hash differs from the chain's at its seq, fails, unless a later restore
    record covers it (written before the restore, past the restored checkpoint): superseded."""
    report = CheckpointReport()
    for record in records:
        if not record.valid:
            report.ok = False
            report.problems.append(
                f"checkpoint file {record.name}: its HMAC is wrong (forged or damaged)"
            )
    mine = [r for r in records if r.valid and r.district == district.slug]
    restores = [r for r in mine if r.kind == RESTORE]
    checkpoints = [r for r in mine if r.kind == CHECKPOINT]
    seqs = {r.seq for r in checkpoints} | {int(r.body["checkpoint_seq"]) for r in restores}
    hashes = dict(
        AuditEvent.objects.in_district(district.pk).filter(seq__in=seqs).values_list("seq", "hash")
    )
    for restore in sorted(restores, key=lambda r: r.at):
        seq = int(restore.body["checkpoint_seq"])
        if seq and hashes.get(seq) != restore.body["checkpoint_hash"]:
            report.ok = False
            report.problems.append(
                f"restore record {restore.name}: the chain does not hold checkpoint #{seq}"
            )
        superseded = [c for c in checkpoints if c.at < restore.at and c.seq > seq]
        report.restores.append(Restore(record=restore, superseded=superseded))
    covered = {id(c) for r in report.restores for c in r.superseded}
    for cp in checkpoints:
        if id(cp) in covered:
            continue
        if cp.seq > chain_length:
            report.ok = False
            report.problems.append(
                f"checkpoint {cp.name}: the chain has {chain_length:,} events, fewer than "
                f"checkpoint #{cp.seq} written {cp.at:%Y-%m-%d %H:%M} UTC (events were deleted)"
            )
        elif cp.seq and hashes.get(cp.seq) != cp.head_hash:
            report.ok = False
            report.problems.append(
                f"checkpoint {cp.name}: the hash of #{cp.seq} differs from the checkpoint's "
                "(the chain was rewritten)"
            )
        else:
            report.agreed.append(cp)
    return report
