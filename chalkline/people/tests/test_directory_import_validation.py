"""The package is validated in a child process beside the staging when it is large: the same
outcome, the same report, and a package with errors is still refused whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from chalkline.people import services
from chalkline.people.models import District, ImportBatch, Person
from chalkline.people.roster_import import validation
from chalkline.people.tests.roster_fixtures import PackageMaker, directory_snapshot, users
from conftest import make_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_package(tmp_path: Path) -> PackageMaker:
    return PackageMaker(tmp_path)


@pytest.fixture
def district() -> District:
    return make_district("springfield", "Springfield SD")


@pytest.fixture
def in_a_child(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every package counts as large; records whether each validation ran in a child."""
    monkeypatch.setattr(validation, "PARALLEL_MIN_BYTES", 0)
    used: list[bool] = []
    result = validation.Validation.result

    def spy(self: validation.Validation) -> bool:
        used.append(self.pool is not None)
        return result(self)

    monkeypatch.setattr(validation.Validation, "result", spy)
    return used


def run(district: District, path: Path) -> ImportBatch:
    batch = services.start_directory_import(
        district=district, package_path=str(path), source_name=path.name, by=None, enqueue=False
    )
    return services.run_directory_import(batch_id=batch.pk)


def test_a_package_validated_in_a_child_imports_as_inline(
    district: District, make_package: PackageMaker, in_a_child: list[bool]
):
    batch = run(district, make_package())
    assert in_a_child == [True]
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert set(Person.objects.filter(district=district).values_list("sourced_id", flat=True)) == {
        "t1",
        "p1",
        "s1",
        "s2",
        "g1",
    }
    assert batch.counts["students"]["created"] == 2


def test_errors_found_in_the_child_refuse_the_package_with_its_report(
    district: District, make_package: PackageMaker, in_a_child: list[bool]
):
    before = directory_snapshot()
    bad = users("t1", "p1", "s1", "s2", "g1", "s1")  # s1 twice
    batch = run(district, make_package({"users.csv": bad}))
    assert in_a_child == [True]
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.message == validation.REFUSED
    assert batch.issue_counts.get("error:duplicate_id") == 1
    assert [i["line"] for i in batch.issues if i["code"] == "duplicate_id"] == [7]
    assert directory_snapshot() == before


def test_a_small_package_is_validated_inline(district: District, make_package: PackageMaker):
    path = make_package()
    assert validation.package_bytes(str(path)) < validation.PARALLEL_MIN_BYTES
    assert run(district, path).status == ImportBatch.Status.SUCCEEDED
