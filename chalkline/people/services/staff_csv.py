"""The supplemental staff CSV: employees the rosters leave out (custodians, drivers, food
service), merged by employee id, else by email; never a duplicate."""

from __future__ import annotations

from pathlib import Path

from django.db.models.functions import Lower
from django.utils import timezone

from chalkline.lib.batches import iter_chunks
from chalkline.lib.oneroster import Report
from chalkline.lib.oneroster.staffcsv import StaffRecord, read_staff_csv
from chalkline.people import roster_import
from chalkline.people.models import Affiliation, Building, ImportBatch, Person


def staff_records(batch: ImportBatch, report: Report) -> list[StaffRecord]:
    return list(read_staff_csv(batch.staff_csv_path, report=report))


def validate_staff_csv(
    batch: ImportBatch, report: Report, incoming: set[str] | None = None
) -> None:
    """Read the staff file once: reading errors and unknown building codes refuse it.
    ``incoming``: codes of buildings the OneRoster package of the same batch creates."""
    codes = set(building_codes(batch.district_id)) | (incoming or set())
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


def building_codes(district_id: int) -> dict[str, int]:
    codes: dict[str, int] = {}
    for pk, code, sid in Building.objects.filter(district_id=district_id).values_list(
        "pk", "code", "sourced_id"
    ):
        codes[code] = pk
        if sid:
            codes.setdefault(sid, pk)
    return codes


def apply_staff_csv(batch: ImportBatch, report: Report, outcome: roster_import.Outcome) -> None:
    """Merge the staff file into the directory: by employee id (OneRoster users.identifier),
    else by email; never a duplicate. Only staff are loaded, a few thousand rows at a time."""
    codes = building_codes(batch.district_id)
    now = timezone.now()
    for chunk in iter_chunks(staff_records(batch, Report(cap_per_code=0)), 2000):
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
