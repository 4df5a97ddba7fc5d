"""The archive: the records officer's search (text, sender, recipient, dates), reads of threads by
non-participants audited, and the three export profiles read back from the zip (mbox parsed by
``mailbox``, the PDF by pdfminer, every hash checked)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import mailbox
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone
from pdfminer.high_level import extract_text

from chalkline.audit.models import AuditEvent
from chalkline.audit.selectors import current_head
from chalkline.messaging import access
from chalkline.messaging.archive import Criteria, search_archive
from chalkline.messaging.models import ArchiveExport, Message, Thread
from chalkline.messaging.services import (
    reply_in_thread,
    request_archive_export,
    retract_message,
    run_archive_export,
    start_thread,
)
from chalkline.messaging.tests.conftest import School
from chalkline.people.models import District, Person, User
from chalkline.people.roles import Role
from conftest import PERSONAS, make_user


@dataclass
class Archive:
    school: School
    records: User
    family: Thread  # teacher -> Maria Garcia's family, Elena replied
    classwide: Thread  # teacher -> Math 4 families
    other_family: Thread  # teacher -> Liam Okafor's family
    retracted: Message


def _send(school: School, who: str, kind: str, key: str, subject: str, body: str) -> Message:
    w = school.world
    user = w.users[who]
    aud = access.resolve_audience(user, w.district, kind, key)
    return start_thread(
        district=w.district,
        by=user,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject=subject,
        body=body,
        idempotency_key=f"{subject}-{body[:10]}",
    )


@pytest.fixture
def archive(school: School) -> Archive:
    w = school.world
    maria = w.student_north
    maria.identifier = "S-40417"
    maria.email = "mgarcia@prairie.example.org"
    maria.save(update_fields=["identifier", "email"])
    records = make_user(w.district, Role.RECORDS_OFFICER, username="records")
    family = _send(
        school,
        "teacher_north",
        "family",
        str(maria.pk),
        "Field trip form",
        "Dear Garcia family, Maria Garcia forgot her field trip form. "
        "Maria can bring it Monday; Garcia, Maria is listed as S-40417.",
    ).thread
    reply_in_thread(
        thread=family,
        by=w.users["guardian_north"],
        body="Thanks, Elena here: she will bring the field trip form.",
        idempotency_key="r1",
    )
    classwide = _send(
        school,
        "teacher_north",
        "class_families",
        str(school.math.pk),
        "Quiz on Friday",
        "The quiz is on Friday. Ask M. Garcia or Liam Okafor for the notes "
        "(mgarcia@prairie.example.org).",
    ).thread
    other = _send(
        school,
        "teacher_north",
        "family",
        str(school.classmate.pk),
        "Liam's project",
        "Liam Okafor's volcano project was great; Liam was proud.",
    )
    wrong = _send(
        school, "teacher_north", "family", str(maria.pk), "Wrong date", "The trip is on Tuesday."
    )
    retract_message(message=wrong, by=w.users["teacher_north"], reason="wrong date")
    return Archive(school, records, family, classwide, other.thread, wrong)


def _audit(world: object, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("pk"))


# --- search ------------------------------------------------------------------------------------


def test_search_by_text_finds_every_word_and_shows_retracted(archive: Archive) -> None:
    w = archive.school.world
    page = search_archive(w.district, Criteria(text="field trip"))
    assert {m.thread_id for m in page.rows} == {archive.family.pk}
    assert len(page.rows) == 2
    page = search_archive(w.district, Criteria(text="Tuesday"))
    assert [m.pk for m in page.rows] == [archive.retracted.pk]
    assert page.rows[0].retracted  # type: ignore[attr-defined]


def test_search_by_sender_recipient_and_dates(archive: Archive) -> None:
    w = archive.school.world
    by_elena = search_archive(w.district, Criteria(sender="Elena Garcia")).rows
    assert [m.body[:11] for m in by_elena] == ["Thanks, Ele"]
    to_elena = search_archive(w.district, Criteria(recipient="garcia")).rows
    assert archive.family.pk in {m.thread_id for m in to_elena}
    assert archive.other_family.pk not in {m.thread_id for m in to_elena}
    today = timezone.localdate()
    assert len(search_archive(w.district, Criteria(date_from=today, date_to=today)).rows) == 5
    future = today + dt.timedelta(days=1)
    assert search_archive(w.district, Criteria(date_from=future)).rows == []


def test_search_pages_without_counting(archive: Archive) -> None:
    w = archive.school.world
    first = search_archive(w.district, Criteria(), size=2)
    assert (len(first.rows), first.has_next, first.has_previous) == (2, True, False)
    last = search_archive(w.district, Criteria(), page=3, size=2)
    assert (len(last.rows), last.has_next, last.has_previous) == (1, False, True)


def test_search_page_is_audited_with_its_criteria(client: Client, archive: Archive) -> None:
    client.force_login(archive.records)
    response = client.get(reverse("messaging:archive"), {"text": "quiz", "sender": "Tess"})
    assert response.status_code == 200
    assert b"Quiz on Friday" in response.content
    event = _audit(None, "messaging.archive_searched")[-1]
    assert json.loads(event.after)["criteria"] == {"text": "quiz", "sender": "Tess"}
    assert event.actor_id == archive.records.pk


def test_opening_the_page_without_a_search_runs_none(client: Client, archive: Archive) -> None:
    client.force_login(archive.records)
    assert client.get(reverse("messaging:archive")).status_code == 200
    assert _audit(None, "messaging.archive_searched") == []


def test_reversed_dates_are_refused_naming_the_field(client: Client, archive: Archive) -> None:
    client.force_login(archive.records)
    response = client.get(
        reverse("messaging:archive"), {"date_from": "2026-05-02", "date_to": "2026-05-01"}
    )
    assert response.status_code == 400
    assert b"Sent on or before: this day comes before the first day." in response.content
    assert _audit(None, "messaging.archive_searched") == []


def test_a_thread_read_by_a_non_participant_is_audited(client: Client, archive: Archive) -> None:
    client.force_login(archive.records)
    url = reverse("messaging:archive_thread", args=[archive.family.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b"Maria Garcia forgot" in response.content
    events = _audit(None, "messaging.archive_thread_read")
    assert [e.target_id for e in events] == [str(archive.family.pk)]
    assert b"recorded in the audit log" in response.content


def test_a_participant_reading_from_the_archive_is_not_audited(
    client: Client, archive: Archive
) -> None:
    w = archive.school.world
    boss = w.users["superintendent"]
    thread = _send(
        archive.school, "superintendent", "district", "", "Snow day", "School is closed."
    ).thread
    client.force_login(boss)
    assert client.get(reverse("messaging:archive_thread", args=[thread.pk])).status_code == 200
    assert _audit(None, "messaging.archive_thread_read") == []
    assert client.get(reverse("messaging:archive_thread", args=[archive.family.pk])).status_code
    assert len(_audit(None, "messaging.archive_thread_read")) == 1


# --- exports -----------------------------------------------------------------------------------


def _export(archive: Archive, profile: str, **kw: object) -> ArchiveExport:
    w = archive.school.world
    with TestCase.captureOnCommitCallbacks(execute=True):
        export = request_archive_export(
            district=w.district,
            by=archive.records,
            profile=profile,
            criteria=kw.pop("criteria", Criteria()),  # type: ignore[arg-type]
            student=kw.pop("student", None),  # type: ignore[arg-type]
            reference=str(kw.pop("reference", "R-1")),
            idempotency_key=str(kw.pop("key", profile)),
        )
    export.refresh_from_db()
    return export


@dataclass
class Opened:
    messages: list[mailbox.mboxMessage]
    pdf: str
    mbox_sha: str


def _open(export: ArchiveExport) -> Opened:
    assert export.status == ArchiveExport.Status.READY, export.error
    data = export.file.read()
    assert hashlib.sha256(data).hexdigest() == export.sha256
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        # one messages/<id>.eml a message besides (test_archive_eml.py reads those)
        names = [n for n in zf.namelist() if not n.startswith("messages/")]
        assert sorted(names) == ["listing.pdf", "messages.mbox"]
        mbox_data = zf.read("messages.mbox")
        pdf = extract_text(io.BytesIO(zf.read("listing.pdf")))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.mbox"
        path.write_bytes(mbox_data)
        box = mailbox.mbox(path)
        messages = list(box)
        box.close()
    return Opened(messages, pdf, hashlib.sha256(mbox_data).hexdigest())


def _body(m: mailbox.mboxMessage) -> bytes:
    payload = m.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


def _compact(text: str) -> str:
    return "".join(text.split())


def test_legal_hold_is_unredacted_with_the_archives_own_hashes(archive: Archive) -> None:
    export = _export(archive, "legal_hold")
    got = _open(export)
    archived = {m.pk: m for m in Message.objects.all()}
    assert len(got.messages) == len(archived) == export.message_count == 5
    pdf = _compact(got.pdf)
    for m in got.messages:
        pk = int(m["Message-ID"].split("-")[1].split("@")[0])
        body = _body(m)
        assert body.decode() == archived[pk].body
        assert hashlib.sha256(body).hexdigest() == archived[pk].sha256 == m["X-Chalkline-SHA256"]
        assert archived[pk].sha256 in pdf
    assert "Maria Garcia forgot" in "".join(_body(m).decode() for m in got.messages)
    retracted = [m for m in got.messages if m["X-Chalkline-Retracted"] == "yes"]
    assert [m["Subject"] for m in retracted] == ["Wrong date"]
    assert got.mbox_sha in pdf
    assert "Legalhold" in pdf


def test_foia_redacts_a_participants_name_in_any_case_and_with_accents(archive: Archive) -> None:
    """A guardian's own name, written in capitals, in lower case or with an accented letter, is
    hidden wherever it appears (the names are tested case-blind; an ASCII name absent from an
    ASCII text is skipped, an accented one always goes through the expression)."""
    w = archive.school.world
    elena = w.users["guardian_north"].person
    assert elena is not None
    Person.objects.filter(pk=elena.pk).update(given_name="Élodie")
    reply_in_thread(
        thread=archive.family,
        by=w.users["guardian_north"],
        body="ÉLODIE GARCIA again; élodie garcia will sign. Signed, Élodie.",
        idempotency_key="accents",
    )
    reply_in_thread(
        thread=archive.family,
        by=w.users["guardian_north"],
        body="plain ascii: garcia and GARCIA, nothing else",
        idempotency_key="ascii",
    )
    got = _open(_export(archive, "foia", key="accents"))
    text = "\n".join(_body(m).decode() for m in got.messages)
    for leaked in ("élodie", "garcia"):
        assert leaked not in text.casefold(), leaked
    assert "[REDACTED] again; [REDACTED] will sign" in text  # the full name is one span
    assert "plain ascii: [REDACTED] and [REDACTED], nothing else" in text
    assert "will sign. Signed, [REDACTED]." in text


def test_foia_redacts_student_names_in_every_form_ids_and_emails(archive: Archive) -> None:
    export = _export(archive, "foia", reference="FOIA-2026-17")
    got = _open(export)
    assert len(got.messages) == 5
    text = "\n".join(_body(m).decode() for m in got.messages)
    headers = "\n".join(f"{m['From']} {m['To']} {m['Subject']}" for m in got.messages)
    for leaked in ("Maria", "Garcia", "S-40417", "mgarcia@", "Liam", "Okafor", "Elena"):
        assert leaked not in text, leaked
        assert leaked not in headers, leaked
    assert "[REDACTED]" in text
    assert "Tess Teacher" in headers  # staff names stay (public duties)
    assert "forgot her field trip form" in text
    for m in got.messages:
        assert hashlib.sha256(_body(m)).hexdigest() == m["X-Chalkline-SHA256"]
        assert m["X-Chalkline-SHA256"] in _compact(got.pdf)
    # the archive's hash of an original is not published (it would confirm a guessed name)
    original = Message.objects.get(
        thread=archive.family, sender=archive.school.world.users["teacher_north"]
    )
    assert original.sha256 not in _compact(got.pdf)
    assert "FOIA-2026-17" in got.pdf
    assert "140/7(1)(a)" in got.pdf


def test_a_parents_request_holds_only_their_childs_messages(archive: Archive) -> None:
    w = archive.school.world
    export = _export(archive, "parent", student=w.student_north)
    got = _open(export)
    subjects = sorted(m["Subject"] for m in got.messages)
    # the family thread (2 messages and the retracted one) and the class message they received
    assert subjects == ["Field trip form", "Field trip form", "Quiz on Friday", "Wrong date"]
    text = "\n".join(_body(m).decode() for m in got.messages)
    assert "Maria Garcia forgot" in text  # their own child, unredacted
    assert "Liam" not in text and "Okafor" not in text  # another student, redacted
    assert "Elena here" in text


def _abuse_disclosure_thread(archive: Archive, key: str) -> None:
    """A teacher's message to the North student's family that prompted an abuse disclosure: it
    never leaves in a family's or a FOIA export."""
    w = archive.school.world
    sender = w.users["teacher_north"]
    aud = access.resolve_audience(sender, w.district, "family", str(w.student_north.pk))
    start_thread(
        district=w.district,
        by=sender,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Checking in",
        body="Checking in after what you told me.",
        idempotency_key=key,
        findings={"detectors": ["abuse_disclosure"], "counts": {"abuse_disclosure": 1}},
    )


