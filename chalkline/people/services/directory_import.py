"""The directory import: claim the district's lock, open and fingerprint the package, validate
while staging, apply in one transaction, and record the outcome (``roster_import`` does the
set-based work; ``staff_csv`` merges the supplemental staff file)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.oneroster import Package, PackageError, Report, open_package
from chalkline.people import roster_import
from chalkline.people.models import District, ImportBatch, ImportLock, User
from chalkline.people.services.staff_csv import apply_staff_csv, validate_staff_csv

logger = logging.getLogger(__name__)


IMPORT_STALE_AFTER = timedelta(hours=2)


class ImportBusyError(Exception):
    """Another import for this district is running."""

    def __init__(self) -> None:
        super().__init__(
            "An import is already running for this district. Wait for it to finish, then try again."
        )


def _claim_import_lock(district: District, batch: ImportBatch) -> None:
    """Claim the district's import lock with one conditional UPDATE. A claim older than
    IMPORT_STALE_AFTER (a crashed worker) may be taken over; its batch is marked failed."""
    ImportLock.objects.get_or_create(district=district)
    now = timezone.now()
    stale = now - IMPORT_STALE_AFTER
    previous = ImportLock.objects.filter(district=district).values_list("batch_id", flat=True)[0]
    claimed = (
        ImportLock.objects.filter(district=district)
        .filter(
            Q(batch__isnull=True)
            | Q(claimed_at__lt=stale)
            | Q(batch__status__in=[ImportBatch.Status.SUCCEEDED, ImportBatch.Status.FAILED])
        )
        .update(batch=batch, claimed_at=now)
    )
    if not claimed:
        raise ImportBusyError
    if previous and previous != batch.pk:
        ImportBatch.objects.filter(
            pk=previous, status__in=[ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING]
        ).update(
            status=ImportBatch.Status.FAILED,
            finished_at=now,
            message="Abandoned: the worker stopped without finishing; nothing was applied.",
        )


def _release_import_lock(batch: ImportBatch) -> None:
    ImportLock.objects.filter(district_id=batch.district_id, batch=batch).update(
        batch=None, claimed_at=None
    )


@transaction.atomic
def start_directory_import(
    *,
    district: District,
    package_path: str = "",
    staff_csv_path: str = "",
    source_name: str,
    dry_run: bool = False,
    reread: bool = False,
    by: User | None,
    enqueue: bool = True,
) -> ImportBatch:
    """Create the batch and claim the district's import lock (ImportBusyError if held). With
    ``enqueue`` the import runs as a background task once this transaction commits."""
    kind = ImportBatch.Kind.ONEROSTER if package_path else ImportBatch.Kind.STAFF_CSV
    batch = ImportBatch.objects.create(
        district=district,
        kind=kind,
        dry_run=dry_run,
        reread=reread,
        source_name=source_name[:255],
        package_path=package_path,
        staff_csv_path=staff_csv_path,
        created_by=by,
    )
    _claim_import_lock(district, batch)
    if enqueue:
        from chalkline.people.tasks import run_directory_import_task

        batch_id = batch.pk
        transaction.on_commit(lambda: run_directory_import_task.enqueue(batch_id))
    return batch


def run_directory_import(
    *, batch_id: int, progress: Callable[[str, int, int], None] | None = None
) -> ImportBatch:
    """Run a queued batch: validate, stage, then apply in one transaction. Never raises for a
    bad package: the batch ends ``failed`` with its report, and the directory is untouched."""
    batch = ImportBatch.objects.select_related("district", "created_by").get(pk=batch_id)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.RUNNING, started_at=timezone.now(), phase="Starting"
    )
    report = Report()
    last = [0.0]

    def note(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 1 or done == total:
            last[0] = now
            ImportBatch.objects.filter(pk=batch.pk).update(
                phase=phase, progress_done=done, progress_total=total
            )
        if progress:
            progress(phase, done, total)

    outcome: roster_import.Outcome | None = None
    identical_to: ImportBatch | None = None
    timings: dict[str, float] = {}
    report.info("credentials_never_read", "users.csv", roster_import.CREDENTIALS_NOTE)
    try:
        if batch.package_path:
            outcome, identical_to = _import_package(batch, report, note, timings)
        else:
            validate_staff_csv(batch, report)
            outcome = _apply_import(batch=batch, pkg=None, report=report, progress=note)
    except (roster_import.ImportRefused, PackageError) as exc:
        _fail_import(batch, report, str(exc))
    except Exception as exc:
        logger.exception("directory import %s failed", batch.pk)
        _fail_import(
            batch, report, f"The import stopped on an internal error ({type(exc).__name__})."
        )
    finally:
        if batch.package_path:
            roster_import.drop_staging()
        _release_import_lock(batch)
        _discard_upload(batch)
    if outcome is not None:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.SUCCEEDED,
            finished_at=timezone.now(),
            version=batch.version,
            phase="Done",
            progress_done=1,
            progress_total=1,
            counts=outcome.counts,
            # identical files: the report is the one they had (the rows were not read again)
            issues=identical_to.issues if identical_to else roster_import.issues_as_json(report),
            issue_counts=(
                identical_to.issue_counts if identical_to else roster_import.issue_counts(report)
            ),
            error_count=identical_to.error_count if identical_to else report.error_count,
            warning_count=identical_to.warning_count if identical_to else report.warning_count,
            identical_to=identical_to,
            message=_summary_message(batch, outcome, identical_to),
        )
    if timings:
        logger.info(
            "directory import %s: %s",
            batch.pk,
            ", ".join(
                f"{name} {value:.1f}{' MB' if name.endswith('_mb') else 's'}"
                for name, value in timings.items()
            ),
            extra={"import_timings": timings},
        )
    batch.refresh_from_db()
    return batch


def _import_package(
    batch: ImportBatch,
    report: Report,
    note: Callable[[str, int, int], None],
    timings: dict[str, float],
) -> tuple[roster_import.Outcome, ImportBatch | None]:
    """A OneRoster package (with the staff CSV, if the batch has one). Returns the outcome and,
    when the files are identical to the last applied import, that import (nothing was read)."""
    with (
        open_package(batch.package_path, report=report) as pkg,
        roster_import.import_connection(),
    ):
        batch.version = pkg.version
        note("Comparing with the last import", 0, 0)
        start = time.perf_counter()
        batch.fingerprint = _fingerprint(batch, pkg)
        ImportBatch.objects.filter(pk=batch.pk).update(fingerprint=batch.fingerprint)
        timings["fingerprint"] = time.perf_counter() - start
        previous = None if batch.reread else _same_as_last_applied(batch)
        if previous is not None:
            return _record_identical(batch, previous), previous
        note("Validating and reading the package", 0, 0)
        # a large package is validated in a child process while this one stages it
        start = time.perf_counter()
        with roster_import.Validation(pkg, report=report) as validation:
            roster_import.create_staging()
            roster_import.stage_package(
                pkg, progress=validation.watch(note), report=Report(cap_per_code=0)
            )
            timings["stage"] = time.perf_counter() - start
            validation.result()  # ImportRefused if the package has errors
        timings["validate"] = validation.seconds
        if validation.child_peak_mb:
            timings["validator_peak_rss_mb"] = validation.child_peak_mb
        timings["validate_and_stage"] = time.perf_counter() - start
        if batch.staff_csv_path:
            incoming = {
                code
                for org in pkg.orgs(Report(cap_per_code=0))
                if org.type.lower() in roster_import.BUILDING_ORG_TYPES
                for code in (org.identifier, org.sourced_id)
                if code
            }
            validate_staff_csv(batch, report, incoming)
        start = time.perf_counter()
        outcome = _apply_import(batch=batch, pkg=pkg, report=report, progress=note)
        timings["apply"] = time.perf_counter() - start
        timings.update(outcome.step_seconds)
        # what the steps leave: mostly the COMMIT (deferred foreign-key checks)
        timings["apply_commit_and_rest"] = timings["apply"] - sum(outcome.step_seconds.values())
    return outcome, None


# Part of every import's fingerprint: raise it when a change to the importer can give the same
# files another result, so that identical files are read again once after an upgrade.
IMPORTER_VERSION = 1


def _fingerprint(batch: ImportBatch, pkg: Package) -> str:
    """What decides the import's result besides the directory itself: the package's content, the
    staff CSV's bytes, and for OneRoster 1.2 today's date (a role's end date is compared with it)."""
    parts = [f"importer {IMPORTER_VERSION}", pkg.content_digest()]
    if batch.staff_csv_path:
        staff = hashlib.sha256()
        with open(batch.staff_csv_path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                staff.update(chunk)
        parts.append(f"staff-csv {staff.hexdigest()}")
    if pkg.version == "1.2":
        parts.append(f"date {timezone.localdate().isoformat()}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _same_as_last_applied(batch: ImportBatch) -> ImportBatch | None:
    """The district's last applied import, if its files were these. Only imports change the
    directory's roster data (people, affiliations, links, classes, enrollments), so the directory
    still holds exactly what that import left, and applying the same files again changes nothing."""
    last = (
        ImportBatch.objects.filter(
            district_id=batch.district_id, status=ImportBatch.Status.SUCCEEDED, dry_run=False
        )
        .exclude(pk=batch.pk)
        .order_by("-finished_at", "-pk")
        .first()
    )
    if last is not None and last.fingerprint and last.fingerprint == batch.fingerprint:
        return last
    return None


def _record_applied(batch: ImportBatch, outcome: roster_import.Outcome, **extra: int) -> None:
    """Called in the apply transaction: the batch is SUCCEEDED if and only if its changes commit,
    even if the worker dies before it writes the report (the next import compares with it), and
    the import is audited."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.SUCCEEDED, finished_at=timezone.now()
    )
    record_event(
        district=batch.district,
        actor=batch.created_by,
        action=Action.DIRECTORY_IMPORTED,
        target=batch,
        after={"kind": batch.kind, "version": batch.version, "counts": outcome.counts, **extra},
    )


@transaction.atomic
def _record_identical(batch: ImportBatch, previous: ImportBatch) -> roster_import.Outcome:
    """An import of files identical to the last applied one: nothing to change. Every record the
    files hold counts as unchanged (the last import's created, updated, reactivated and unchanged)."""
    outcome = roster_import.Outcome(version=batch.version)
    for entity, per in (previous.counts or {}).items():
        current = sum(per.get(a, 0) for a in ("created", "updated", "reactivated", "unchanged"))
        outcome.add(entity, "unchanged", current)
    if not batch.dry_run:
        _record_applied(batch, outcome, identical_to=previous.pk)
    return outcome


def _summary_message(
    batch: ImportBatch, outcome: roster_import.Outcome, identical_to: ImportBatch | None = None
) -> str:
    changed = outcome.changed()
    prefix = "Dry run: nothing was written. " if batch.dry_run else ""
    if identical_to is not None:
        return prefix + (
            f"Nothing changed: the files are identical to import #{identical_to.pk}, which the "
            "directory already matches. Their rows were not read again (use --reread, or "
            '"Compare every row", to force it).'
        )
    if not changed:
        return prefix + "Nothing changed: the directory already matches this file."
    verb = "would change" if batch.dry_run else "changed"
    return f"{prefix}The import {verb} {changed:,} records."


@transaction.atomic
def _apply_import(
    *,
    batch: ImportBatch,
    pkg: Package | None,
    report: Report,
    progress: Callable[[str, int, int], None],
) -> roster_import.Outcome:
    """The apply phase: ONE transaction. Any exception rolls every change back."""
    if pkg is not None:
        outcome = roster_import.Applier(batch=batch, pkg=pkg, report=report).apply(progress)
    else:
        outcome = roster_import.Outcome()
    if batch.staff_csv_path:
        progress("Applying the staff file", 0, 1)
        apply_staff_csv(batch, report, outcome)
    if batch.dry_run:
        transaction.set_rollback(True)  # a dry run writes nothing: this block rolls back
        return outcome
    _record_applied(batch, outcome, errors=report.error_count, warnings=report.warning_count)
    return outcome


@transaction.atomic
def _fail_import(batch: ImportBatch, report: Report, message: str) -> None:
    """Written after the apply transaction rolled back: the batch and its report survive."""
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.FAILED,
        finished_at=timezone.now(),
        version=batch.version,
        phase="Failed",
        issues=roster_import.issues_as_json(report),
        issue_counts=roster_import.issue_counts(report),
        error_count=report.error_count,
        warning_count=report.warning_count,
        message=message,
    )
    if not batch.dry_run:
        record_event(
            district=batch.district,
            actor=batch.created_by,
            action=Action.DIRECTORY_IMPORT_FAILED,
            target=batch,
            after={"errors": report.error_count, "warnings": report.warning_count},
        )


def _discard_upload(batch: ImportBatch) -> None:
    """Uploaded files carry personal data: they are deleted once the import ends."""
    root = Path(settings.MEDIA_ROOT).resolve() / "imports"
    for path in (batch.package_path, batch.staff_csv_path):
        if path and Path(path).resolve().is_relative_to(root):
            Path(path).unlink(missing_ok=True)
    ImportBatch.objects.filter(pk=batch.pk).update(package_path="", staff_csv_path="")


# --- supplemental staff CSV -------------------------------------------------------------------
