"""Students' media releases and directory opt-outs, recorded in the app by a building's
principal or registrar (``manage_media_releases``). One audited event per save, with the
students changed and their flags before and after (ids and booleans only).

A roster that carries the flags (OneRoster ``metadata.chalkline.mediaRelease`` /
``directoryOptOut``, or ``student_flags.csv``) overwrites them at its next import; a roster that
does not carry them leaves the app's record alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Exists, OuterRef

from chalkline.audit.actions import Action
from chalkline.audit.services import record_event
from chalkline.people.models import Affiliation, Building, Person, User
from chalkline.people.services.directory_changes import note_directory_changed

MAX_STUDENTS_A_SAVE = 1000


class MediaReleaseError(ValueError):
    """A change the page refuses (the message names the field)."""


@transaction.atomic
def set_media_flags(
    *,
    building: Building,
    students: Sequence[int],
    media_release: bool | None,
    directory_opt_out: bool | None,
    by: User,
) -> int:
    """Set (``True``/``False``) or leave (``None``) each flag of the chosen students of the
    building; how many students changed. All or nothing: a student not in the building refuses
    the whole save."""
    if media_release is None and directory_opt_out is None:
        raise MediaReleaseError("Change: choose what to record for the chosen students.")
    ids = sorted(set(students))
    if not ids:
        raise MediaReleaseError("Students: tick at least one student.")
    if len(ids) > MAX_STUDENTS_A_SAVE:
        raise MediaReleaseError(f"Students: at most {MAX_STUDENTS_A_SAVE:,} at once.")
    in_building = Affiliation.objects.filter(person=OuterRef("pk"), building=building, active=True)
    rows = list(
        Person.objects.select_for_update()  # no DISTINCT: PostgreSQL refuses it with FOR UPDATE
        .filter(
            Exists(in_building),
            pk__in=ids,
            district_id=building.district_id,
            kind=Person.Kind.STUDENT,
        )
        .order_by("pk")
    )
    if len(rows) != len(ids):
        raise MediaReleaseError("Students: some of the chosen students are not in this building.")
    before: dict[int, dict[str, bool | None]] = {}
    after: dict[int, dict[str, bool]] = {}
    for person in rows:
        was = {
            "media_release": person.media_release if person.media_release_known else None,
            "directory_opt_out": person.directory_opt_out,
        }
        fields = []
        if media_release is not None and (
            person.media_release != media_release or not person.media_release_known
        ):
            person.media_release = media_release
            person.media_release_known = True
            fields += ["media_release", "media_release_known"]
        if directory_opt_out is not None and person.directory_opt_out != directory_opt_out:
            person.directory_opt_out = directory_opt_out
            fields.append("directory_opt_out")
        if fields:
            person.save(update_fields=[*fields, "updated_at"])
            before[person.pk] = was
            after[person.pk] = {
                "media_release": person.media_release,
                "directory_opt_out": person.directory_opt_out,
            }
    if after:
        note_directory_changed(district_id=building.district_id)
        record_event(
            district=building.district_id,
            actor=by,
            action=Action.MEDIA_FLAGS_CHANGED,
            target=building,
            before=before,
            after=after,
        )
    return len(after)
