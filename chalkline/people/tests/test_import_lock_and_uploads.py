"""Issue 16, points 2 and 9, through HTTP and the commands: the stored upload has no
credentials and private modes; a dead claim (silent heartbeat) is taken over; an administrator
takes a live one over with an audited reason; the sweep deletes what no live import holds."""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.audit.models import AuditEvent
from chalkline.people import services, uploads
from chalkline.people.models import District, ImportBatch, ImportLock, Person
from chalkline.people.tests.roster_fixtures import PackageMaker
from conftest import World, make_district

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_package(tmp_path: Path) -> PackageMaker:
    return PackageMaker(tmp_path / "packages")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir(mode=0o700)
    return tmp_path / "media"


def post_package(client: Client, data: bytes, name: str = "export.zip") -> Any:
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(
        reverse("people:import_upload"), {"package": upload, "confirm_deactivations": "on"}
    )


def hr_client(world: World) -> Client:
    client = Client()
    client.force_login(world.users["hr"])
    return client


def stored(district: District) -> ImportBatch:
    return ImportBatch.objects.get(district=district)


# --- 2. the stored upload ---------------------------------------------------------------------


def test_the_stored_upload_never_holds_the_password_column(
    world: World, make_package: PackageMaker, media: Path, settings: Any
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes through a temporary file
    data = make_package(
        {"userProfiles.csv": "sourcedId,userSourcedId,password\nup1,t1,profilepw9\n"},
        as_zip=True,
    ).read_bytes()
    response = post_package(hr_client(world), data)  # the import waits for commit: not run
    assert response.status_code == 302
    batch = stored(world.district)
    assert batch.status == ImportBatch.Status.QUEUED
    path = Path(batch.package_path)
    assert path.is_relative_to(media / "imports" / str(world.district.pk))
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert path.parent.parent.stat().st_mode & 0o777 == 0o700
    with zipfile.ZipFile(path) as zf:
        users = zf.read("users.csv").decode()
        everything = b"".join(zf.read(n) for n in zf.namelist())
    assert "password" not in users.splitlines()[0].lower()
    assert b"hunter2secret" not in everything and b"profilepw9" not in everything
    assert "Tess,Teach" in users  # the rest of the row is kept
    assert list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir()) == []  # Django's copy is gone
    # and the scrubbed copy imports like the original
    services.run_directory_import(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    imported = Person.objects.filter(district=world.district, import_batch_id=batch.pk)
    assert {"t1", "p1", "s1", "s2", "g1"} <= set(imported.values_list("sourced_id", flat=True))
    assert not path.exists()


def test_an_upload_that_is_not_a_safe_zip_is_refused_and_nothing_is_kept(world: World, media: Path):
    response = post_package(hr_client(world), b"PK\x03\x04 not really a zip")
    assert response.status_code == 400
    assert "not a zip file" in response.content.decode()
    assert not ImportBatch.objects.exists()
    assert [p for p in media.rglob("*") if p.is_file()] == []


# --- 9. heartbeat and takeover ----------------------------------------------------------------


def running_batch(district: District, path: str = "", *, beat_ago: float = 0) -> ImportBatch:
    batch = services.start_directory_import(
        district=district, package_path=path, source_name="a.zip", by=None, enqueue=False
    )
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.RUNNING)
    ImportLock.objects.filter(district=district).update(
        heartbeat_at=timezone.now() - timedelta(seconds=beat_ago)
    )
    return batch


def stored_file(media: Path, district: District, name: str = "old.zip") -> Path:
    folder = media / "imports" / str(district.pk)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"PK")
    return path


def test_a_running_import_with_a_fresh_heartbeat_keeps_the_lock(
    make_package: PackageMaker, media: Path
):
    district = make_district("springfield", "Springfield SD")
    running_batch(district, beat_ago=30)
    with pytest.raises(services.ImportBusyError):
        services.start_directory_import(
            district=district,
            package_path=str(make_package()),
            source_name="b",
            by=None,
            enqueue=False,
        )


def test_a_claim_silent_for_a_minute_is_taken_over_and_its_upload_deleted(
    make_package: PackageMaker, media: Path, django_capture_on_commit_callbacks: Any
):
    district = make_district("springfield", "Springfield SD")
    upload = stored_file(media, district)
    dead = running_batch(district, str(upload), beat_ago=61)
    with django_capture_on_commit_callbacks(execute=True):
        fresh = services.start_directory_import(
            district=district,
            package_path=str(make_package()),
            source_name="b",
            by=None,
            enqueue=False,
        )
    dead.refresh_from_db()
    assert dead.status == ImportBatch.Status.FAILED
    assert dead.message.startswith("Abandoned")
    assert dead.package_path == ""
    assert not upload.exists()
    assert ImportLock.objects.get(district=district).batch_id == fresh.pk


def test_the_heartbeat_is_written_while_the_import_runs(make_package: PackageMaker, settings: Any):
    settings.IMPORT_HEARTBEAT_SECONDS = 0  # a beat at every progress step
    district = make_district("springfield", "Springfield SD")
    batch = services.start_directory_import(
        district=district, package_path=str(make_package()), source_name="a", by=None, enqueue=False
    )
    ImportLock.objects.filter(district=district).update(heartbeat_at=None)
    beats: list[Any] = []

    def progress(phase: str, done: int, total: int) -> None:
        beats.append(ImportLock.objects.get(district=district).heartbeat_at)

    services.run_directory_import(batch_id=batch.pk, progress=progress)
    assert beats and all(beats)
    assert ImportLock.objects.get(district=district).batch_id is None  # released at the end


