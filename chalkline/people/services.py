"""Write paths for districts, people and memberships. Each one audits in the same transaction."""

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
from django.db.models.functions import Lower
from django.utils import timezone

from chalkline.audit.models import AuditChainHead
from chalkline.audit.services import record_event
from chalkline.lib.batches import iter_chunks
from chalkline.lib.oneroster import Package, PackageError, Report, open_package
from chalkline.lib.oneroster.staffcsv import StaffRecord, read_staff_csv
from chalkline.people import roster_import
from chalkline.people.demo import DemoDistrict, DemoPerson
from chalkline.people.models import (
    Affiliation,
    Building,
    District,
    GuardianLink,
    ImportBatch,
    ImportLock,
    Membership,
    Person,
    RoleSuggestion,
    User,
)
from chalkline.people.roles import Role

logger = logging.getLogger(__name__)


@transaction.atomic
def create_district(*, name: str, slug: str, email_domains: str = "", by: User | None) -> District:
    district = District.objects.create(name=name, slug=slug, email_domains=email_domains)
    AuditChainHead.objects.create(district=district)
    record_event(
        district=district,
        actor=by,
        action="district.created",
        target=district,
        after={"name": name, "slug": slug, "email_domains": email_domains},
    )
    return district


@transaction.atomic
def grant_membership(
    *,
    user: User,
    district: District,
    role: Role | str,
    building: Building | None = None,
    by: User | None,
) -> Membership:
    if building is not None and building.district_id != district.pk:
        raise ValueError("The building belongs to another district.")
    membership, created = Membership.objects.get_or_create(
        user=user, district=district, building=building, role=role, defaults={"active": True}
    )
    if not created and not membership.active:
        membership.active = True
        membership.save(update_fields=["active"])
        created = True
    if created:
        record_event(
            district=district,
            actor=by,
            action="membership.granted",
            target=membership,
            after={
                "user": user.pk,
                "role": str(role),
                "building": building.pk if building else None,
            },
        )
    return membership


@transaction.atomic
def revoke_membership(*, membership: Membership, by: User | None) -> None:
    if not membership.active:
        return
    membership.active = False
    membership.save(update_fields=["active"])
    record_event(
        district=membership.district_id,
        actor=by,
        action="membership.revoked",
        target=membership,
        before={
            "user": membership.user_id,
            "role": membership.role,
            "building": membership.building_id,
        },
    )


DEMO_LOGIN_ROLES: list[tuple[str, Role, bool]] = [
    # (username, role, district-wide?)
    ("superintendent", Role.SUPERINTENDENT, True),
    ("designee", Role.DESIGNEE, True),
    ("hr", Role.HR, True),
    ("principal", Role.PRINCIPAL, False),
    ("netadmin", Role.NETWORK_ADMIN, True),
    ("union-rep", Role.EMPLOYEE_REP, True),
    ("board", Role.BOARD_MEMBER, True),
    ("teacher", Role.EMPLOYEE, False),
    ("guardian", Role.GUARDIAN, False),
    ("student", Role.STUDENT, False),
]