def test_abuse_disclosure_messages_never_leave_in_family_or_foia_exports(
    archive: Archive,
) -> None:
    w = archive.school.world
    _abuse_disclosure_thread(archive, "abuse-1")
    parent = _open(_export(archive, "parent", student=w.student_north))
    assert "Checking in" not in {m["Subject"] for m in parent.messages}
    assert "Withheld" not in parent.pdf
    foia_export = _export(archive, "foia", key="foia-2")
    assert foia_export.withheld_count == 1
    assert "Withheld" in _open(foia_export).pdf.split()  # the count is in the audit event
    hold = _open(_export(archive, "legal_hold", key="hold-2"))
    assert "Checking in" in {m["Subject"] for m in hold.messages}


def test_an_export_is_audited_with_profile_criteria_count_and_file_hash(
    archive: Archive,
) -> None:
    export = _export(archive, "foia", criteria=Criteria(text="quiz"))
    asked = _audit(None, "messaging.archive_export_requested")[-1]
    made = _audit(None, "messaging.archive_export_made")[-1]
    assert json.loads(asked.after)["criteria"] == {"text": "quiz"}
    after = json.loads(made.after)
    assert after["profile"] == "foia"
    assert after["count"] == export.message_count == 1
    assert after["sha256"] == export.sha256
    assert after["printed_head"]["seq"] < current_head(archive.school.world.district).seq
    pdf = _open(export).pdf
    # pdfminer may give the words of a long line out of order: check the words themselves
    words = pdf.split()
    assert f"{after['printed_head']['seq']}," in words
    assert after["printed_head"]["hash"] in words


