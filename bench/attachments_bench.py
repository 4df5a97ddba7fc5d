"""Attachment costs on the send path (issue 18, m18c).

    .venv/bin/python bench/attachments_bench.py [--runs 5]

Prints the median and max of: counting faces in a 12-megapixel JPEG photo (4000x3000, three real
faces: the test photograph tiled), through ``accept`` (header pixel check, JPEG draft decode,
Haar cascade count, SHA-256, write-once store); and accepting then screening a 10 MB PDF (50
pages of school text plus a scanned page image), through ``accept`` (sniff, pdfminer text
extraction, store) and the screening engine on the extracted text with a 2,000-student roster;
and a later round trip with the same PDF (its stored text screened again).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _photo_12mp() -> bytes:
    from PIL import Image

    face = Image.open(ROOT / "chalkline/messaging/tests/data/grace_hopper.jpg")
    w, h = face.size
    strip = Image.new("RGB", (3 * (w + 20), h), "white")
    for n in range(3):
        strip.paste(face, (n * (w + 20), 0))
    big = strip.resize((4000, 3000))
    buf = io.BytesIO()
    big.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def _pdf_10mb() -> bytes:
    from fpdf import FPDF
    from PIL import Image

    rng = random.Random(5)
    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    words = [
        "field",
        "trip",
        "permission",
        "slip",
        "lunch",
        "bus",
        "schedule",
        "reading",
        "log",
        "math",
        "quiz",
    ]
    for _ in range(50):
        pdf.add_page()
        pdf.multi_cell(0, 6, " ".join(rng.choice(words) for _ in range(450)))
    pdf.add_page()
    noise = Image.effect_noise((3050, 3050), 90).convert("RGB")
    buf = io.BytesIO()
    noise.save(buf, "JPEG", quality=95)
    pdf.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=190)
    data = bytes(pdf.output())
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="chalkline-attach-bench-")
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-0123456789-0123456789-012345")
    os.environ["CHALKLINE_VAR_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chalkline.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    import django

    django.setup()
    from screening_synth import build_index

    from chalkline.messaging import attachments
    from chalkline.screening import Audience, Message, Sender, screen

    photo = _photo_12mp()
    pdf = _pdf_10mb()
    assert len(pdf) <= attachments.MAX_ATTACHMENT_BYTES, len(pdf)
    index, _ids = build_index(2_000)
    face_times: list[float] = []
    pdf_times: list[float] = []
    again_times: list[float] = []
    faces = 0
    chars = 0
    for run in range(args.runs):
        # a new store each run, so the write is measured too
        os.environ["CHALKLINE_VAR_DIR"] = tempfile.mkdtemp(dir=tmp)
        from django.conf import settings

        settings.MESSAGING_ATTACHMENT_DIR = os.path.join(os.environ["CHALKLINE_VAR_DIR"], "a")
        t = time.perf_counter()
        staged = attachments.accept(photo, "class.jpg")
        face_times.append(time.perf_counter() - t)
        faces = staged.faces or 0
        t = time.perf_counter()
        f = attachments.accept(pdf, "handout.pdf")
        text = attachments.text_of(f)
        screen(Message(text, Sender("teacher", "t-1"), Audience("public")), index=index)
        pdf_times.append(time.perf_counter() - t)
        t = time.perf_counter()  # a later round trip (check, send): the stored text
        screen(
            Message(attachments.text_of(f), Sender("teacher", "t-1"), Audience("public")),
            index=index,
        )
        again_times.append(time.perf_counter() - t)
        chars = len(text)
        del run
    print(
        f"12 MP photo ({len(photo):,} bytes): {faces} faces counted; accept median "
        f"{statistics.median(face_times) * 1000:.0f} ms, max {max(face_times) * 1000:.0f} ms"
    )
    print(
        f"10 MB PDF ({len(pdf):,} bytes, {chars:,} chars of text): accept + extract + screen "
        f"median {statistics.median(pdf_times) * 1000:.0f} ms, max {max(pdf_times) * 1000:.0f} ms"
    )
    print(
        "  a later check or send of the same PDF (stored text, screened again): median "
        f"{statistics.median(again_times) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