@transaction.atomic
def load_demo_district(
    *,
    name: str,
    slug: str,
    buildings: int,
    staff: int,
    students: int,
    seed: int,
    password: str,
    by: User | None = None,
    batch: int = 2000,
    progress: Callable[[str, int], None] | None = None,
) -> tuple[District, list[tuple[str, str]]]:
    """Create a synthetic district with one sign-in per role. Returns the district and the logins
    as (username, role label). Bulk inserts keep 150,000 staff within a benchmark's patience."""
    domain = f"{slug}.k12.example.org"
    demo = DemoDistrict(
        buildings=buildings, staff=staff, students=students, seed=seed, domain=domain
    )
    district = create_district(name=name, slug=slug, email_domains=domain, by=by)
    building_rows = Building.objects.bulk_create(
        Building(district=district, name=b.name, code=b.code, level=b.level)
        for b in demo.buildings()
    )
    by_code = {b.code: b for b in building_rows}

    def insert_people(people: list[DemoPerson]) -> dict[str, Person]:
        rows = Person.objects.bulk_create(
            [
                Person(
                    district=district,
                    kind=p.kind,
                    given_name=p.given_name,
                    family_name=p.family_name,
                    email=p.email,
                    sourced_id=p.key,
                    identifier=p.key.upper(),
                    username=p.email.split("@")[0],
                    hire_date=p.hire_date,
                    grade=p.grade,
                    directory_opt_out=p.directory_opt_out,
                    media_release=p.media_release,
                )
                for p in people
            ],
            batch_size=batch,
        )
        affiliations = [
            Affiliation(
                person=row, building=by_code[code], job_title=p.job_title, is_primary=i == 0
            )
            for p, row in zip(people, rows, strict=True)
            for i, code in enumerate(p.building_codes)
        ]
        Affiliation.objects.bulk_create(affiliations, batch_size=batch)
        return {p.key: row for p, row in zip(people, rows, strict=True)}

    first_people: dict[str, Person] = {}
    staff_buffer: list[DemoPerson] = []
    count = 0
    for demo_person in demo.staff():
        staff_buffer.append(demo_person)
        if len(staff_buffer) >= batch:
            inserted = insert_people(staff_buffer)
            first_people = first_people or inserted
            count += len(staff_buffer)
            staff_buffer = []
            if progress:
                progress("staff", count)
    if staff_buffer:
        inserted = insert_people(staff_buffer)
        first_people = first_people or inserted
    first_student: Person | None = None
    first_guardian: Person | None = None
    buffer: list[DemoPerson] = []
    link_buffer: list[tuple[str, str, str]] = []

    def flush() -> None:
        nonlocal first_student, first_guardian
        inserted = insert_people(buffer)
        GuardianLink.objects.bulk_create(
            [
                GuardianLink(guardian=inserted[g], student=inserted[s], relationship=r)
                for g, s, r in link_buffer
            ],
            batch_size=batch,
        )
        if first_student is None:
            first_student = next(
                (p for p in inserted.values() if p.kind == Person.Kind.STUDENT), None
            )
            first_guardian = next(
                (p for p in inserted.values() if p.kind == Person.Kind.GUARDIAN), None
            )
        buffer.clear()
        link_buffer.clear()

    for count, (student, guardians, links) in enumerate(demo.students_and_guardians(), start=1):
        buffer.append(student)
        buffer.extend(guardians)
        link_buffer.extend(
            (link.guardian_key, link.student_key, link.relationship) for link in links
        )
        if len(buffer) >= batch:
            flush()
            if progress:
                progress("students", count)
    if buffer:
        flush()

    # One sign-in per role, tied to a realistic person record.
    first_building = (
        next(b for b in building_rows if b.level != "office")
        if len(building_rows) > 1
        else building_rows[0]
    )
    staff_in_first = list(
        Person.objects.filter(
            district=district, kind=Person.Kind.STAFF, affiliations__building=first_building
        ).order_by("pk")[: len(DEMO_LOGIN_ROLES)]
    )
    logins: list[tuple[str, str]] = []
    for i, (username, role, district_wide) in enumerate(DEMO_LOGIN_ROLES):
        person: Person | None
        if role == Role.GUARDIAN:
            person = first_guardian
        elif role == Role.STUDENT:
            person = first_student
        else:
            person = staff_in_first[i] if i < len(staff_in_first) else None
        full_username = f"{username}@{slug}"
        user = User.objects.create_user(
            username=full_username,
            email=person.email if person else f"{username}@{domain}",
            password=password,
            first_name=person.given_name if person else "",
            last_name=person.family_name if person else "",
            person=person,
        )
        grant_membership(
            user=user,
            district=district,
            role=role,
            building=None if district_wide else first_building,
            by=by,
        )
        logins.append((full_username, role.label))
    record_event(
        district=district,
        actor=by,
        action="district.demo_loaded",
        target=district,
        after={"buildings": buildings, "staff": staff, "students": students, "seed": seed},
    )
    return district, logins


# --- directory import -------------------------------------------------------------------------

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