def test_the_same_request_twice_makes_one_export(archive: Archive) -> None:
    first = _export(archive, "legal_hold", key="same")
    second = _export(archive, "legal_hold", key="same")
    assert first.pk == second.pk
    assert ArchiveExport.objects.count() == 1
    assert run_archive_export(export_id=first.pk) is None  # already made: nothing to claim


def test_export_form_refuses_a_parent_request_without_a_known_student(
    client: Client, archive: Archive
) -> None:
    client.force_login(archive.records)
    url = reverse("messaging:archive_exports")
    response = client.post(url, {"profile": "parent", "idempotency_key": "k1"})
    assert response.status_code == 400
    assert b"Student: a parent&#x27;s request names the student." in response.content
    response = client.post(url, {"profile": "parent", "student": "nobody", "idempotency_key": "k2"})
    assert b"Student: no student of the district has that id." in response.content
    assert ArchiveExport.objects.count() == 0


def test_export_through_the_pages_and_download_by_its_requester_only(
    client: Client, archive: Archive
) -> None:
    w = archive.school.world
    client.force_login(archive.records)
    url = reverse("messaging:archive_exports")
    data = {"profile": "parent", "student": "S-40417", "idempotency_key": "k3", "text": ""}
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(url, data).status_code == 302
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.post(url, data).status_code == 302  # a double click: still one export
    export = ArchiveExport.objects.get()
    assert export.student == w.student_north
    page = client.get(url)
    assert f"Download {export.filename}".encode() in page.content
    download = client.get(reverse("messaging:archive_export_download", args=[export.pk]))
    assert download.status_code == 200
    got = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert hashlib.sha256(got).hexdigest() == export.sha256
    assert _audit(None, "messaging.archive_export_downloaded")[-1].actor_id == archive.records.pk
    client.force_login(w.users["superintendent"])
    assert (
        client.get(reverse("messaging:archive_export_download", args=[export.pk])).status_code
        == 403
    )


