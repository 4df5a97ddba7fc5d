"""A hostile or oversized policy file is refused by a named limit, parsed outside any
transaction, in a child process; large files are imported in the background with progress.

The limits are set small here (settings), so that each case stays fast."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.people.models import District
from chalkline.policies import services
from chalkline.policies.models import Policy, PolicyImport, PolicyVersion
from conftest import World

from .factories import SEED_TEXT
from .pdfutil import raw_pdf, text_page

IMPORT = reverse("policies:import")
HEAD = ("Policy 5:125", "", "Personal Technology", "")


def bomb_pdf(inflated_mb: int = 64) -> bytes:
    """One page whose single content stream inflates to ``inflated_mb`` MB of blanks: a few
    dozen KB on disk, as the 204 KB file of issue 16 inflated to 200 MB."""
    return raw_pdf([text_page(*HEAD, "Staff shall behave.") + b" " * (inflated_mb * 1_048_576)])


def slow_pdf() -> bytes:
    """A small PDF whose one page shows 40,000 lines: pdfminer needs many seconds for it."""
    return raw_pdf([text_page(*HEAD, *["Staff shall behave well at all times."] * 40_000)])


@pytest.fixture
def manager(client: Client, world: World) -> Client:
    client.force_login(world.users["superintendent"])
    return client


@pytest.fixture
def limits(settings: Any) -> Any:
    settings.POLICY_IMPORT_MAX_STREAM_BYTES = 1_048_576
    settings.POLICY_IMPORT_MAX_PAGES = 2
    settings.POLICY_IMPORT_MAX_TEXT_CHARS = 20_000
    settings.POLICY_IMPORT_TIMEOUT_SECONDS = 60
    settings.POLICY_IMPORT_BACKGROUND_BYTES = 10 * 1_048_576
    return settings


def upload(name: str, data: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_the_bomb_really_inflates() -> None:
    data = bomb_pdf(8)
    assert len(data) < 64 * 1024
    start = data.index(b"stream\n") + len(b"stream\n")
    body = data[start : data.index(b"\nendstream")]
    assert len(zlib.decompress(body)) > 8 * 1_048_576


@pytest.mark.django_db
def test_a_pdf_whose_stream_inflates_hugely_is_refused_by_the_stream_limit(
    manager: Client, limits: Any
) -> None:
    response = manager.post(IMPORT, {"file": upload("bomb.pdf", bomb_pdf(), "application/pdf")})
    assert response.status_code == 400
    text = response.content.decode()
    assert "inflates to more than 1 MB" in text
    assert "POLICY_IMPORT_MAX_STREAM_MB" in text
    assert not Policy.objects.exists()
    record = PolicyImport.objects.get()
    assert record.status == PolicyImport.Status.FAILED and "inflates" in record.message
    assert record.data == b""  # the refused file is not kept
    event = AuditEvent.objects.get(action="policies.import_failed")
    assert "POLICY_IMPORT_MAX_STREAM_MB" in event.after_data["message"]


@pytest.mark.django_db
def test_a_pdf_past_the_page_limit_is_refused_not_cut_short(manager: Client, limits: Any) -> None:
    pages = [text_page(*HEAD, f"Page {n} of the policy.") for n in range(3)]
    response = manager.post(IMPORT, {"file": upload("long.pdf", raw_pdf(pages), "application/pdf")})
    assert response.status_code == 400
    assert "more than 2 pages" in response.content.decode()
    assert "POLICY_IMPORT_MAX_PAGES" in response.content.decode()
    assert not PolicyVersion.objects.exists()


@pytest.mark.django_db
def test_pasted_text_over_the_text_limit_is_refused(manager: Client, limits: Any) -> None:
    text = "Policy 5:125\n\nTitle\n\n" + "Staff shall behave. " * 2000  # 40,000 characters
    response = manager.post(IMPORT, {"text": text})
    assert response.status_code == 400
    assert "more than 20,000 characters" in response.content.decode()
    assert "POLICY_IMPORT_MAX_TEXT_CHARS" in response.content.decode()
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_html_over_the_text_limit_is_refused(manager: Client, limits: Any) -> None:
    body = "".join(f"<p>Staff shall behave, rule {n}.</p>" for n in range(1500))
    html = f"<html><body><h1>Policy 5:125</h1><h2>Title</h2>{body}</body></html>".encode()
    response = manager.post(IMPORT, {"file": upload("p.html", html, "text/html")})
    assert response.status_code == 400
    assert "POLICY_IMPORT_MAX_TEXT_CHARS" in response.content.decode()
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_a_policy_within_the_limits_still_imports(manager: Client, limits: Any) -> None:
    response = manager.post(IMPORT, {"text": SEED_TEXT})
    version = PolicyVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:version", args=[version.pk])
    assert PolicyImport.objects.get().status == PolicyImport.Status.DONE


@pytest.mark.django_db(transaction=True)
def test_a_slow_parse_holds_no_transaction_and_is_stopped_by_the_clock(
    world: World, settings: Any
) -> None:
    """While the child parses, another connection sees the import "parsing" (committed) and
    can write; the parse is then killed at the time limit and the import refused."""
    settings.POLICY_IMPORT_TIMEOUT_SECONDS = 3
    settings.POLICY_IMPORT_BACKGROUND_BYTES = 10 * 1_048_576
    record = services.start_policy_import(
        district=world.district, data=slow_pdf(), filename="slow.pdf", by=None
    )
    seen: dict[str, Any] = {}

    def other_connection() -> None:
        try:
            for _ in range(1000):  # up to 20 s: a transaction held by the import hides "parsing"
                if PolicyImport.objects.filter(pk=record.pk, status="parsing").exists():
                    break
                time.sleep(0.02)
            District.objects.filter(pk=world.district.pk).update(name="Written meanwhile")
            seen["status"] = PolicyImport.objects.get(pk=record.pk).status
        finally:
            connection.close()

    thread = threading.Thread(target=other_connection)
    thread.start()
    record = services.run_policy_import(import_id=record.pk)
    thread.join()
    assert seen["status"] == "parsing"  # the write went through while the parse ran
    assert District.objects.get(pk=world.district.pk).name == "Written meanwhile"
    assert record.status == PolicyImport.Status.FAILED
    assert "longer than 3 seconds" in record.message
    assert "POLICY_IMPORT_TIMEOUT_SECONDS" in record.message
    assert not Policy.objects.exists()


@pytest.mark.django_db
def test_a_large_file_is_imported_in_the_background_with_progress(
    manager: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.POLICY_IMPORT_BACKGROUND_BYTES = 1024
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(IMPORT, {"text": SEED_TEXT})
        record = PolicyImport.objects.get()
        assert response.status_code == 302
        status_url = reverse("policies:import_status", args=[record.pk])
        assert response["Location"] == status_url
        queued = manager.get(status_url).content.decode()
        assert "Queued" in queued and 'hx-trigger="every 2s"' in queued
        assert f'href="{status_url}"' in queued  # the real link behind the polling
        assert not PolicyVersion.objects.exists()
    record.refresh_from_db()  # the task ran once the import record committed
    assert record.status == PolicyImport.Status.DONE
    version = PolicyVersion.objects.get()
    assert record.version == version
    partial = manager.get(status_url, headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in partial and "hx-trigger" not in partial
    assert "Imported policy 5:125 as a draft" in partial
    assert reverse("policies:version", args=[version.pk]) in partial


@pytest.mark.django_db
def test_a_background_import_without_a_number_says_so_on_its_page(
    manager: Client, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.POLICY_IMPORT_BACKGROUND_BYTES = 10
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(IMPORT, {"text": "Staff Conduct\n\nEmployees behave.\n"})
    page = manager.get(response["Location"]).content.decode()
    assert "Refused" in page and "Enter the policy number" in page
    assert PolicyImport.objects.get().needs_number


@pytest.mark.django_db
def test_the_command_refuses_a_bomb_with_the_limit(
    world: World, limits: Any, tmp_path: Path
) -> None:
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb_pdf())
    with pytest.raises(CommandError, match="POLICY_IMPORT_MAX_STREAM_MB") as refused:
        call_command("import_policy", str(path), "--district", "prairie")
    assert refused.value.returncode == 1
    assert not Policy.objects.exists()


def test_the_command_line_exits_1_with_the_message(tmp_path: Path) -> None:
    """The real command line, limits from the environment: no database needed (--json)."""
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb_pdf(4))
    env = os.environ | {"POLICY_IMPORT_MAX_STREAM_MB": "1"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "chalkline", "import-policy", str(path), "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "bomb.pdf: The PDF is refused" in done.stderr
    assert "POLICY_IMPORT_MAX_STREAM_MB" in done.stderr
    assert done.stdout == ""
