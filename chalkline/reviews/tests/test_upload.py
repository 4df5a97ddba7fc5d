"""The draft from a file: a Word file (.docx), or text, HTML or PDF through the policy importer.
A corrupt, encrypted or too large Word file is refused with the reason."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.policies.tests.factories import LOGO_NEW, LOGO_OLD
from chalkline.reviews.models import Review
from chalkline.reviews.wordfile import WordFileError, docx_to_text
from conftest import World

from .helpers import open_review

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def _docx(blocks: list[str], numbered: list[str] | None = None) -> bytes:
    from docx import Document

    document = Document()
    for block in blocks:
        document.add_paragraph(block)
    for item in numbered or []:
        document.add_paragraph(item, style="List Number")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _upload(
    world: World, review: Review, data: bytes, name: str, kind: str = DOCX, **extra: str
) -> Any:
    return _client(world, "designee").post(
        reverse("reviews:upload_draft", args=[review.pk]),
        {"file": SimpleUploadedFile(name, data, content_type=kind), "revision": "0", **extra},
    )


def test_a_word_file_becomes_the_draft_with_its_clause_ids(world: World) -> None:
    review = open_review(world)
    ids = set(review.draft.clauses.values_list("clause_id", flat=True))
    text = review.draft.canonical_text.replace(LOGO_OLD, LOGO_NEW)
    paragraphs = [line.strip() for line in text.splitlines() if line.strip()]  # one per line
    response = _upload(world, review, _docx(paragraphs), "5-125 revised.docx")
    assert response.status_code == 302
    review.refresh_from_db()
    assert LOGO_NEW in review.draft.canonical_text
    assert set(review.draft.clauses.values_list("clause_id", flat=True)) == ids
    event = AuditEvent.objects.get(action="reviews.draft_saved")
    assert json.loads(event.after)["clause_ids_removed"] == []


def test_word_list_numbers_come_back_as_markers() -> None:
    text = docx_to_text(_docx(["Policy 9:1", "Staff shall:"], ["Be kind.", "Be on time."]))
    assert "1. Be kind.\n\n2. Be on time." in text


def test_text_html_and_pdf_go_through_the_policy_importer(world: World) -> None:
    review = open_review(world)
    html = (
        "<html><body><main>"
        + "".join(f"<p>{block}</p>" for block in review.draft.canonical_text.split("\n\n"))
        + "</main></body></html>"
    ).replace(LOGO_OLD, LOGO_NEW)
    response = _upload(world, review, html.encode(), "5125.html", "text/html")
    assert response.status_code in (302, 400)
    # Whatever the HTML drops is listed and asked about, never silently removed.
    if response.status_code == 400:
        assert "would remove" in response.content.decode()
    plain = review.draft.canonical_text.replace(LOGO_OLD, LOGO_NEW).encode()
    done = _upload(world, Review.objects.get(), plain, "5125.txt", "text/plain", confirm_lost="on")
    assert done.status_code == 302
    assert LOGO_NEW in Review.objects.get().draft.canonical_text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 this is not really a zip", "not a Word document"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
            + b"\0" * 64
            + "EncryptedPackage".encode("utf-16-le"),
            "encrypted (password-protected)",
        ),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "old Word 97-2003 (.doc)"),
    ],
)
def test_a_bad_word_file_is_refused_with_the_reason(world: World, data: bytes, reason: str) -> None:
    review = open_review(world)
    before = review.draft.canonical_text
    response = _upload(world, review, data, "policy.docx")
    assert response.status_code == 400
    assert reason in response.content.decode()
    review.refresh_from_db()
    assert review.draft.canonical_text == before and review.draft_revision == 0
    assert not AuditEvent.objects.filter(action="reviews.draft_saved").exists()


def test_a_zip_that_is_not_a_word_package_is_refused() -> None:
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(WordFileError, match="damaged"):
        docx_to_text(buffer.getvalue())


def test_a_word_file_over_20_mb_is_refused_before_it_is_read(world: World) -> None:
    review = open_review(world)
    response = _upload(world, review, b"PK" + b"\0" * (20 * 1024 * 1024), "big.docx")
    assert response.status_code == 400
    assert "at most 20 MB" in response.content.decode()
    with pytest.raises(WordFileError, match="at most 20 MB"):
        docx_to_text(b"\0" * (20 * 1024 * 1024 + 1))
