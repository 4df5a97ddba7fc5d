"""The sweep of staged attachments never sent (``sweep_staged_attachments``), with a frozen clock
(``--now``; the signing clock for expired tokens): unsent files and their extracted text go after
24 hours plus an hour's grace, files a sent message references never do, and a token for a swept
or expired file is a form error naming the file, not a 500."""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.messaging.attachments import StagedFile, accept, blob_path, text_path
from chalkline.messaging.models import Attachment, Message
from chalkline.messaging.tests.conftest import School
from chalkline.messaging.tests.test_attachments import _post, _upload

SENT = b"The permission slip for the zoo trip."
UNSENT = b"A draft note that was never sent."


@pytest.fixture(autouse=True)
def own_dir(settings: Any, tmp_path: Path) -> Path:
    settings.MESSAGING_ATTACHMENT_DIR = str(tmp_path / "attachments")
    return tmp_path / "attachments"


@pytest.fixture
def teacher(client: Client, school: School) -> Client:
    client.force_login(school.world.users["teacher_north"])
    return client


def _sweep(now: dt.datetime, *extra: str) -> str:
    out = io.StringIO()
    call_command("sweep_staged_attachments", "--now", now.isoformat(), *extra, stdout=out)
    return out.getvalue()


def _age(path: Path, hours: float) -> None:
    """The file was last staged ``hours`` ago (the clock the sweep reads on disk)."""
    then = time.time() - hours * 3600
    os.utime(path, (then, then))


def test_an_unsent_file_and_its_text_go_after_a_day_and_a_sent_file_stays(
    teacher: Client, school: School, own_dir: Path
) -> None:
    assert _post(teacher, school, [_upload("slip.txt", SENT)]).status_code == 302
    (sent,) = Attachment.objects.all()
    staged = accept(UNSENT, "draft.txt")
    assert blob_path(staged.sha256).exists() and text_path(staged.sha256).exists()
    leftover = blob_path(staged.sha256).parent / ".incoming-crashed"
    leftover.write_bytes(b"half a file")
    now = timezone.now()
    # within the day and the hour's grace: nothing goes
    assert _sweep(now + dt.timedelta(hours=25) - dt.timedelta(minutes=1)).startswith(
        "Deleted 0 staged files"
    )
    assert blob_path(staged.sha256).exists()
    # a dry run past it counts and deletes nothing
    dry = _sweep(now + dt.timedelta(hours=25, minutes=1), "--dry-run")
    assert dry.startswith("Would delete 2 staged files") and "kept 1 old files" in dry
    assert blob_path(staged.sha256).exists()
    out = _sweep(now + dt.timedelta(hours=25, minutes=1))
    assert out.startswith("Deleted 2 staged files") and "kept 1 old files" in out
    assert not blob_path(staged.sha256).exists() and not text_path(staged.sha256).exists()
    assert not leftover.exists()
    # the sent message's file (and its text) is a record: never touched
    assert blob_path(sent.sha256).read_bytes() == SENT and text_path(sent.sha256).exists()
    # idempotent
    assert _sweep(now + dt.timedelta(hours=26)).startswith("Deleted 0 staged files")
    download = teacher.get(reverse("messaging:attachment", args=[sent.message_id, 0]))
    assert b"".join(download.streaming_content) == SENT  # type: ignore[attr-defined]


def test_a_file_staged_again_or_kept_in_the_composer_is_not_swept(school: School) -> None:
    staged = accept(UNSENT, "draft.txt")
    _age(blob_path(staged.sha256), 30)
    _age(text_path(staged.sha256), 30)
    again = accept(UNSENT, "draft-again.txt")  # the same bytes uploaded again: staged now
    assert again.sha256 == staged.sha256
    assert _sweep(timezone.now()).startswith("Deleted 0 staged files")
    _age(blob_path(staged.sha256), 30)
    token = staged.token(school.world.users["teacher_north"].pk)
    # a round trip of the composer keeps its file fresh
    StagedFile.from_token(token, school.world.users["teacher_north"].pk)
    assert _sweep(timezone.now()).startswith("Deleted 0 staged files")
    assert blob_path(staged.sha256).exists()


def test_a_token_for_a_swept_file_is_a_form_error_naming_it(
    teacher: Client, school: School
) -> None:
    url = reverse("messaging:compose_check")
    data = {
        "audience": f"class_families:{school.math.pk}",
        "subject": "Trip",
        "body": "The trip is on Friday.",
        "idempotency_key": "k",
    }
    first = teacher.post(url, {**data, "attachments": [_upload("draft.txt", UNSENT)]})
    token = first.context["staged"][0][1]
    _sweep(timezone.now() + dt.timedelta(hours=25, minutes=1))
    response = _post(teacher, school, kept=[token])
    assert response.status_code == 400
    assert (
        b"draft.txt was removed after 24 hours without being sent; attach it again"
        in response.content
    )
    assert Message.objects.count() == 0


def test_an_expired_token_is_a_form_error_naming_the_file(
    teacher: Client, school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    staged = accept(UNSENT, "draft.txt")
    token = staged.token(school.world.users["teacher_north"].pk)
    later = time.time() + 24 * 3600 + 60
    monkeypatch.setattr(time, "time", lambda: later)  # the clock signing reads, a day on
    response = _post(teacher, school, kept=[token])
    assert response.status_code == 400
    assert b"draft.txt was removed after 24 hours" in response.content
    assert Message.objects.count() == 0


def test_the_lifetime_is_a_setting(settings: Any, school: School) -> None:
    settings.MESSAGING_STAGED_FILE_HOURS = 2
    staged = accept(UNSENT, "draft.txt")
    now = timezone.now()
    assert _sweep(now + dt.timedelta(hours=2, minutes=59)).startswith("Deleted 0")
    assert _sweep(now + dt.timedelta(hours=3, minutes=1)).startswith("Deleted 1")
    assert not blob_path(staged.sha256).exists()
