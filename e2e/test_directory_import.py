"""HR imports a small OneRoster package: the progress bar (htmx polling), then the report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from chalkline.people.models import ImportBatch, Person
from chalkline.people.roles import Role
from chalkline.people.tests.roster_fixtures import PackageMaker
from conftest import make_district, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"


@pytest.fixture
def hr(transactional_db: Any) -> Any:
    district = make_district("prairie", "Prairie Valley CUSD 5")
    return make_user(district, Role.HR, username="hr")


def test_hr_uploads_a_package_and_reads_the_report(
    page: Any, live_server: Any, hr: Any, tmp_path: Path, settings: Any
) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    package = PackageMaker(tmp_path)(as_zip=True)
    base = live_server.url
    sign_in(page, base, "hr", PASSWORD)
    page.goto(f"{base}/directory/imports/")
    assert_accessible(page)
    page.get_by_label("OneRoster package (.zip)").set_input_files(str(package))
    page.get_by_role("button", name="Start the import").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=2, name="Imported").is_visible()
    assert page.get_by_role("table").first.is_visible()
    assert Person.objects.filter(kind="student").count() == 2
    assert_accessible(page)
    page.goto(f"{base}/directory/imports/")
    assert page.get_by_role("link", name="CSV").first.is_visible()
    assert_accessible(page)


def test_the_progress_bar_turns_into_the_report(
    page: Any, phone_page: Any, live_server: Any, hr: Any
) -> None:
    batch = ImportBatch.objects.create(
        district=hr.memberships.get().district,
        source_name="export.zip",
        status=ImportBatch.Status.RUNNING,
        phase="Reading users",
        progress_done=1,
        progress_total=2,
    )
    base = live_server.url
    sign_in(page, base, "hr", PASSWORD)
    page.goto(f"{base}/directory/imports/{batch.pk}/")
    progress = page.get_by_role("progressbar", name="Reading users")
    assert progress.get_attribute("value") == "50"
    assert_accessible(page)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.SUCCEEDED,
        message="The import changed 5 records.",
        counts={"students": {"created": 5}},
    )
    # the real link fallback (htmx polling of the same URL is covered by the HTTP tests)
    page.get_by_role("link", name="Refresh this page").click()
    page.get_by_text("The import changed 5 records.").wait_for(timeout=8000)
    assert page.locator("progress").count() == 0
    assert_accessible(page)
    sign_in(phone_page, base, "hr", PASSWORD)
    phone_page.goto(f"{base}/directory/imports/{batch.pk}/")
    assert_fits_phone(phone_page)