def test_an_import_whose_lock_is_taken_over_stops_without_applying(
    world: World, make_package: PackageMaker
):
    batch = services.start_directory_import(
        district=world.district,
        package_path=str(make_package()),
        source_name="a",
        confirm_deactivations=True,  # the package holds none of the world's people
        by=None,
        enqueue=False,
    )
    people_before = Person.objects.filter(district=world.district).count()
    taken: list[bool] = []

    def progress(phase: str, done: int, total: int) -> None:
        if not taken:  # an administrator takes the lock while the import works
            services.take_over_import_lock(
                district=world.district, reason="stuck", by=world.users["hr"]
            )
            taken.append(True)

    batch = services.run_directory_import(batch_id=batch.pk, progress=progress)
    assert batch.status == ImportBatch.Status.FAILED
    assert "taken over by hr (stuck)" in batch.message
    assert Person.objects.filter(district=world.district).count() == people_before
    assert not AuditEvent.objects.filter(action="directory.imported").exists()


def test_hr_takes_over_a_live_lock_with_a_reason_on_the_import_page(
    world: World, media: Path, django_capture_on_commit_callbacks: Any
):
    upload = stored_file(media, world.district)
    batch = running_batch(world.district, str(upload), beat_ago=5)
    client = hr_client(world)
    page = client.get(reverse("people:imports")).content.decode()
    assert f"Import #{batch.pk}" in page and "Take over the import lock" in page
    assert reverse("people:import_takeover") in page
    refused = client.post(reverse("people:import_takeover"), {"reason": " "})
    assert refused.status_code == 400
    assert ImportLock.objects.get(district=world.district).batch_id == batch.pk
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("people:import_takeover"), {"reason": "worker host rebooted"}
        )
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.FAILED
    assert "worker host rebooted" in batch.message
    assert not upload.exists()
    assert ImportLock.objects.get(district=world.district).batch_id is None
    event = AuditEvent.objects.get(action="directory.import_lock_taken_over")
    assert event.actor_id == world.users["hr"].pk
    assert "worker host rebooted" in event.after
    assert "Take over the import lock" not in client.get(reverse("people:imports")).content.decode()


@pytest.mark.parametrize(
    "persona,expected",
    [("hr", 302), ("superintendent", 302), ("principal_north", 403), ("teacher_north", 403)],
)
def test_only_directory_managers_may_take_the_lock_over(world: World, persona: str, expected: int):
    batch = running_batch(world.district, beat_ago=5)
    client = Client()
    client.force_login(world.users[persona])
    response = client.post(reverse("people:import_takeover"), {"reason": "stuck"})
    assert response.status_code == expected
    batch.refresh_from_db()
    assert (batch.status == ImportBatch.Status.FAILED) == (expected == 302)


def test_the_command_takes_the_lock_over_then_imports(make_package: PackageMaker):
    district = make_district("springfield", "Springfield SD")
    stuck = running_batch(district, beat_ago=5)
    path = make_package()
    with pytest.raises(CommandError, match="already running"):
        call_command("import_roster", str(path), district="springfield", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "import_roster", str(path), district="springfield", take_over="moved hosts", stdout=out
    )
    assert f"Import #{stuck.pk} abandoned" in out.getvalue()
    assert ImportBatch.objects.filter(status=ImportBatch.Status.SUCCEEDED).count() == 1
    event = AuditEvent.objects.get(action="directory.import_lock_taken_over")
    assert event.actor_id is None and "moved hosts" in event.after


# --- the sweep --------------------------------------------------------------------------------


def make_old(path: Path, seconds: float = 3600) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_the_sweep_deletes_what_no_live_import_holds_and_is_idempotent(
    world: World, media: Path, settings: Any
):
    live_file = stored_file(media, world.district, "live.zip")
    orphan = stored_file(media, world.district, "orphan.zip")
    young = stored_file(media, world.district, "young.zip")  # its batch may be being created
    for path in (live_file, orphan):
        make_old(path)
    live = running_batch(world.district, str(live_file), beat_ago=5)
    other = make_district()
    dead_file = stored_file(media, other, "dead.zip")
    make_old(dead_file)
    dead = running_batch(other, str(dead_file), beat_ago=120)
    temp = Path(settings.FILE_UPLOAD_TEMP_DIR)
    (temp / "stale.upload.zip").write_bytes(b"x")
    (temp / "fresh.upload.zip").write_bytes(b"x")
    make_old(temp / "stale.upload.zip")

    out = io.StringIO()
    call_command("sweep_uploads", dry_run=True, stdout=out)
    assert "1 dead import(s) would be abandoned" in out.getvalue()
    assert orphan.exists() and dead_file.exists() and (temp / "stale.upload.zip").exists()

    call_command("sweep_uploads", stdout=out)
    assert not orphan.exists() and not dead_file.exists()
    assert live_file.exists() and young.exists()
    assert sorted(p.name for p in temp.iterdir()) == ["fresh.upload.zip"]
    dead.refresh_from_db()
    live.refresh_from_db()
    assert dead.status == ImportBatch.Status.FAILED and dead.message.startswith("Abandoned")
    assert live.status == ImportBatch.Status.RUNNING
    assert ImportLock.objects.get(district=other).batch_id is None

    again = io.StringIO()
    call_command("sweep_uploads", stdout=again)
    assert again.getvalue().strip() == (
        "0 dead import(s) were abandoned, 0 stored upload(s) and 0 temporary upload(s) were deleted."
    )


def test_a_web_process_start_removes_stale_temporary_uploads(settings: Any):
    temp = Path(settings.FILE_UPLOAD_TEMP_DIR)
    stale, fresh = temp / "stale.upload", temp / "fresh.upload"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    make_old(stale)
    uploads.clean_at_startup()
    assert not stale.exists() and fresh.exists()
    assert temp.stat().st_mode & 0o777 == 0o700
