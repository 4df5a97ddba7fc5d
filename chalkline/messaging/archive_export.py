"""Making an archive export: the messages chosen by the export's profile, redacted as the profile
says, written as an mbox (one message each, body in base64 so that the bytes are exactly the
exported text; written directly, as the ``email`` package's objects cost 6 ms a message), the same
messages again one ``.eml`` file each (``messages/<message id>.eml``, RFC 5322 with CRLF line
ends, byte for byte the mbox entry's message), plus a PDF listing each message with its SHA-256
and its ``.eml`` file's name and SHA-256, zipped. The mbox is spooled to a temporary file and each
``.eml`` is compressed into the zip as it is made, so a 50,000-message export never holds its
uncompressed text in memory.

Attachments are MIME parts of their message (``multipart/mixed``) in the mbox and the ``.eml``
alike: the original bytes in a legal hold; in a FOIA or a parent's export, a short text part
saying the file is withheld (a PDF or a photo cannot be redacted automatically, and a file's name
can name a student), with its type and size only.

Profiles:

- ``foia``: student names, student ids and student e-mail addresses, and other student record
  details found by the screening engine, are replaced by ``[REDACTED]``; so are the names of the
  students and guardians who wrote or received the message. Staff names stay: information that
  bears on the public duties of public employees is not a privacy invasion (5 ILCS 140/7(1)(c)).
  Messages that carried an abuse-disclosure prompt are withheld in full and counted on the PDF.
- ``parent``: only messages about the child (the family's threads) or sent to or by the child
  and their guardians (105 ILCS 10/5(a)); other students' names and other families are redacted.
  Abuse-disclosure messages are left out and not counted on the PDF (the audit event counts them).
- ``legal_hold``: everything, unredacted; the listed SHA-256 is the archive's own, the one in the
  audit chain.

For a redacted profile the PDF lists the SHA-256 of the exported (redacted) text only: the
archive's hash of the original would let anyone holding the export confirm a guessed name by
hashing candidate texts.

Contract with the review queue: exports read messages only; review-queue rows (overrides, reports,
abuse-disclosure prompts) are never part of any export.
"""

from __future__ import annotations

import base64
import email.utils
import hashlib
import io
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.header import Header
from typing import IO, Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from chalkline.messaging.archive import Criteria, archive_messages
from chalkline.messaging.attachments import read_blob
from chalkline.messaging.models import (
    WIDE_KINDS,
    ArchiveExport,
    Attachment,
    AudienceKind,
    ExportProfile,
    Message,
    Recipient,
    Retraction,
)
from chalkline.people.models import GuardianLink, Person, SchoolClass, User
from chalkline.people.roster_index import key_of, roster_index_for
from chalkline.screening import Audience, RosterIndex, ScreeningInputError, Sender, screen
from chalkline.screening import Message as EngineMessage

REDACTED = "[REDACTED]"
#: what the screening engine finds that a redacted export hides
REDACT_DETECTORS = frozenset({"student_name", "student_identifier", "student_record"})

# What the export reads of a person: names, kind and the roster key
_PERSON_FIELDS = ("kind", "given_name", "family_name", "preferred_name", "sourced_id")
ABUSE = "abuse_disclosure"
CHUNK = 2000
#: redacted texts remembered by their text and context (a thread's subject recurs)
REDACTED_MEMO = 20_000
#: recipients read per message for the redaction context (wide threads use their class)
CONTEXT_RECIPIENTS = 50
#: the mbox stays in memory up to this size, then goes to a temporary file
MBOX_SPOOL_BYTES = 8 * 1024 * 1024

LEGAL_BASIS = {
    ExportProfile.FOIA: (
        "Student names and other student-identifying details are redacted: they are school "
        "student records that the Illinois School Student Records Act (105 ILCS 10/6) forbids "
        "releasing, exempt under 5 ILCS 140/7(1)(a); student ids and e-mail addresses are "
        "private information, 5 ILCS 140/7(1)(b); see also FERPA, 20 U.S.C. 1232g."
    ),
    ExportProfile.PARENT: (
        "A parent's inspection of their own child's school student records, 105 ILCS 10/5(a). "
        "Other students' names and details are redacted (105 ILCS 10/6)."
    ),
    ExportProfile.LEGAL_HOLD: "Legal hold: complete and unredacted.",
}


def _t(text: str) -> str:
    """Text for the PDF's core fonts (Latin-1)."""
    return text.encode("latin-1", "replace").decode("latin-1")


