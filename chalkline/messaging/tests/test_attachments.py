"""Attachments through HTTP with real files (PDFs by fpdf2, Word files by python-docx, images by
Pillow, a real photograph with a face): content sniffing, limits named, screening of their text
with the real audience, the pictured-students step, access-checked downloads, append-only rows."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from fpdf import FPDF
from PIL import Image

from chalkline.audit.models import AuditEvent
from chalkline.messaging.attachments import MAX_ATTACHMENT_BYTES, StagedFile, blob_path
from chalkline.messaging.models import Attachment, BlockedAttempt, Message, MessageImmutable
from chalkline.messaging.tests.conftest import School
from chalkline.people.models import Person
from conftest import PERSONAS

HOPPER = Path(__file__).parent / "data" / "grace_hopper.jpg"
FIXED = "Photos from our field trip are attached."


def _pdf(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def _docx(text: str) -> bytes:
    document = docx.Document()
    document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def class_photo(faces: int = 3) -> bytes:
    """A real photograph (Grace Hopper, public domain, as matplotlib ships it) side by side."""
    face = Image.open(HOPPER)
    w, h = face.size
    out = Image.new("RGB", (faces * (w + 20), h), "white")
    for n in range(faces):
        out.paste(face, (n * (w + 20), 0))
    buf = io.BytesIO()
    out.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> Any:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _post(client: Client, school: School, files: list[Any] | None = None, **extra: Any) -> Any:
    data: dict[str, Any] = {
        "audience": f"class_families:{school.math.pk}",
        "subject": "Field trip",
        "body": FIXED,
        "idempotency_key": extra.pop("key", "key-1"),
        **extra,
    }
    if files:
        data["attachments"] = files
    return client.post(reverse("messaging:compose"), data)


@pytest.fixture(autouse=True)
def releases_known(school: School) -> None:
    """The roster gave every student's media release (the default: a release)."""
    Person.objects.filter(kind=Person.Kind.STUDENT).update(media_release_known=True)


@pytest.fixture
def teacher(client: Client, school: School) -> Client:
    client.force_login(school.world.users["teacher_north"])
    return client


def test_a_pdf_naming_a_student_to_another_family_is_blocked(
    teacher: Client, school: School
) -> None:
    w = school.world
    pdf = _upload("notes.pdf", _pdf("Liam Okafor was late again today."), "application/pdf")
    response = _post(teacher, school, [pdf], audience=f"family:{w.student_north.pk}")
    assert response.status_code == 400
    assert b"This message cannot be sent as written" in response.content
    assert Message.objects.count() == 0 and Attachment.objects.count() == 0
    assert BlockedAttempt.objects.get().detectors == ["student_name"]


def test_a_word_file_and_a_text_file_are_screened_too(teacher: Client, school: School) -> None:
    w = school.world
    for name, data in (
        ("notes.docx", _docx("Liam Okafor missed the quiz.")),
        ("notes.txt", b"Liam Okafor missed the quiz."),
    ):
        response = _post(
            teacher, school, [_upload(name, data)], audience=f"family:{w.student_north.pk}"
        )
        assert response.status_code == 400, name
        assert b"Blocks sending" in response.content, name
    assert Message.objects.count() == 0


def test_a_clean_pdf_is_sent_stored_and_audited(teacher: Client, school: School) -> None:
    data = _pdf("The field trip leaves at 9 and is back by 3.")
    response = _post(teacher, school, [_upload("trip.pdf", data)])
    assert response.status_code == 302
    (att,) = Attachment.objects.all()
    assert (att.filename, att.content_type, att.size, att.position) == (
        "trip.pdf",
        "application/pdf",
        len(data),
        0,
    )
    assert blob_path(att.sha256).read_bytes() == data
    event = AuditEvent.objects.get(action="messaging.message_sent")
    assert event.after_data["attachments"] == [att.sha256]


@pytest.mark.parametrize(
    ("name", "data", "needle"),
    [
        ("big.pdf", b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES, b"the limit is 10 MB a file"),
        ("tool.pdf", b"MZ\x90\x00\x03\x00\x00\x00" * 20, b"is not an allowed type"),
        ("archive.docx", b"PK\x03\x04" + b"\x00" * 40, b"is not an allowed type"),
        ("broken.pdf", b"%PDF-1.4\nnot really", b"is not a readable PDF"),
        ("empty.txt", b"", b"is empty"),
    ],
)
def test_bad_files_are_refused_with_the_limit_named(
    teacher: Client, school: School, name: str, data: bytes, needle: bytes
) -> None:
    response = _post(teacher, school, [_upload(name, data)])
    assert response.status_code == 400
    assert needle in response.content.replace(b"&#x27;", b"'")
    assert Message.objects.count() == 0 and Attachment.objects.count() == 0


def test_an_image_over_40_megapixels_is_refused_as_a_decompression_bomb(
    teacher: Client, school: School
) -> None:
    buf = io.BytesIO()
    Image.new("1", (8_000, 5_001)).save(buf, "PNG")  # 40.008 MP in a few kilobytes
    assert len(buf.getvalue()) < 100_000
    response = _post(teacher, school, [_upload("bomb.png", buf.getvalue())])
    assert response.status_code == 400
    assert b"the limit is 40 megapixels" in response.content
    assert Message.objects.count() == 0


