"""A student's preferred first name is imported, kept and screened (issue 23, point 4).

OneRoster 1.2 names it ``preferredFirstName``; 1.1 files carry it in a ``metadata.*`` column.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chalkline.people import services
from chalkline.people.models import District, ImportBatch, Person
from chalkline.people.roster_index import build_roster_index, forget_roster_indexes
from chalkline.people.tests.roster_fixtures import USER_ROWS, PackageMaker
from chalkline.screening import Audience, Message, Sender, screen
from conftest import make_district

pytestmark = pytest.mark.django_db


def _users(column: str) -> str:
    header = (
        "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
        f"givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
        f"password,{column}\n"
    )
    rows = [USER_ROWS[k].rstrip("\n").rsplit(",", 2)[0] + ",\n" for k in ("t1", "p1", "g1")]
    rows.append("s1,active,2024-01-02,true,org-n,student,s1,,Robert,Stu,,S100,,,,g1,10,,Bobby\n")
    rows.append("s2,active,2024-01-02,true,org-e,student,s2,,Ada,Stu,,S200,,,,,03,,\n")
    return header + "".join(rows)


@pytest.mark.parametrize("column", ["metadata.preferredFirstName", "preferredFirstName"])
def test_the_import_stores_the_preferred_first_name_and_screening_finds_it(
    tmp_path: Path, column: str
) -> None:
    district: District = make_district("springfield", "Springfield SD")
    package = PackageMaker(tmp_path)({"users.csv": _users(column)})
    batch = services.start_directory_import(
        district=district,
        package_path=str(package),
        source_name=package.name,
        by=None,
        enqueue=False,
        confirm_deactivations=True,
    )
    batch = services.run_directory_import(batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.SUCCEEDED
    bobby = Person.objects.get(district=district, sourced_id="s1")
    assert (bobby.given_name, bobby.preferred_name) == ("Robert", "Bobby")
    assert Person.objects.get(district=district, sourced_id="s2").preferred_name == ""

    forget_roster_indexes()
    index = build_roster_index(district)
    msg = Message("Congratulations to Bobby Stu!", Sender("teacher", "t1"), Audience("public"))
    found = [f for f in screen(msg, index=index) if f.detector == "student_name"]
    assert [(f.student, f.severity) for f in found] == [("s1", "block")]