@dataclass
class Listed:
    message_id: int
    sent_at: datetime
    sender: str
    subject: str
    retracted: bool
    sha256: str
    #: the message's ``.eml`` file in the zip, and that file's SHA-256
    eml: str = ""
    eml_sha256: str = ""


@dataclass
class Made:
    data: bytes
    sha256: str
    count: int
    withheld: int
    listed: list[Listed] = field(default_factory=list)


def family_of(student: Person) -> list[int]:
    guardians = GuardianLink.objects.filter(student=student, active=True).values_list(
        "guardian_id", flat=True
    )
    return [student.pk, *guardians]


def select_messages(export: ArchiveExport) -> QuerySet[Message]:
    criteria = Criteria.from_dict(export.criteria)
    qs = archive_messages(export.district, criteria)
    if export.profile == ExportProfile.PARENT:
        assert export.student is not None  # noqa: S101 (a database constraint)
        family = family_of(export.student)
        users = User.objects.filter(person_id__in=family).values("pk")
        got = Recipient.objects.filter(Q(person_id__in=family) | Q(user_id__in=users))
        qs = qs.filter(
            Q(
                thread__audience_kind=AudienceKind.FAMILY,
                thread__audience_key=str(export.student.pk),
            )
            | Q(pk__in=got.values("message_id"))
            | Q(sender_id__in=users)
        )
    return (
        qs.select_related("thread", "sender__person")
        .annotate(retracted=Exists(Retraction.objects.filter(message=OuterRef("pk"))))
        .order_by("sent_at", "pk")
    )


def withheld(profile: str, message: Message) -> bool:
    """Messages that carried an abuse-disclosure prompt never leave in a FOIA or family export."""
    if profile == ExportProfile.LEGAL_HOLD:
        return False
    found: dict[str, Any] = message.findings or {}
    return ABUSE in (found.get("counts") or {}) or ABUSE in (found.get("detectors") or [])


class Redactor:
    """The screening engine's roster-aware finder, asked about each message as if it went to
    nobody with a right to know (FOIA) or only to the child's family (a parent's request), with
    the message's own context (its class, its sender's classes, its recipients) so that a
    first name alone is still recognised."""

    def __init__(self, export: ArchiveExport, index: RosterIndex) -> None:
        self.profile = export.profile
        self.index = index
        self.family: tuple[str, ...] = ()
        self.family_pks: set[int] = set()
        if export.profile == ExportProfile.PARENT and export.student is not None:
            self.family_pks = set(family_of(export.student))
            people = Person.objects.filter(pk__in=self.family_pks)
            self.family = tuple(key_of(p) for p in people)
        self._classes: dict[str, str | None] = {}
        self._students: dict[str, Person | None] = {}
        self._patterns: dict[str, re.Pattern[str]] = {}
        self._redacted: dict[tuple[Any, ...], str] = {}

    def student_of(self, key: str) -> Person | None:
        """The student of a family thread (read once per student)."""
        if key not in self._students:
            self._students[key] = Person.objects.filter(pk=int(key)).first()
        return self._students[key]

    def read_students(self, messages: Iterable[Message]) -> None:
        """The students of a chunk's family threads not read yet, in one query (a staff
        member's year of messages names thousands of families: one query each was 9,114
        queries and 15 s of a 50,000-message export)."""
        keys = {
            m.thread.audience_key
            for m in messages
            if m.thread.audience_kind == AudienceKind.FAMILY
            and m.thread.audience_key.isdigit()
            and m.thread.audience_key not in self._students
        }
        if not keys:
            return
        found = {
            str(p.pk): p
            for p in Person.objects.filter(pk__in=[int(k) for k in keys]).only(
                "pk", *_PERSON_FIELDS
            )
        }
        for key in keys:
            self._students[key] = found.get(key)

    @property
    def active(self) -> bool:
        return self.profile != ExportProfile.LEGAL_HOLD

    def class_of(self, message: Message) -> str | None:
        thread = message.thread
        if thread.audience_kind not in (AudienceKind.CLASS_FAMILIES, AudienceKind.CLASS_STUDENTS):
            return None
        if thread.audience_key not in self._classes:
            cls = SchoolClass.objects.filter(
                pk=int(thread.audience_key or 0), district_id=thread.district_id
            ).first()
            self._classes[thread.audience_key] = cls.sourced_id if cls else None
        return self._classes[thread.audience_key]

    def hides(self, person: Person | None) -> bool:
        """Whether a participant's name is hidden: students and guardians (not the requesting
        family in a parent's request); staff never."""
        if not self.active or person is None:
            return False
        if person.kind not in (Person.Kind.STUDENT, Person.Kind.GUARDIAN):
            return False
        return person.pk not in self.family_pks

    def redact(
        self, text: str, *, message: Message, context: Iterable[str], names: set[str]
    ) -> str:
        if not self.active or not text:
            return text
        sender = message.sender.person
        sender_key = key_of(sender) if sender else f"user-{message.sender_id}"
        class_id = self.class_of(message)
        if self.profile == ExportProfile.PARENT:
            audience = Audience("direct", recipients=self.family, class_id=class_id)
        else:
            keys = tuple(dict.fromkeys(context))
            audience = Audience("public", recipients=keys, class_id=class_id)
        role = "employee"
        if sender is not None and sender.kind in (Person.Kind.STUDENT, Person.Kind.GUARDIAN):
            role = str(sender.kind)
        # the same text with the same context is redacted the same way: a thread's subject and
        # audience come again with each of its messages (a 50,000-message FOIA export screened
        # 150,000 texts)
        key = (text, role, sender_key, audience, frozenset(names))
        if key in self._redacted:
            return self._redacted[key]
        try:
            findings = screen(
                EngineMessage(
                    text=text, sender=Sender(role=role, id=sender_key), audience=audience
                ),
                index=self.index,
            )
        except ScreeningInputError:
            findings = []
        spans = sorted(
            (f.start, f.end)
            for f in findings
            if f.detector in REDACT_DETECTORS and f.attachment is None and f.end > f.start
        )
        folded = text.lower() if text.isascii() else ""
        for name in names:
            # an ASCII name absent from an ASCII text (case aside) cannot match: no regex run
            if folded and name.isascii() and name.lower() not in folded:
                continue
            for m in self._pattern(name).finditer(text):
                spans.append((m.start(), m.end()))
        if len(self._redacted) >= REDACTED_MEMO:
            self._redacted.clear()
        self._redacted[key] = out = _apply(text, spans)
        return out

    def _pattern(self, name: str) -> re.Pattern[str]:
        """The whole-word, case-blind pattern of a participant's name, compiled once an export
        (``re``'s own cache holds 512: the names of thousands of families overflowed it)."""
        if name not in self._patterns:
            self._patterns[name] = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
        return self._patterns[name]