class _DryRun(Exception):
    pass


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
                    raise _Identical(previous)
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
                    _validate_staff_csv(batch, report, incoming)
                start = time.perf_counter()
                outcome = _apply_import(batch=batch, pkg=pkg, report=report, progress=note)
                timings["apply"] = time.perf_counter() - start
                timings.update(outcome.step_seconds)
                # what the steps leave: mostly the COMMIT (deferred foreign-key checks)
                timings["apply_commit_and_rest"] = timings["apply"] - sum(
                    outcome.step_seconds.values()
                )
        else:
            _validate_staff_csv(batch, report)
            outcome = _apply_import(batch=batch, pkg=None, report=report, progress=note)
    except _DryRun as dry:
        outcome = dry.args[0]
    except _Identical as same:
        identical_to = same.args[0]
        outcome = _record_identical(batch, identical_to)
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


class _Identical(Exception):
    pass


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
        action="directory.imported",
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
        _apply_staff_csv(batch, report, outcome)
    if batch.dry_run:
        raise _DryRun(outcome)
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
            action="directory.import_failed",
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


def _staff_records(batch: ImportBatch, report: Report) -> list[StaffRecord]:
    return list(read_staff_csv(batch.staff_csv_path, report=report))


def _validate_staff_csv(
    batch: ImportBatch, report: Report, incoming: set[str] | None = None
) -> None:
    """Read the staff file once: reading errors and unknown building codes refuse it.
    ``incoming``: codes of buildings the OneRoster package of the same batch creates."""
    codes = set(_building_codes(batch.district_id)) | (incoming or set())
    for record in read_staff_csv(batch.staff_csv_path, report=report):
        for code in record.building_codes:
            if code not in codes:
                report.error(
                    "unknown_building",
                    Path(batch.staff_csv_path).name,
                    record.source.line,
                    "building_codes",
                    f"no building has the code {code!r}",
                    sourced_id=record.employee_id,
                )
    if not report.ok:
        raise roster_import.ImportRefused("The staff file has errors; nothing was applied.")


def _building_codes(district_id: int) -> dict[str, int]:
    codes: dict[str, int] = {}
    for pk, code, sid in Building.objects.filter(district_id=district_id).values_list(
        "pk", "code", "sourced_id"
    ):
        codes[code] = pk
        if sid:
            codes.setdefault(sid, pk)
    return codes


