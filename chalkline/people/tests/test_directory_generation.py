"""The directory generation: every write path to people, affiliations and guardian links raises
it in its transaction, and nothing else does (the screening roster index's version, issue 20)."""

from __future__ import annotations

import ast
import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chalkline.people import services
from chalkline.people.demo.loader import load_demo_district
from chalkline.people.models import Building, District, ImportBatch, Person
from chalkline.people.roles import Role
from chalkline.people.roster_index import directory_version
from chalkline.people.services.directory_changes import note_directory_changed
from chalkline.people.services.media_releases import set_media_flags
from chalkline.people.services.setup import ensure_superintendent
from chalkline.people.tests.roster_fixtures import PackageMaker, users
from conftest import World, make_district, make_user

pytestmark = pytest.mark.django_db

STAFF_HEADER = (
    "employee_id,given_name,family_name,email,building_codes,job_title,employment_status,"
    "hire_date\n"
)


def version(district: District) -> tuple[Any, ...]:
    return directory_version(district)


def run(district: District, path: Path, **kwargs: Any) -> ImportBatch:
    kwargs.setdefault("confirm_deactivations", True)
    batch = services.start_directory_import(
        district=district,
        package_path=str(path),
        source_name=path.name,
        by=None,
        enqueue=False,
        **kwargs,
    )
    return services.run_directory_import(batch_id=batch.pk)


@pytest.fixture
def springfield(tmp_path: Path) -> tuple[District, PackageMaker]:
    district = make_district("springfield", "Springfield SD")
    packages = PackageMaker(tmp_path)
    assert run(district, packages()).status == ImportBatch.Status.SUCCEEDED
    return district, packages