def test_more_than_five_files_are_refused(teacher: Client, school: School) -> None:
    files = [_upload(f"n{n}.txt", f"note {n}".encode()) for n in range(6)]
    response = _post(teacher, school, files)
    assert response.status_code == 400
    assert b"at most 5 files a message" in response.content


def test_a_photo_with_faces_asks_who_is_pictured_and_a_student_without_release_blocks(
    teacher: Client, school: School
) -> None:
    w = school.world
    Person.objects.filter(pk=school.classmate.pk).update(media_release=False)
    photo = _upload("trip.jpg", class_photo(3), "image/jpeg")
    asked = _post(teacher, school, [photo])
    assert asked.status_code == 400
    assert b"Who is in the photo" in asked.content
    assert b"Liam Okafor" in asked.content and b"no media release" in asked.content
    assert Message.objects.count() == 0 and BlockedAttempt.objects.count() == 0
    (staged, token) = asked.context["staged"][0]
    assert staged.faces == 3
    # Liam is pictured: blocked (the file comes back as a kept token, not a second upload)
    blocked = _post(teacher, school, kept=[token], pictured=[str(school.classmate.pk)])
    assert blocked.status_code == 400
    assert b"shows Liam Okafor, who has no media release" in blocked.content
    assert BlockedAttempt.objects.get().detectors == ["photo_face"]
    assert Message.objects.count() == 0
    # only Maria (who has a release) is pictured: sent, with the count and her id stored
    sent = _post(teacher, school, kept=[token], pictured=[str(w.student_north.pk)])
    assert sent.status_code == 302
    (att,) = Attachment.objects.all()
    assert att.faces == 3 and att.pictured == [w.student_north.pk]


def test_no_students_pictured_is_an_answer(teacher: Client, school: School) -> None:
    response = _post(teacher, school, [_upload("staff.jpg", class_photo(1))], pictured=["none"])
    assert response.status_code == 302
    assert Attachment.objects.get().pictured == []


def test_a_directory_opt_out_blocks_a_photo_beyond_the_class(
    client: Client, school: School
) -> None:
    w = school.world
    Person.objects.filter(pk=w.student_north.pk).update(directory_opt_out=True)
    client.force_login(w.users["principal_north"])
    photo = _upload("assembly.jpg", class_photo(2))
    response = _post(
        client,
        school,
        [photo],
        audience=f"building_families:{w.north.pk}",
        pictured=[str(w.student_north.pk)],
    )
    assert response.status_code == 400
    assert b"opted out of the directory" in response.content
    # within the class, the opt-out does not keep the photo back
    client.force_login(w.users["teacher_north"])
    ok = _post(
        client, school, [_upload("a.jpg", class_photo(2))], pictured=[str(w.student_north.pk)]
    )
    assert ok.status_code == 302


def test_only_counts_are_stored_never_a_face_template() -> None:
    fields = {f.name for f in Attachment._meta.get_fields()}
    assert fields == {
        "id",
        "message",
        "position",
        "filename",
        "content_type",
        "size",
        "sha256",
        "faces",
        "pictured",
    }
    assert Attachment._meta.get_field("faces").get_internal_type() == "PositiveSmallIntegerField"


def test_downloads_go_to_participants_only_with_safe_headers(
    client: Client, school: School
) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    data = _pdf("Permission slip")
    assert _post(client, school, [_upload("slip.pdf", data)]).status_code == 302
    message = Message.objects.get()
    url = reverse("messaging:attachment", args=[message.pk, 0])
    for persona in PERSONAS:  # the role matrix of the download
        expected = 200 if persona in ("teacher_north", "guardian_north") else 404
        client.force_login(w.users[persona])
        response = client.get(url)
        assert response.status_code == expected, persona
        if expected == 200:
            assert b"".join(response.streaming_content) == data  # type: ignore[attr-defined]
            assert response["Content-Disposition"].startswith('attachment; filename="slip.pdf"')
            assert response["X-Content-Type-Options"] == "nosniff"
            assert response["Content-Type"] == "application/pdf"
    client.force_login(w.users["guardian_north"])
    assert client.get(reverse("messaging:attachment", args=[message.pk, 1])).status_code == 404


def test_a_retracted_messages_files_are_gone_for_recipients(client: Client, school: School) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    _post(client, school, [_upload("slip.txt", b"Permission slip")])
    message = Message.objects.get()
    client.post(reverse("messaging:retract", args=[message.pk]))
    url = reverse("messaging:attachment", args=[message.pk, 0])
    assert client.get(url).status_code == 200
    client.force_login(w.users["guardian_north"])
    assert client.get(url).status_code == 404


def test_attachment_rows_are_append_only(teacher: Client, school: School) -> None:
    _post(teacher, school, [_upload("a.txt", b"hello")])
    att = Attachment.objects.get()
    with pytest.raises(MessageImmutable):
        Attachment.objects.filter(pk=att.pk).update(filename="b.txt")
    with pytest.raises(IntegrityError), transaction.atomic():
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("UPDATE messaging_attachment SET filename = 'x' WHERE id = %s", [att.pk])


