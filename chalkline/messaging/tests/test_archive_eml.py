"""Exports hold one ``messages/<id>.eml`` file a message besides the mbox: each parsed with Python's
``email`` package, the same message (and redaction) as its mbox entry, its file name and SHA-256
in the PDF listing; attachments are MIME parts (the bytes in a legal hold, a withheld note in a
FOIA or a parent's export)."""

from __future__ import annotations

import email
import email.policy
import hashlib
import io
import zipfile
from dataclasses import dataclass
from email.message import EmailMessage

from pdfminer.high_level import extract_text

from chalkline.messaging import access
from chalkline.messaging.attachments import accept
from chalkline.messaging.models import ArchiveExport, Message
from chalkline.messaging.services import start_thread
from chalkline.messaging.services.attachments import PendingFile
from chalkline.messaging.tests import test_archive as base
from chalkline.messaging.tests.test_archive import Archive, _export, _open

archive = base.archive  # the fixture: two families, a class, a retraction


@dataclass
class Emls:
    by_name: dict[str, bytes]
    parsed: dict[int, EmailMessage]
    pdf: str
    mbox: bytes


def _emls(export: ArchiveExport) -> Emls:
    assert export.status == ArchiveExport.Status.READY, export.error
    assert export.file.name
    with export.file.storage.open(export.file.name) as stored:
        data = stored.read()
    assert hashlib.sha256(data).hexdigest() == export.sha256
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        by_name = {n: zf.read(n) for n in zf.namelist() if n.startswith("messages/")}
        pdf = "".join(extract_text(io.BytesIO(zf.read("listing.pdf"))).split())
        mbox = zf.read("messages.mbox")
    parsed: dict[int, EmailMessage] = {}
    for name, data in by_name.items():
        m = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(m, EmailMessage)
        pk = int(m["Message-ID"].split("-")[1].split("@")[0])
        assert name == f"messages/{pk}.eml"
        parsed[pk] = m
    return Emls(by_name, parsed, pdf, mbox)


def _text(m: EmailMessage) -> str:
    body = m.get_body(preferencelist=("plain",))
    assert body is not None
    content = body.get_content()
    assert isinstance(content, str)
    return content


def _body_bytes(m: EmailMessage) -> bytes:
    body = m.get_body(preferencelist=("plain",))
    assert body is not None
    payload = body.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


def test_a_legal_hold_has_one_eml_a_message_each_listed_with_its_hash(archive: Archive) -> None:
    export = _export(archive, "legal_hold")
    got = _emls(export)
    mbox = _open(export)
    archived = {m.pk: m for m in Message.objects.all()}
    assert len(got.parsed) == export.message_count == len(mbox.messages) == len(archived) == 5
    assert set(got.parsed) == set(archived)
    for pk, m in got.parsed.items():
        data = got.by_name[f"messages/{pk}.eml"]
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")  # CRLF throughout
        assert not m.defects
        assert _body_bytes(m).decode() == archived[pk].body
        assert m["X-Chalkline-SHA256"] == archived[pk].sha256
        # the PDF names the file beside its own SHA-256
        assert f"messages/{pk}.emlSHA-256:{hashlib.sha256(data).hexdigest()}" in got.pdf
    # the same message as its mbox entry, byte for byte (the mbox has LF line ends)
    entries = got.mbox.split(b"\nFrom ")
    assert len(entries) == 5
    for data in got.by_name.values():
        eml = data.replace(b"\r\n", b"\n")
        assert sum(entry.split(b"\n", 1)[1].startswith(eml) for entry in entries) == 1


def test_a_foia_export_redacts_each_eml_as_it_redacts_the_mbox(archive: Archive) -> None:
    export = _export(archive, "foia", reference="FOIA-2026-18")
    got = _emls(export)
    assert len(got.parsed) == export.message_count == 5
    text = "\n".join(_text(m) for m in got.parsed.values())
    headers = "\n".join(f"{m['From']} {m['To']} {m['Subject']}" for m in got.parsed.values())
    for leaked in ("Maria", "Garcia", "S-40417", "mgarcia@", "Liam", "Okafor", "Elena"):
        assert leaked not in text, leaked
        assert leaked not in headers, leaked
    assert "[REDACTED]" in text and "forgot her field trip form" in text
    assert "Tess Teacher" in headers
    mbox_bodies = sorted(base._body(m) for m in _open(export).messages)
    assert sorted(_body_bytes(m) for m in got.parsed.values()) == mbox_bodies
    for m in got.parsed.values():
        assert hashlib.sha256(_body_bytes(m)).hexdigest() == m["X-Chalkline-SHA256"]