def _apply(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out.append(text[at:start])
        out.append(REDACTED)
        at = end
    out.append(text[at:])
    return "".join(out)


def _name_words(person: Person) -> set[str]:
    words = {person.display_name, f"{person.given_name} {person.family_name}"}
    words |= {w for w in (person.given_name, person.family_name, person.preferred_name) if w}
    return {w for w in words if len(w.strip()) >= 3}


def _label(person: Person | None, user: User | None) -> str:
    if person is not None:
        return person.display_name
    return user.get_username() if user is not None else ""


def _role_word(person: Person | None) -> str:
    if person is not None and person.kind == Person.Kind.STUDENT:
        return "Student (redacted)"
    return "Guardian (redacted)"


@dataclass(frozen=True)
class _Recipient:
    """What an export reads of one recipient: the person (names, kind, roster key) or the
    account's sign-in name."""

    person_id: int | None
    user_id: int | None
    person: Person | None
    username: str

    @property
    def label(self) -> str:
        return self.person.display_name if self.person is not None else self.username


class _People:
    """Every person and account an export names, each read once for the whole export (a staff
    member's year writes to the same families again and again)."""

    def __init__(self) -> None:
        self.people: dict[int, Person] = {}
        self.usernames: dict[int, str] = {}

    def read(self, person_ids: set[int], user_ids: set[int]) -> None:
        new_people = person_ids - self.people.keys()
        if new_people:
            for p in Person.objects.filter(pk__in=new_people).only("pk", *_PERSON_FIELDS):
                self.people[p.pk] = p
        new_users = user_ids - self.usernames.keys()
        if new_users:
            self.usernames.update(
                User.objects.filter(pk__in=new_users).values_list("pk", "username")
            )


class _Participants:
    """The recipients of a chunk of non-wide messages, read in one query of plain values (a
    chunk's recipients built as three models each spent 9 of a 50,000-message legal hold's
    70 s, profiled)."""

    def __init__(self, messages: list[Message], people: _People) -> None:
        ids = [m.pk for m in messages if m.thread.audience_kind not in WIDE_KINDS]
        rows: dict[int, list[tuple[int | None, int | None]]] = {}
        for message_id, person_id, user_id in (
            Recipient.objects.filter(message_id__in=ids)
            .order_by("message_id", "pk")
            .values_list("message_id", "person_id", "user_id")
        ):
            got = rows.setdefault(message_id, [])
            if len(got) < CONTEXT_RECIPIENTS:
                got.append((person_id, user_id))
        pairs = [pair for got in rows.values() for pair in got]
        people.read({p for p, _ in pairs if p}, {u for _, u in pairs if u})
        self.by_message: dict[int, list[_Recipient]] = {
            message_id: [
                _Recipient(
                    person_id=p,
                    user_id=u,
                    person=people.people.get(p) if p else None,
                    username=people.usernames.get(u, "") if u else "",
                )
                for p, u in got
            ]
            for message_id, got in rows.items()
        }

    def of(self, message: Message) -> list[_Recipient]:
        return self.by_message.get(message.pk, [])


def _chunks(qs: QuerySet[Message]) -> Iterator[list[Message]]:
    chunk: list[Message] = []
    for m in qs.iterator(chunk_size=CHUNK):
        chunk.append(m)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _address(name: str, ident: str, domain: str) -> str:
    return email.utils.formataddr((name, f"{ident}@{domain}"), charset="utf-8")


def _header(value: str) -> str:
    """A header value: as is when ASCII, else RFC 2047 encoded; never a line break."""
    value = " ".join(value.split())
    if value.isascii():
        return value
    return Header(value, "utf-8").encode()


def _email(
    message: Message,
    redactor: Redactor,
    recipients: list[_Recipient],
    domain: str,
    files: list[Attachment] | None = None,
) -> tuple[bytes, bytes, Listed]:
    """The message's mbox entry, its ``.eml`` file, and its line in the PDF listing."""
    thread = message.thread
    sender_person = message.sender.person
    names: set[str] = set()
    if redactor.hides(sender_person):
        assert sender_person is not None  # noqa: S101 (hides() said so)
        names |= _name_words(sender_person)
        sender = _role_word(sender_person)
        sender_ident = "redacted"
    else:
        sender = _label(sender_person, message.sender)
        sender_ident = f"user-{message.sender_id}"
    to: list[str] = []
    context: list[str] = []
    for r in recipients:
        if r.person is not None:
            context.append(key_of(r.person))
        if redactor.hides(r.person):
            assert r.person is not None  # noqa: S101
            names |= _name_words(r.person)
            to.append(_address(_role_word(r.person), "redacted", domain))
        else:
            ident = f"user-{r.user_id}" if r.user_id else f"person-{r.person_id}"
            to.append(_address(r.label, ident, domain))
    if thread.audience_kind == AudienceKind.FAMILY and thread.audience_key.isdigit():
        student = redactor.student_of(thread.audience_key)
        if student is not None:
            context.append(key_of(student))
            if redactor.hides(student):
                names |= _name_words(student)
    kw: dict[str, Any] = {"message": message, "context": context, "names": names}
    body = redactor.redact(message.body, **kw)
    subject = redactor.redact(thread.subject, **kw)
    audience = redactor.redact(thread.audience_label, **kw)
    data = body.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    retracted = bool(getattr(message, "retracted", False))
    when = message.sent_at.astimezone(UTC)
    headers = [
        ("From", _address(sender, sender_ident, domain)),
        ("To", ", ".join(to) if to else _address(audience, f"audience-{thread.pk}", domain)),
        ("Subject", _header(subject)),
        ("Date", email.utils.format_datetime(when)),
        ("Message-ID", f"<message-{message.pk}@{domain}>"),
        ("References", f"<thread-{thread.pk}@{domain}>"),
        ("X-Chalkline-Thread", str(thread.pk)),
        ("X-Chalkline-Audience", _header(audience)),
        ("X-Chalkline-SHA256", digest),
    ]
    if retracted:
        headers.append(("X-Chalkline-Retracted", "yes"))
    text = _rfc5322(headers, data, files or [], legal_hold=not redactor.active)
    # one mbox entry; every body part is base64, so no line of it can start with "From "
    entry = (
        f"From {sender_ident}@{domain} {time.asctime(when.timetuple())}\n" + text + "\n"
    ).encode("ascii")
    eml = text.replace("\n", "\r\n").encode("ascii")
    name = f"messages/{message.pk}.eml"
    item = Listed(
        message.pk,
        message.sent_at,
        sender,
        subject,
        retracted,
        digest,
        eml=name,
        eml_sha256=hashlib.sha256(eml).hexdigest(),
    )
    return entry, eml, item


def _b64(data: bytes) -> str:
    return base64.encodebytes(data).decode("ascii")


def _attachment_part(f: Attachment, legal_hold: bool) -> str:
    """One attachment as a MIME part: its bytes in a legal hold, else a note that it is withheld
    (its type and size, not its name)."""
    if legal_hold:
        try:
            blob = read_blob(f.sha256)
        except FileNotFoundError:
            note = f"Attachment {f.position + 1} ({f.filename}): its file is no longer stored.\n"
        else:
            filename = f.filename.replace('"', "").replace("\\", "")
            disposition = (
                f'attachment; filename="{filename}"'
                if filename.isascii()
                else f"attachment; filename*={email.utils.encode_rfc2231(filename, 'utf-8')}"
            )
            return (
                f"Content-Type: {f.content_type}\n"
                f"Content-Disposition: {' '.join(disposition.split())}\n"
                "Content-Transfer-Encoding: base64\n"
                f"X-Chalkline-SHA256: {f.sha256}\n\n" + _b64(blob)
            )
    else:
        note = (
            f"Attachment {f.position + 1} ({f.content_type}, {f.size} bytes) is withheld from "
            "this export: a file cannot be redacted automatically. The records officer reviews "
            "it by hand before releasing it.\n"
        )
    return (
        'Content-Type: text/plain; charset="utf-8"\n'
        "Content-Transfer-Encoding: base64\n"
        "X-Chalkline-Attachment: withheld\n\n" + _b64(note.encode("utf-8"))
    )


def _rfc5322(
    headers: list[tuple[str, str]], data: bytes, files: list[Attachment], *, legal_hold: bool
) -> str:
    """The message as RFC 5322 text (LF line ends; the .eml file turns them into CRLF): the body
    in base64 alone, or first of a ``multipart/mixed`` with one part per attachment."""
    head = "".join(f"{k}: {v}\n" for k, v in [*headers, ("MIME-Version", "1.0")])
    body_part = 'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64\n'
    if not files:
        return head + body_part + "\n" + _b64(data)
    # base64 and our headers never hold "-": no line of a part can be the boundary
    boundary = f"=_chalkline_{hashlib.sha256(data).hexdigest()[:24]}"
    parts = [body_part + "\n" + _b64(data)]
    parts += [_attachment_part(f, legal_hold) for f in files]
    return (
        head
        + f'Content-Type: multipart/mixed; boundary="{boundary}"\n\n'
        + "".join(f"--{boundary}\n{part}" for part in parts)
        + f"--{boundary}--\n"
    )


class _Files:
    """The attachments of a chunk's messages, read in one query."""

    def __init__(self, messages: list[Message]) -> None:
        self.by_message: dict[int, list[Attachment]] = {}
        rows = Attachment.objects.filter(message_id__in=[m.pk for m in messages]).order_by(
            "message_id", "position"
        )
        for f in rows:
            self.by_message.setdefault(f.message_id, []).append(f)

    def of(self, message: Message) -> list[Attachment]:
        return self.by_message.get(message.pk, [])


def _write_eml(zf: zipfile.ZipFile, item: Listed, eml: bytes) -> None:
    info = zipfile.ZipInfo(item.eml, date_time=item.sent_at.astimezone(UTC).timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, eml)


def _copy_into(zf: zipfile.ZipFile, name: str, src: IO[bytes]) -> None:
    src.seek(0)
    with zf.open(name, "w", force_zip64=True) as dst:
        shutil.copyfileobj(src, dst, 1024 * 1024)


@dataclass(frozen=True)
class PdfHead:
    district: str
    profile: str
    reference: str
    requested_by: str
    made_at: datetime
    criteria: dict[str, Any]
    head_seq: int
    head_hash: str


def listing_pdf(
    head: PdfHead, listed: list[Listed], *, mbox_sha256: str, withheld_count: int
) -> bytes:
    from fpdf import FPDF

    class Listing(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 8, f"Page {self.page_no()} of {{total}}", align="R")

    pdf = Listing(format="letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.alias_nb_pages("{total}")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 9, _t(f"Message archive export: {head.district}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    profile = ExportProfile(head.profile)
    lines = [
        f"Profile: {profile.label}",
        f"Reference: {head.reference or '-'}",
        f"Requested by: {head.requested_by}",
        f"Made at: {head.made_at.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC",
        "Criteria: "
        + (", ".join(f"{k}={v}" for k, v in sorted(head.criteria.items())) or "all messages"),
        f"Messages: {len(listed)}",
    ]
    if profile == ExportProfile.FOIA and withheld_count:
        lines.append(
            f"Withheld in full: {withheld_count} (abuse or neglect disclosures; 105 ILCS 10/6, "
            "5 ILCS 140/7(1)(a) and (c))"
        )
    lines += [
        f"SHA-256 of messages.mbox: {mbox_sha256}",
        "Each message is also a file of its own, messages/<message id>.eml (listed below).",
        f"Audit chain head when made: event {head.head_seq}, hash {head.head_hash}",
    ]
    for line in lines:
        pdf.multi_cell(0, 5, _t(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.multi_cell(0, 5, _t(LEGAL_BASIS[profile]), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    hash_label = "Archive SHA-256" if profile == ExportProfile.LEGAL_HOLD else "SHA-256 as exported"
    # Each message's two or three lines are drawn with text() at a position counted here, and a
    # page is added when the next entry would not fit: cell() measured and laid out each of
    # 150,000 lines (17 of a 50,000-message legal hold's 70 s, profiled) to the same effect.
    pdf.set_auto_page_break(auto=False)
    step, bottom = 4.0, pdf.h - 15
    y = pdf.get_y()
    for n, item in enumerate(listed, 1):
        if y + step * (3 if item.eml else 2) > bottom:
            pdf.add_page()
            y = pdf.t_margin
        flag = "  [retracted]" if item.retracted else ""
        meta = (
            f"{n}. Message {item.message_id}  {item.sent_at.astimezone(UTC):%Y-%m-%d %H:%M} UTC  "
            f"From: {item.sender[:40]}  Subject: {item.subject[:60]}{flag}"
        )
        pdf.set_font("Helvetica", "", 8)
        pdf.text(pdf.l_margin, y + 3, _t(meta))
        pdf.set_font("Courier", "", 7)
        pdf.text(pdf.l_margin, y + 7, f"   {hash_label}: {item.sha256}")
        y += 2 * step
        if item.eml:
            pdf.text(pdf.l_margin, y + 3, f"   {item.eml} SHA-256: {item.eml_sha256}")
            y += step
    return bytes(pdf.output())


def make_export(export: ArchiveExport, *, head_seq: int, head_hash: str, made_at: datetime) -> Made:
    """The zip of ``messages.mbox``, one ``messages/<id>.eml`` a message and ``listing.pdf``."""
    district = export.district
    domain = f"{district.slug}.archive.invalid"
    redactor = Redactor(export, roster_index_for(district, background=False))
    listed: list[Listed] = []
    everyone = _People()
    skipped = 0
    mbox_hash = hashlib.sha256()
    buf = io.BytesIO()
    with (
        tempfile.SpooledTemporaryFile(max_size=MBOX_SPOOL_BYTES) as mbox,
        zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf,
    ):
        for chunk in _chunks(select_messages(export)):
            kept = [m for m in chunk if not withheld(export.profile, m)]
            skipped += len(chunk) - len(kept)
            people = _Participants(kept, everyone)
            files = _Files(kept)
            redactor.read_students(kept)
            for m in kept:
                entry, eml, item = _email(m, redactor, people.of(m), domain, files.of(m))
                mbox.write(entry)
                mbox_hash.update(entry)
                _write_eml(zf, item, eml)
                listed.append(item)
        mbox_sha = mbox_hash.hexdigest()
        _copy_into(zf, "messages.mbox", mbox)
        requester = export.requested_by
        pdf = listing_pdf(
            PdfHead(
                district=district.name,
                profile=export.profile,
                reference=export.reference,
                requested_by=_label(requester.person, requester),
                made_at=made_at,
                criteria=dict(export.criteria),
                head_seq=head_seq,
                head_hash=head_hash,
            ),
            listed,
            mbox_sha256=mbox_sha,
            withheld_count=skipped,
        )
        zf.writestr("listing.pdf", pdf)
    data = buf.getvalue()
    return Made(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        count=len(listed),
        withheld=skipped,
        listed=listed,
    )
