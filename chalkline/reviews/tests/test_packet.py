"""The Board packet PDF, checked page by page: the text of each page extracted (pdfminer), and
every page rendered to PNG (pdftoppm) and looked at."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from pdfminer.high_level import extract_text
from pdfminer.pdfpage import PDFPage

from chalkline.audit.models import AuditEvent
from chalkline.audit.selectors import current_head
from chalkline.reviews import services
from chalkline.reviews.models import BoardItem, BoardPacket, Comment
from chalkline.reviews.tests.test_board import _revised
from conftest import World

pytestmark = pytest.mark.django_db

DUTY_7 = "5:125/use-of-personal-technology/7"
SECTIONS = [
    "Summary of changes by clause",
    "Redline against the current version",
    "Clean text",
    "Comments and their resolutions",
    "Participants and meeting dates",
]


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def _item_with_comments(world: World) -> BoardItem:
    review = _revised(world)
    rep, net = world.users["union_rep"], world.users["netadmin"]
    first = services.add_comment(
        review=review,
        by=rep,
        clause_id=DUTY_7,
        quote="written permission",
        body="Who gives the written permission?",
    )
    services.add_comment(review=review, by=net, body="The superintendent.", parent=first)
    second = services.add_comment(
        review=review,
        by=net,
        clause_id=DUTY_7,
        body="Name the mascot too.",
        proposed_text="Refrain from using the District’s logos or mascots without permission.",
    )
    services.resolve_comment(comment=first, resolution="accepted", reason="", by=None)  # type: ignore[arg-type]
    services.resolve_comment(
        comment=second,
        resolution="rejected",
        reason="Mascots are covered already.",
        by=None,  # type: ignore[arg-type]
    )
    item = services.place_on_agenda(review=review, by=None)
    return services.record_reading(
        item=item, reading="first", on=__import__("datetime").date(2026, 10, 19), by=None
    )


def _pages(data: bytes) -> list[str]:
    count = len(list(PDFPage.get_pages(io.BytesIO(data))))
    return [extract_text(io.BytesIO(data), page_numbers=[i]) for i in range(count)]


def test_the_packet_page_by_page(world: World) -> None:
    item = _item_with_comments(world)
    designee = _client(world, "designee")
    memo = "The administration recommends adopting the revised Policy 5:125 at second reading."
    assert (
        designee.post(
            reverse("reviews:cover_memo", args=[item.pk]), {"cover_memo": memo}
        ).status_code
        == 302
    )
    head = current_head(world.district)
    made = designee.post(reverse("reviews:make_packet", args=[item.pk]))
    assert made.status_code == 302
    packet = BoardPacket.objects.get()
    response = _client(world, "board_member").get(reverse("reviews:packet", args=[packet.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = response.content
    # Kept with its SHA-256, which the audit chain holds.
    assert hashlib.sha256(data).hexdigest() == packet.sha256
    event = AuditEvent.objects.get(action="reviews.board_packet_made")
    after = json.loads(event.after)
    assert after["sha256"] == packet.sha256
    assert after["printed_head"] == {"seq": head.seq, "hash": head.hash}
    assert event.seq > head.seq

    pages = _pages(data)
    total = len(pages)
    assert total == packet.pages >= 7
    # Every page is numbered "Page n of N".
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in text, number
    # Page 1: the cover memo and the audit chain's head when the packet was made.
    cover = pages[0]
    assert "Board packet: Policy 5:125" in cover and "Cover memo" in cover
    assert "recommends adopting the revised Policy 5:125" in cover
    assert head.hash in cover.replace("\n", "")
    # Page 2: the table of contents, whose page numbers are right.
    toc = pages[1]
    assert "Contents" in toc
    for title in SECTIONS:
        match = re.search(re.escape(title) + r"\s*\n?\s*(\d+)", toc)
        if match is None:  # pdfminer may put the numbers in their own column
            assert title in toc, title
            continue
        assert title in pages[int(match.group(1)) - 1], title
    found = {
        title: next(i for i, t in enumerate(pages) if title in t and i > 1) for title in SECTIONS
    }
    assert list(found.values()) == sorted(found.values())
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\s*$", toc, flags=re.M)]
    assert [n for n in numbers if n > 2][: len(SECTIONS)] == [i + 1 for i in found.values()]
    text = "\n".join(pages)
    # The change summary by clause and the redline.
    summary = pages[found["Summary of changes by clause"]]
    assert DUTY_7 in summary and "mascots" in summary
    redline = "\n".join(pages[found["Redline against the current version"] : found["Clean text"]])
    assert "or mascots" in redline and "written" in redline
    # The clean text, the comments with their resolutions, participants and meeting dates.
    assert (
        "Refrain from using the District's logos or mascots without written permission."
        in text.replace("\n", " ")
    )
    comments = "\n".join(
        pages[found["Comments and their resolutions"] : found["Participants and meeting dates"]]
    )
    assert "Who gives the written permission?" in comments
    assert "Reply by netadmin: The superintendent." in comments
    assert "Resolution: Accepted" in comments
    assert "Resolution: Rejected - Mascots are covered already." in comments
    last = pages[found["Participants and meeting dates"]]
    assert "union_rep (Employee representative)" in last
    assert "netadmin (Network administrator)" in last
    assert "First reading: October 19, 2026" in last

    # Every page renders, and none is blank.
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    import cv2

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "packet.pdf"
        path.write_bytes(data)
        subprocess.run(  # noqa: S603 - a fixed local tool on a file we wrote
            [pdftoppm, "-r", "50", "-png", str(path), f"{folder}/p"], check=True
        )
        images = sorted(Path(folder).glob("p*.png"))
        assert len(images) == total
        for image_path in images:
            image = cv2.imread(str(image_path), cv2.IMREAD_GRAYSCALE)
            assert image is not None
            assert image.shape[0] > image.shape[1]  # portrait Letter
            assert (image < 128).sum() > 100, image_path.name  # ink on every page


def test_participants_and_others_cannot_get_packets(world: World) -> None:
    item = _item_with_comments(world)
    packet = services.make_board_packet(item=item, by=None)
    url = reverse("reviews:packet", args=[packet.pk])
    assert _client(world, "union_rep").get(url).status_code == 404
    assert _client(world, "teacher_north").get(url).status_code == 404
    assert (
        _client(world, "board_member")
        .post(reverse("reviews:make_packet", args=[item.pk]))
        .status_code
        == 403
    )
    assert Comment.objects.count() == 3


def test_the_redline_marks_deletions_in_brackets() -> None:
    from datetime import UTC, datetime

    from chalkline.policies.redline import redline
    from chalkline.reviews.packet import PacketData, packet_pdf

    data = PacketData(
        district="Prairie Valley CUSD 5",
        policy="9:999 Test",
        base_label="version 1",
        draft_label="version 2 (proposed)",
        cover_memo="",
        made_at=datetime(2026, 12, 6, tzinfo=UTC),
        head_seq=0,
        head_hash="0" * 64,
        changes=[],
        ops=redline("Staff must never text students.\n", "Staff must not text students.\n"),
        clean_text="Staff must not text students.\n",
        comments=[],
        participants=[],
        meetings=[("First reading", "waived")],
    )
    pages = _pages(packet_pdf(data))
    text = "\n".join(pages)
    assert "[never]" in text and "not" in text
    assert "First reading: waived" in text and "(No cover memo.)" in pages[0]
