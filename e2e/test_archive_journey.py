"""The archive in a browser: a records officer searches, opens a thread (audited), exports it as
a FOIA response, downloads the zip, and the test opens the files: the mbox has the student's name
redacted, the PDF lists each message's SHA-256. axe and the phone width on each archive page."""

from __future__ import annotations

import hashlib
import io
import mailbox
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pdfminer.high_level import extract_text

from chalkline.audit.models import AuditEvent
from chalkline.messaging import access
from chalkline.messaging.models import ArchiveExport
from chalkline.messaging.services import start_thread
from chalkline.people.models import GuardianLink, Person
from chalkline.people.roles import Role
from chalkline.people.roster_index import forget_roster_indexes
from conftest import make_building, make_district, make_person, make_user
from e2e.conftest import assert_accessible, assert_fits_phone, sign_in

PASSWORD = "correct horse battery staple"
BODY = "Maria Garcia left her field trip form in class; Maria can bring it on Monday."


@pytest.fixture
def district(transactional_db: Any) -> dict[str, Any]:
    forget_roster_indexes()
    d = make_district("prairie", "Prairie Valley CUSD 5")
    north = make_building(d, "North Elementary", "north")
    maria = make_person(
        d, kind=Person.Kind.STUDENT, building=north, given_name="Maria", family_name="Garcia"
    )
    elena = make_person(d, kind=Person.Kind.GUARDIAN, given_name="Elena", family_name="Garcia")
    GuardianLink.objects.create(guardian=elena, student=maria)
    make_user(d, Role.GUARDIAN, building=north, person=elena, username="guardian")
    principal_p = make_person(d, building=north, given_name="Pam", family_name="Principal")
    principal = make_user(d, Role.PRINCIPAL, building=north, person=principal_p, username="pam")
    make_user(d, Role.RECORDS_OFFICER, username="records")
    aud = access.resolve_audience(principal, d, "family", str(maria.pk))
    start_thread(
        district=d,
        by=principal,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Field trip form",
        body=BODY,
        idempotency_key="e2e-1",
    )
    return {"district": d}


def test_records_officer_searches_and_exports_a_thread_as_foia(
    page: Any, phone_page: Any, live_server: Any, district: dict[str, Any], tmp_path: Path
) -> None:
    base = live_server.url
    sign_in(page, base, "records", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Message archive").click()
    page.get_by_label("Words in the message").fill("field trip")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("heading", name="Results").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Field trip form").click()
    page.get_by_text("this reading is recorded in the audit log").wait_for()
    assert AuditEvent.objects.filter(action="messaging.archive_thread_read").count() == 1
    assert_accessible(page)
    page.go_back()
    page.get_by_role("link", name="Export these results").click()
    assert page.get_by_label("Words in the message").input_value() == "field trip"
    page.get_by_label("FOIA response (student details redacted)").check()
    page.get_by_label("Request number or matter").fill("FOIA-2026-17")
    page.get_by_role("button", name="Make the export").click()
    page.get_by_text("asked for: it is listed below").wait_for()
    assert_accessible(page)
    export = ArchiveExport.objects.get()
    with page.expect_download() as info:
        page.get_by_role("link", name=f"Download {export.filename}").click()
    path = tmp_path / "export.zip"
    info.value.save_as(path)
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == export.sha256
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        (tmp_path / "m.mbox").write_bytes(zf.read("messages.mbox"))
        pdf = extract_text(io.BytesIO(zf.read("listing.pdf")))
    box = mailbox.mbox(tmp_path / "m.mbox")
    (message,) = list(box)
    box.close()
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    text = body.decode()
    assert "Maria" not in text and "Garcia" not in text
    assert "[REDACTED] left her field trip form" in text
    assert hashlib.sha256(body).hexdigest() in "".join(pdf.split())
    assert "FOIA-2026-17" in pdf

    sign_in(phone_page, base, "records", PASSWORD)
    for path_ in ("/messages/archive/?text=field", "/messages/archive/exports/"):
        phone_page.goto(base + path_)
        assert_fits_phone(phone_page)
    phone_page.goto(base + f"/messages/archive/t/{message['X-Chalkline-Thread']}/")
    assert_fits_phone(phone_page)
    assert_accessible(phone_page)