def test_a_parents_export_withholds_in_its_emls_what_it_withholds_in_the_mbox(
    archive: Archive,
) -> None:
    w = archive.school.world
    base._abuse_disclosure_thread(archive, "abuse-eml")
    export = _export(archive, "parent", student=w.student_north)
    got = _emls(export)
    mbox = _open(export)
    assert {m["Message-ID"] for m in got.parsed.values()} == {
        m["Message-ID"] for m in mbox.messages
    }
    subjects = sorted(str(m["Subject"]) for m in got.parsed.values())
    assert subjects == ["Field trip form", "Field trip form", "Quiz on Friday", "Wrong date"]
    text = "\n".join(_text(m) for m in got.parsed.values())
    assert "Maria Garcia forgot" in text  # their own child
    assert "Liam" not in text and "Okafor" not in text  # another student


def test_attachments_are_mime_parts_bytes_in_a_hold_and_withheld_when_redacted(
    archive: Archive,
) -> None:
    w = archive.school.world
    sender = w.users["teacher_north"]
    aud = access.resolve_audience(sender, w.district, "family", str(w.student_north.pk))
    note = b"Maria Garcia's reading log for November."
    staged = accept(note, "Maria Garcia log.txt")
    message = start_thread(
        district=w.district,
        by=sender,
        kind=aud.kind,
        key=aud.key,
        audience_label=aud.label,
        subject="Reading log",
        body="The reading log is attached.",
        idempotency_key="with-file",
        attachments=[PendingFile(staged)],
    )
    hold = _emls(_export(archive, "legal_hold", key="hold-files")).parsed[message.pk]
    assert hold.get_content_type() == "multipart/mixed"
    (part,) = list(hold.iter_attachments())
    assert isinstance(part, EmailMessage)
    assert part.get_filename() == "Maria Garcia log.txt"
    assert part.get_payload(decode=True) == note
    assert part["X-Chalkline-SHA256"] == hashlib.sha256(note).hexdigest()
    assert _body_bytes(hold) == b"The reading log is attached."
    # the mbox entry carries the same part
    (entry,) = [
        m
        for m in _open(_export(archive, "legal_hold", key="hold-files")).messages
        if m["Subject"] == "Reading log"
    ]
    assert [p.get_payload(decode=True) for p in entry.walk() if p.get_filename()] == [note]
    foia_export = _export(archive, "foia", key="foia-files")
    foia = _emls(foia_export).parsed[message.pk]
    raw = _emls(foia_export).by_name[f"messages/{message.pk}.eml"]
    parts = [p for p in foia.walk() if p["X-Chalkline-Attachment"] == "withheld"]
    assert len(parts) == 1
    withheld_note = parts[0].get_payload(decode=True)
    assert isinstance(withheld_note, bytes)
    assert b"withheld from this export" in withheld_note and b"text/plain" in withheld_note
    for leaked in (b"Maria", b"Garcia", b"reading log for"):
        assert leaked not in withheld_note
    assert b"TWFyaWEgR2FyY2lh" not in raw  # "Maria Garcia" in base64: the file is not there


def test_a_long_listing_runs_over_pages_and_lists_every_message_with_its_hashes() -> None:
    """The listing's lines are placed by hand (fpdf2's text(), not cell()): a listing of many
    messages breaks onto new pages without losing or overprinting an entry, and the pages are
    numbered."""
    import datetime as dt

    from chalkline.messaging.archive_export import Listed, PdfHead, listing_pdf

    when = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    listed = [
        Listed(
            message_id=1000 + n,
            sent_at=when + dt.timedelta(minutes=n),
            sender=f"Teacher {n}",
            subject=f"Subject {n}",
            retracted=n % 7 == 0,
            sha256=hashlib.sha256(f"body {n}".encode()).hexdigest(),
            eml=f"messages/{1000 + n}.eml" if n % 3 else "",  # some without a file of their own
            eml_sha256=hashlib.sha256(f"eml {n}".encode()).hexdigest() if n % 3 else "",
        )
        for n in range(300)
    ]
    head = PdfHead(
        district="Prairie Valley",
        profile="legal_hold",
        reference="R-1",
        requested_by="Records Officer",
        made_at=when,
        criteria={"sender": "Teacher"},
        head_seq=7,
        head_hash="0" * 64,
    )
    data = listing_pdf(head, listed, mbox_sha256="a" * 64, withheld_count=0)
    # pdfminer ends each page's text with a form feed
    texts = extract_text(io.BytesIO(data)).split("\x0c")[:-1]
    assert len(texts) > 5
    assert f"Page 1 of {len(texts)}" in texts[0]
    assert f"Page {len(texts)} of {len(texts)}" in texts[-1]
    text = "".join("".join(texts).split())
    for n, item in enumerate(listed, 1):
        assert f"{n}.Message{item.message_id}" in text
        assert item.sha256 in text
        if item.eml:
            assert f"{item.eml}SHA-256:{item.eml_sha256}" in text
    assert text.count("[retracted]") == sum(item.retracted for item in listed)