def test_a_double_submit_with_files_makes_one_message(teacher: Client, school: School) -> None:
    data = b"Bring a water bottle."
    first = _post(teacher, school, [_upload("a.txt", data)], key="same")
    second = _post(teacher, school, [_upload("a.txt", data)], key="same")
    assert first.status_code == second.status_code == 302
    assert Message.objects.count() == 1 and Attachment.objects.count() == 1


def test_a_forged_or_foreign_token_is_refused(client: Client, school: School) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    asked = _post(client, school, [_upload("trip.jpg", class_photo(1))])
    token = asked.context["staged"][0][1]
    # another sender cannot reuse this sender's staged file
    client.force_login(w.users["principal_north"])
    response = _post(client, school, kept=[token])
    assert response.status_code == 400
    assert b"the form is out of date" in response.content
    assert Message.objects.count() == 0
    with pytest.raises(Exception, match="out of date"):
        StagedFile.from_token(token + "x", w.users["teacher_north"].pk)


def test_an_unknown_media_release_counts_as_none_unless_the_district_says_otherwise(
    client: Client, school: School
) -> None:
    w = school.world
    Person.objects.filter(pk=w.student_north.pk).update(media_release_known=False)
    client.force_login(w.users["teacher_north"])
    pictured = [str(w.student_north.pk)]
    blocked = _post(client, school, [_upload("a.jpg", class_photo(1))], pictured=pictured)
    assert blocked.status_code == 400
    assert b"shows Maria Garcia, who has no media release" in blocked.content
    # only the superintendent and designee choose; a principal or teacher may not
    url = reverse("messaging:media_unknown")
    for persona, expected in (("teacher_north", 403), ("principal_north", 403)):
        client.force_login(w.users[persona])
        assert client.post(url, {"unknown_means_release": "release"}).status_code == expected
    client.force_login(w.users["superintendent"])
    bad = client.post(url, {"unknown_means_release": "maybe"})
    assert bad.status_code == 400
    assert client.post(url, {"unknown_means_release": "release"}).status_code == 302
    event = AuditEvent.objects.get(action="messaging.unknown_media_release_changed")
    assert (event.before_data, event.after_data) == (
        {"unknown_means_release": False},
        {"unknown_means_release": True},
    )
    client.force_login(w.users["teacher_north"])
    sent = _post(client, school, [_upload("a.jpg", class_photo(1))], pictured=pictured, key="k2")
    assert sent.status_code == 302


def test_a_reply_carries_an_attachment_and_it_is_screened(client: Client, school: School) -> None:
    w = school.world
    client.force_login(w.users["teacher_north"])
    assert _post(client, school, audience=f"family:{w.student_north.pk}").status_code == 302
    thread = Message.objects.get().thread
    url = reverse("messaging:reply", args=[thread.pk])
    # the teacher's follow-up to Maria's family names another student in its attachment
    naming = _upload("note.txt", b"Liam Okafor pushed Maria at recess.")
    blocked = client.post(
        url, {"body": "See the note.", "idempotency_key": "r1", "attachments": [naming]}
    )
    assert blocked.status_code == 400
    assert BlockedAttempt.objects.get().detectors == ["student_name"]
    client.force_login(w.users["guardian_north"])
    ok = client.post(
        url,
        {
            "body": "Signed slip attached.",
            "idempotency_key": "r2",
            "attachments": [_upload("slip.pdf", _pdf("Signed"))],
        },
    )
    assert ok.status_code == 302
    reply = Message.objects.get(sender=w.users["guardian_north"])
    assert [a.filename for a in reply.attachments.all()] == ["slip.pdf"]


def test_the_htmx_check_uploads_once_and_carries_the_file_as_a_token(
    teacher: Client, school: School
) -> None:
    data = {
        "audience": f"class_families:{school.math.pk}",
        "subject": "Trip",
        "body": FIXED,
        "idempotency_key": "k",
    }
    url = reverse("messaging:compose_check")
    first = teacher.post(
        url, {**data, "attachments": [_upload("trip.jpg", class_photo(2))]}, HTTP_HX_REQUEST="true"
    )
    assert first.status_code == 200
    assert b"Who is in the photo?" in first.content and b"<html" not in first.content
    token = first.context["htmx_staged"][0][1]
    assert f'name="staged" value="{token}"'.encode() in first.content
    # the next keystroke's check sends the token, not the file: the question stays
    again = teacher.post(url, {**data, "staged": [token]}, HTTP_HX_REQUEST="true")
    assert b"Who is in the photo?" in again.content
    assert Message.objects.count() == 0


def test_accept_itself_refuses_what_the_view_would_not_pass() -> None:
    from chalkline.messaging.attachments import AttachmentError, accept

    with pytest.raises(AttachmentError, match="the limit is 10 MB a file"):
        accept(b"%PDF-1.4\n" + b"0" * MAX_ATTACHMENT_BYTES, "big.pdf")
    with pytest.raises(AttachmentError, match="not an allowed type"):
        accept(b"\x00\x01binary", "notes.txt")