def test_the_version_is_one_primary_key_read(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        version(world.district)
    assert len(queries) == 1
    assert "COUNT" not in queries[0]["sql"].upper()


def test_an_unchanged_directory_keeps_its_version(world: World) -> None:
    before = version(world.district)
    # reads, and writes outside the directory (a membership, another district's person)
    list(Person.objects.in_district(world.district))
    make_user(world.district, Role.EMPLOYEE, building=world.north)
    note_directory_changed(district_id=world.other_district.pk)
    assert version(world.district) == before


def test_a_roster_import_changes_the_version(
    springfield: tuple[District, PackageMaker],
) -> None:
    district, packages = springfield
    before = version(district)
    extra = "s9,active,2024-01-02,true,org-n,student,s9,,Nia,New,,S900,,,,,10,,,\n"
    batch = run(district, packages({"users.csv": users("t1", "p1", "s1", "s2", "g1", extra=extra)}))
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert version(district) != before


def test_an_import_that_deactivates_people_changes_the_version(
    springfield: tuple[District, PackageMaker],
) -> None:
    district, packages = springfield
    before = version(district)
    batch = run(district, packages({"users.csv": users("t1", "p1", "s1", "g1")}))
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert not Person.objects.get(district=district, sourced_id="s2").active
    assert version(district) != before


def test_an_identical_import_and_a_dry_run_keep_the_version(
    springfield: tuple[District, PackageMaker],
) -> None:
    district, packages = springfield
    before = version(district)
    assert run(district, packages()).status == ImportBatch.Status.SUCCEEDED  # same files
    dry = run(district, packages({"users.csv": users("t1", "p1", "s1", "g1")}), dry_run=True)
    assert dry.status == ImportBatch.Status.SUCCEEDED
    assert Person.objects.get(district=district, sourced_id="s2").active
    assert version(district) == before


def test_a_staff_csv_import_changes_the_version(
    springfield: tuple[District, PackageMaker], tmp_path: Path
) -> None:
    district, _ = springfield
    before = version(district)
    staff = tmp_path / "staff.csv"
    staff.write_text(STAFF_HEADER + "E900,Casey,Ortiz,cortiz@x.org,NHS,Custodian,active,\n")
    call_command("import_staff", str(staff), district="springfield", stdout=io.StringIO())
    assert Person.objects.filter(district=district, identifier="E900").exists()
    assert version(district) != before


def test_a_media_release_change_changes_the_version_and_a_no_op_keeps_it(
    springfield: tuple[District, PackageMaker],
) -> None:
    district, _ = springfield
    building = Building.objects.get(district=district, sourced_id="org-n")
    s1 = Person.objects.get(district=district, sourced_id="s1")  # mediaRelease false
    before = version(district)
    flags: dict[str, Any] = {"building": building, "students": [s1.pk], "by": None}
    assert set_media_flags(**flags, media_release=True, directory_opt_out=None) == 1
    changed = version(district)
    assert changed != before
    assert set_media_flags(**flags, media_release=True, directory_opt_out=None) == 0
    assert version(district) == changed


def test_setup_creating_the_superintendent_changes_the_version(world: World) -> None:
    before = version(world.district)
    ensure_superintendent(
        district=world.district,
        email="chief@prairie.example.org",
        given_name="Cora",
        family_name="Chief",
        by=None,
    )
    assert Person.objects.filter(email="chief@prairie.example.org").exists()
    assert version(world.district) != before


def test_demo_data_leaves_a_raised_generation() -> None:
    district, _ = load_demo_district(
        name="Demo SD", slug="demo", buildings=2, staff=12, students=30, seed=1, password="x"
    )
    district.refresh_from_db()
    assert Person.objects.in_district(district).exists()
    assert district.directory_generation > 0  # a new district starts at 0


def test_new_email_domains_change_the_version(world: World) -> None:
    before = version(world.district)
    District.objects.filter(pk=world.district.pk).update(email_domains="prairie.example.net")
    assert version(world.district) != before


# --- every module that writes the directory tables is accounted for ---------------------------

ROOT = Path(__file__).resolve().parents[2]  # the chalkline package
TABLES = {"Person", "Affiliation", "GuardianLink"}
WRITES = {
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
    "get_or_create",
    "update_or_create",
    "raw",
}
# Each module that writes (or names the tables of) Person, Affiliation or GuardianLink: "bumps"
# (it calls note_directory_changed in its transaction), the module that bumps for it, or why it
# need not.
IMPORT = "people/services/directory_import.py"
WRITERS = {
    "people/services/media_releases.py": "bumps",
    "people/services/setup.py": "bumps",
    "people/demo/loader.py": "bumps",
    # the import's steps: run only inside directory_import._apply_import, which bumps
    "people/roster_import/base.py": IMPORT,
    "people/services/staff_csv.py": IMPORT,
    "people/services/leavers.py": IMPORT,
    # reads the tables in raw SQL to fill a training roster; writes none of them
    "training/services.py": "reads only",
    # sets a demo person's hire date, which the screening index does not read
    "workflows/management/commands/demo_training.py": "no indexed field",
}


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, ast.Call | ast.Attribute):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _writes_directory(tree: ast.AST) -> bool:
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr == "db_table" and _root_name(node) in TABLES:
                return True
            if (
                node.attr in WRITES
                and _root_name(node) in TABLES
                and "objects" in ast.unparse(node.value)
            ):
                return True
            if node.attr == "save" and _root_name(node) in {"person", "affiliation", "link"}:
                return True
    return False


def test_every_module_that_writes_the_directory_raises_the_generation() -> None:
    found = set()
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel.startswith("tests/"):
            continue
        if _writes_directory(ast.parse(path.read_text(encoding="utf-8"))):
            found.add(rel)
    assert found == set(WRITERS), (
        "a module writes Person/Affiliation/GuardianLink: call "
        "people.services.directory_changes.note_directory_changed in its transaction and list "
        "it in WRITERS"
    )
    for rel, how in WRITERS.items():
        bumper = rel if how == "bumps" else how if how.endswith(".py") else None
        if bumper is not None:
            assert "note_directory_changed(" in (ROOT / bumper).read_text(encoding="utf-8"), rel
        else:
            assert "note_directory_changed(" not in (ROOT / rel).read_text(encoding="utf-8"), rel