def _apply_staff_csv(batch: ImportBatch, report: Report, outcome: roster_import.Outcome) -> None:
    """Merge the staff file into the directory: by employee id (OneRoster users.identifier),
    else by email; never a duplicate. Only staff are loaded, a few thousand rows at a time."""
    codes = _building_codes(batch.district_id)
    now = timezone.now()
    for chunk in iter_chunks(_staff_records(batch, Report(cap_per_code=0)), 2000):
        ids = [r.employee_id for r in chunk]
        emails = [r.email.lower() for r in chunk if r.email]
        staff = Person.objects.filter(district_id=batch.district_id, kind=Person.Kind.STAFF)
        by_id = {p.identifier: p for p in staff.filter(identifier__in=ids)}
        by_email = {
            p.email.lower(): p for p in staff.annotate(low=Lower("email")).filter(low__in=emails)
        }
        new: list[Person] = []
        changed: list[Person] = []
        pending_affiliations: list[tuple[Person, StaffRecord]] = []
        for record in chunk:
            person = by_id.get(record.employee_id) or (
                by_email.get(record.email.lower()) if record.email else None
            )
            active = record.employment_status.employed
            reason = (
                ""
                if active
                else f"Employment status {record.employment_status} (import #{batch.pk})"
            )
            if person is None:
                person = Person(
                    district_id=batch.district_id,
                    kind=Person.Kind.STAFF,
                    given_name=record.given_name[:100],
                    family_name=record.family_name[:100],
                    email=record.email[:254],
                    identifier=record.employee_id[:255],
                    hire_date=record.hire_date,
                    active=active,
                    deactivated_at=None if active else now,
                    deactivation_reason=reason,
                    import_batch_id=batch.pk,
                )
                new.append(person)
                outcome.add("staff", "created", 1)
            else:
                before = (person.active, person.hire_date, person.identifier, person.email)
                action = roster_import.Applier._transition(person.active, active, False)
                person.hire_date = record.hire_date or person.hire_date
                person.identifier = person.identifier or record.employee_id[:255]
                person.email = person.email or record.email[:254]
                if person.active != active:
                    person.active = active
                    person.deactivated_at = None if active else now
                    person.deactivation_reason = reason
                if (person.active, person.hire_date, person.identifier, person.email) != before:
                    person.import_batch_id = batch.pk
                    changed.append(person)
                    action = "updated" if action == "unchanged" else action
                outcome.add("staff", action, 1)
            pending_affiliations.append((person, record))
        Person.objects.bulk_create(new)
        Person.objects.bulk_update(
            changed,
            [
                "active",
                "deactivated_at",
                "deactivation_reason",
                "hire_date",
                "identifier",
                "email",
                "import_batch",
            ],
        )
        person_ids = [p.pk for p, _ in pending_affiliations]
        existing = {
            (a.person_id, a.building_id): a
            for a in Affiliation.objects.filter(person_id__in=person_ids)
        }
        new_affs: list[Affiliation] = []
        changed_affs: list[Affiliation] = []
        for person, record in pending_affiliations:
            for i, code in enumerate(record.building_codes):
                key = (person.pk, codes[code])
                aff = existing.get(key)
                title = record.job_title[:200]
                if aff is None:
                    new_affs.append(
                        Affiliation(
                            person_id=person.pk,
                            building_id=codes[code],
                            job_title=title,
                            is_primary=i == 0,
                            import_batch_id=batch.pk,
                        )
                    )
                    outcome.add("affiliations", "created", 1)
                elif not aff.active or (title and aff.job_title != title):
                    outcome.add("affiliations", "reactivated" if not aff.active else "updated", 1)
                    aff.active = True
                    aff.job_title = title or aff.job_title
                    aff.import_batch_id = batch.pk
                    changed_affs.append(aff)
                else:
                    outcome.add("affiliations", "unchanged", 1)
        Affiliation.objects.bulk_create(new_affs)
        Affiliation.objects.bulk_update(changed_affs, ["active", "job_title", "import_batch"])


# --- SIS administrative roles: HR confirms ----------------------------------------------------


class RoleSuggestionError(Exception):
    pass


@transaction.atomic
def decide_role_suggestion(
    *, suggestion: RoleSuggestion, confirm: bool, by: User | None
) -> RoleSuggestion:
    """Confirm (grant the membership, creating a sign-in account if the person has none) or
    dismiss a suggested role. A SIS role never grants anything until this is called."""
    suggestion = RoleSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != RoleSuggestion.Status.PENDING:
        raise RoleSuggestionError("This suggestion was already decided.")
    person = suggestion.person
    district = District.objects.get(pk=suggestion.district_id)
    created_user = False
    if confirm:
        user = User.objects.filter(person=person).first()
        if user is None:
            if not person.email:
                raise RoleSuggestionError(
                    "This person has no email address, so no sign-in account can be created."
                )
            if User.objects.filter(username__iexact=person.email).exists():
                raise RoleSuggestionError(
                    "An account with this person's email as username exists already."
                )
            user = User(
                username=person.email,
                email=person.email,
                first_name=person.given_name[:150],
                last_name=person.family_name[:150],
                person=person,
            )
            user.set_unusable_password()
            user.save()
            created_user = True
        grant_membership(
            user=user,
            district=district,
            role=suggestion.role,
            building=suggestion.building,
            by=by,
        )
    suggestion.status = (
        RoleSuggestion.Status.CONFIRMED if confirm else RoleSuggestion.Status.DISMISSED
    )
    suggestion.decided_by = by
    suggestion.decided_at = timezone.now()
    suggestion.save(update_fields=["status", "decided_by", "decided_at"])
    record_event(
        district=district,
        actor=by,
        action="directory.role_confirmed" if confirm else "directory.role_dismissed",
        target=suggestion,
        after={
            "person": person.pk,
            "role": suggestion.role,
            "building": suggestion.building_id,
            "account_created": created_user,
        },
    )
    return suggestion
