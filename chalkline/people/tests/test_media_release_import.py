"""Media releases through the roster import: known when the roster carries the flag; recorded in
the app and kept when a later roster does not carry it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalkline.people import services
from chalkline.people.models import Building, District, ImportBatch, Person
from chalkline.people.services.media_releases import set_media_flags
from chalkline.people.tests.roster_fixtures import USER_ROWS, PackageMaker
from conftest import make_district

pytestmark = pytest.mark.django_db

PLAIN_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
)


def _run(district: District, path: Path) -> ImportBatch:
    batch = services.start_directory_import(
        district=district,
        package_path=str(path),
        source_name=path.name,
        by=None,
        enqueue=False,
        confirm_deactivations=True,
    )
    return services.run_directory_import(batch_id=batch.pk)


def _without_flag_columns() -> str:
    rows = [",".join(USER_ROWS[k].rstrip("\n").split(",")[:-2]) + "\n" for k in USER_ROWS]
    return PLAIN_HEADER + "".join(rows)


def test_flags_are_known_from_the_roster_and_kept_when_a_later_roster_lacks_them(
    tmp_path: Path,
) -> None:
    district = make_district("springfield", "Springfield SD")
    packages = PackageMaker(tmp_path)
    assert _run(district, packages()).status == ImportBatch.Status.SUCCEEDED
    s1 = Person.objects.get(district=district, sourced_id="s1")  # mediaRelease false
    s2 = Person.objects.get(district=district, sourced_id="s2")  # mediaRelease true
    assert (s1.media_release, s1.media_release_known) == (False, True)
    assert (s2.media_release, s2.media_release_known) == (True, True)
    # the principal records a release for s1 in the app
    building = Building.objects.get(district=district, sourced_id="org-n")
    set_media_flags(
        building=building,
        students=[s1.pk],
        media_release=True,
        directory_opt_out=None,
        by=None,  # type: ignore[arg-type]
    )
    # a roster without the flag columns changes neither
    batch: Any = _run(district, packages({"users.csv": _without_flag_columns()}))
    assert batch.status == ImportBatch.Status.SUCCEEDED
    s1.refresh_from_db()
    s2.refresh_from_db()
    assert (s1.media_release, s1.media_release_known, s1.directory_opt_out) == (True, True, True)
    assert (s2.media_release, s2.media_release_known) == (True, True)


def test_a_student_the_roster_brings_without_the_flag_is_not_known(tmp_path: Path) -> None:
    district = make_district("springfield", "Springfield SD")
    packages = PackageMaker(tmp_path)
    _run(district, packages({"users.csv": _without_flag_columns()}))
    s2 = Person.objects.get(district=district, sourced_id="s2")
    assert (s2.media_release, s2.media_release_known) == (False, False)