# --- who may ----------------------------------------------------------------------------------

ARCHIVE_READERS = {"superintendent", "designee"}
# the outsider is a superintendent of another district: the archive they see is their own, where
# this district's thread and export are missing (404)
OWN_DISTRICT_ONLY = {"outsider"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_archive_role_matrix(client: Client, archive: Archive, persona: str) -> None:
    w = archive.school.world
    export = _export(archive, "legal_hold")
    client.force_login(w.users[persona])
    pages = [
        reverse("messaging:archive"),
        reverse("messaging:archive") + "?text=quiz",
        reverse("messaging:archive_thread", args=[archive.family.pk]),
        reverse("messaging:archive_exports"),
    ]
    got = [client.get(p).status_code for p in pages]
    post = client.post(
        reverse("messaging:archive_exports"), {"profile": "foia", "idempotency_key": persona}
    ).status_code
    download = client.get(reverse("messaging:archive_export_download", args=[export.pk]))
    if persona in ARCHIVE_READERS:
        assert (got, post, download.status_code) == ([200] * 4, 302, 403), persona
    elif persona in OWN_DISTRICT_ONLY:
        assert (got, post, download.status_code) == ([200, 200, 404, 200], 302, 404), persona
    else:
        assert (got, post, download.status_code) == ([403] * 4, 403, 403), persona


def test_records_officer_downloads_own_export_and_other_districts_are_hidden(
    client: Client, archive: Archive
) -> None:
    w = archive.school.world
    export = _export(archive, "legal_hold", key="x")
    client.force_login(archive.records)
    assert client.get(reverse("messaging:archive")).status_code == 200
    url = reverse("messaging:archive_export_download", args=[export.pk])
    assert client.get(url).status_code == 200
    elsewhere = make_user(w.other_district, Role.RECORDS_OFFICER, username="records-else")
    client.force_login(elsewhere)
    thread = reverse("messaging:archive_thread", args=[archive.family.pk])
    assert (client.get(thread).status_code, client.get(url).status_code) == (404, 404)


def test_archive_post_needs_csrf(archive: Archive) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(archive.records)
    response = client.post(
        reverse("messaging:archive_exports"), {"profile": "foia", "idempotency_key": "c"}
    )
    assert response.status_code == 403
    assert ArchiveExport.objects.count() == 0


def test_family_and_students_are_not_archive_readers(archive: Archive) -> None:
    w = archive.school.world
    for who in ("guardian_north", "student_north", "teacher_north"):
        assert not access.can_search_archive(w.users[who], w.district)
    assert access.can_search_archive(archive.records, w.district)
    assert Person.objects.filter(kind="student").exists()


def test_an_export_that_cannot_be_stored_is_marked_failed_and_audited(
    archive: Archive, settings: object, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the media directory should be")
    settings.MEDIA_ROOT = str(blocked)  # type: ignore[attr-defined]
    export = _export(archive, "legal_hold", key="full-disk")
    assert export.status == ArchiveExport.Status.FAILED
    assert export.error.startswith("The export could not be made")
    assert "Maria" not in export.error
    failed = _audit(None, "messaging.archive_export_failed")
    assert [e.target_id for e in failed] == [str(export.pk)]
    assert _audit(None, "messaging.archive_export_made") == []


def test_the_registrar_has_no_archive(client: Client, archive: Archive) -> None:
    w = archive.school.world
    registrar = make_user(w.district, Role.REGISTRAR, building=w.north, username="registrar")
    client.force_login(registrar)
    for url in (reverse("messaging:archive"), reverse("messaging:archive_exports")):
        assert client.get(url).status_code == 403
    nav = client.get(reverse("messaging:inbox")).context["nav_items"]
    assert ("Message archive", reverse("messaging:archive")) not in nav
    client.force_login(archive.records)
    nav = client.get(reverse("messaging:inbox")).context["nav_items"]
    assert ("Message archive", reverse("messaging:archive")) in nav


# --- archive18: keyset pages, the two text paths, one sent_at index -----------------------------


def _pages(district: object, criteria: Criteria, *, keyset: bool) -> list[list[int]]:
    pages: list[list[int]] = []
    after: int | None = None
    number = 1
    while True:
        page = search_archive(
            district,  # type: ignore[arg-type]
            criteria,
            page=number,
            size=2,
            after=after if keyset else None,
        )
        pages.append([m.pk for m in page.rows])
        if not page.has_next:
            return pages
        after, number = page.last_pk, number + 1


@pytest.mark.parametrize("text", ["", "field trip", "Garcia"])
def test_next_page_by_key_shows_what_the_offset_did(archive: Archive, text: str) -> None:
    w = archive.school.world
    by_offset = _pages(w.district, Criteria(text=text), keyset=False)
    assert len(by_offset) >= 2 or text
    assert _pages(w.district, Criteria(text=text), keyset=True) == by_offset
    everything = [pk for page in by_offset for pk in page]
    assert len(everything) == len(set(everything))


def test_next_page_key_of_another_district_is_ignored(archive: Archive) -> None:
    w = archive.school.world
    first = search_archive(w.district, Criteria(), size=2)
    assert search_archive(w.district, Criteria(), size=2, after=10**12).rows == first.rows


def test_next_page_link_carries_the_key(client: Client, archive: Archive) -> None:
    client.force_login(archive.records)
    url = reverse("messaging:archive")
    first = client.get(url, {"date_from": timezone.localdate().isoformat()})
    assert first.status_code == 200
    rows = first.context["page"].rows
    assert len(rows) == 5  # fewer than a page: no link
    assert b"after=" not in first.content


@pytest.mark.parametrize(
    "text", ["field trip", '"field trip"', "Garcia", "quiz -Okafor", "volcano or Tuesday", "trip"]
)
def test_both_text_paths_find_the_same_messages(
    archive: Archive, text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk newest first (its word pre-test before each parse) and the ids taken from the
    text index first, checked against each other (on SQLite both are the LIKE search)."""
    from chalkline.messaging import archive as search

    w = archive.school.world
    monkeypatch.setattr(search, "CANDIDATES", -1)  # every estimate is over: walk
    walked = _pages(w.district, Criteria(text=text), keyset=True)
    monkeypatch.setattr(search, "CANDIDATES", 10**9)  # never over: from the text index
    monkeypatch.setattr(search, "DISTRICT_CHECK", 1)  # one thread's district at a time
    indexed = _pages(w.district, Criteria(text=text), keyset=True)
    assert walked == indexed
    assert walked == _pages(w.district, Criteria(text=text), keyset=False)
    # the index path's fallback (PostgreSQL sorted too few of the district's matches): every
    # match sorted here, its threads' district checked one at a time
    monkeypatch.setattr(search, "_newest_in_sql", lambda *args: None)
    assert walked == _pages(w.district, Criteria(text=text), keyset=True)


def test_the_index_path_keeps_to_the_searching_district(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The newest matches sorted by PostgreSQL are the whole archive's: another district's
    search finds none of them (the join on the thread's district)."""
    from chalkline.messaging import archive as search

    w = archive.school.world
    other = District.objects.exclude(pk=w.district.pk).first()
    assert other is not None  # the outsider's district
    monkeypatch.setattr(search, "CANDIDATES", 10**9)  # never over: from the text index
    assert search_archive(w.district, Criteria(text="trip")).rows
    assert search_archive(other, Criteria(text="trip")).rows == []


def test_the_walk_finds_a_phrase_written_with_capitals_and_punctuation(
    archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalkline.messaging import archive as search

    w = archive.school.world
    teacher = w.users["teacher_north"]
    reply_in_thread(
        thread=archive.family, by=teacher, body="FIELD, Trip: leaves at 9.", idempotency_key="caps"
    )
    monkeypatch.setattr(search, "CANDIDATES", -1)
    found = search_archive(w.district, Criteria(text='"field trip"')).rows
    assert "FIELD, Trip: leaves at 9." in [m.body for m in found]


@pytest.mark.django_db
def test_messages_have_one_index_on_sent_at() -> None:
    """0014 dropped the BRIN index of 0005 (on SQLite a second B-tree under its name)."""
    from django.db import connection

    with connection.cursor() as cur:
        found = connection.introspection.get_constraints(cur, "messaging_message")
    on_sent_at = sorted(n for n, c in found.items() if c["index"] and c["columns"] == ["sent_at"])
    assert on_sent_at == ["messaging_message_sent_idx"]
    with connection.cursor() as cur:
        threads = connection.introspection.get_constraints(cur, "messaging_thread")
    assert threads["messaging_thread_starter_idx"]["columns"] == [
        "started_by_id",
        "last_message_at",
    ]
