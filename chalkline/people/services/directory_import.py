"""The directory import: claim the district's lock, open and fingerprint the package, validate
while staging, apply in one transaction, and record the outcome (``roster_import`` does the
set-based work; ``staff_csv`` merges the supplemental staff file)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.lib.oneroster import Package, PackageError, Report, open_package
from chalkline.people import roster_import, uploads
from chalkline.people.models import District, ImportBatch, User
from chalkline.people.services import leavers
from chalkline.people.services.directory_changes import note_directory_changed
from chalkline.people.services.import_lock import (
    Heartbeat,
    ImportLockLost,
    claim_import_lock,
    holds_lock_for_commit,
    release_import_lock,
)
from chalkline.people.services.staff_csv import apply_staff_csv, validate_staff_csv

logger = logging.getLogger(__name__)


@transaction.atomic
def start_directory_import(
    *,
    district: District,
    package_path: str = "",
    staff_csv_path: str = "",
    source_name: str,
    dry_run: bool = False,
    reread: bool = False,
    confirm_deactivations: bool = False,
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
        confirm_deactivations=confirm_deactivations,
        source_name=source_name[:255],
        package_path=package_path,
        staff_csv_path=staff_csv_path,
        created_by=by,
    )
    claim_import_lock(district, batch)
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
    started = ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.QUEUED).update(
        status=ImportBatch.Status.RUNNING, started_at=timezone.now(), phase="Starting"
    )
    heartbeat = Heartbeat(batch)
    if not started or not heartbeat.beat():
        # abandoned (its lock taken over) before a worker got to it, or already run
        logger.warning("directory import %s: not queued or not holding the lock; skipped", batch.pk)
        batch.refresh_from_db()
        if batch.status not in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
            _discard_upload(batch)
        return batch
    report = Report()
    last = [0.0]

    def note(phase: str, done: int, total: int) -> None:
        heartbeat.check()  # ImportLockLost once the claim was taken over
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
        with heartbeat:
            if batch.package_path:
                outcome, identical_to = _import_package(batch, report, note, timings)
            else:
                validate_staff_csv(batch, report)
                outcome = _apply_import(batch=batch, pkg=None, report=report, progress=note)
    except ImportLockLost:
        # the batch was marked abandoned by whoever took the lock; its report stays theirs
        logger.warning("directory import %s: the lock was taken over; stopped", batch.pk)
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
        release_import_lock(batch)
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
    the import is audited. Refused (ImportLockLost: the transaction rolls back) when the batch
    no longer holds the district's lock."""
    if not holds_lock_for_commit(batch):
        raise ImportLockLost
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
    active_before = leavers.active_people(batch.district_id)
    if pkg is not None:
        outcome = roster_import.Applier(batch=batch, pkg=pkg, report=report).apply(
            progress,
            # refuse a mass deactivation before the long class and enrollment steps
            after_people=lambda o: leavers.check_deactivation_share(
                batch=batch, outcome=o, active_before=active_before, report=report, file="users.csv"
            ),
        )
    else:
        outcome = roster_import.Outcome()
    if batch.staff_csv_path:
        progress("Applying the staff file", 0, 1)
        apply_staff_csv(batch, report, outcome)
    leavers.cut_leavers_access(
        batch=batch, outcome=outcome, active_before=active_before, report=report
    )
    if batch.dry_run:
        transaction.set_rollback(True)  # a dry run writes nothing: this block rolls back
        return outcome
    note_directory_changed(district_id=batch.district_id)  # last: the district row's lock
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
    uploads.discard(batch.package_path, batch.staff_csv_path)
    ImportBatch.objects.filter(pk=batch.pk).update(package_path="", staff_csv_path="")


# --- supplemental staff CSV -------------------------------------------------------------------
