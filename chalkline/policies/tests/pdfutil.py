"""Test helper: render policy text to a text-layer PDF with fpdf2 (a test-only dependency)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
_ASCII = str.maketrans(
    {"“": '"', "”": '"', "’": "'", "‘": "'", "–": "-", "—": "-", "•": "-", "§": "S"}
)


def text_to_pdf(text: str, *, header: str | None = None, footer: str | None = None) -> bytes:
    """Wrap ``text`` onto Letter pages; leading spaces become indentation; optional running
    header and "footer Page N of M" furniture on every page."""
    fpdf: Any = pytest.importorskip("fpdf")
    unicode_font = FONT.exists()
    if not unicode_font:  # pragma: no cover - depends on the machine
        text = text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")

    class Doc(fpdf.FPDF):  # type: ignore[misc]
        def setup_font(self) -> None:
            if unicode_font:
                self.add_font("DejaVu", "", str(FONT))
                self.set_font("DejaVu", size=11)
            else:  # pragma: no cover
                self.set_font("Helvetica", size=11)

        def header(self) -> None:
            if header:
                self.cell(0, 6, header, new_x="LMARGIN", new_y="NEXT")
                self.ln(4)

        def footer(self) -> None:
            if footer:
                self.set_y(-15)
                self.cell(0, 6, f"{footer}    Page {self.page_no()} of {{nb}}", align="C")

    pdf = Doc(format="letter")
    pdf.setup_font()
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    for raw in text.split("\n"):
        if not raw.strip():
            pdf.ln(5)
            continue
        indent = (len(raw) - len(raw.lstrip(" "))) * 2.2
        pdf.set_x(pdf.l_margin + indent)
        width = pdf.w - pdf.l_margin - pdf.r_margin - indent
        pdf.multi_cell(width, 5.5, raw.strip(), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def raw_pdf(contents: list[bytes], *, compress: bool = True) -> bytes:
    """A PDF written byte by byte: one Letter page per content stream (Flate-compressed unless
    ``compress`` is off), Helvetica as /F1. No library between the test and the bytes."""
    import zlib

    objects: list[bytes] = []
    n_pages = len(contents)
    font_id = 3
    first_page = 4
    kids = " ".join(f"{first_page + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for i, content in enumerate(contents):
        stream_id = first_page + 2 * i + 1
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {stream_id} 0 R "
            f"/Resources << /Font << /F1 {font_id} 0 R >> >> >>".encode()
        )
        body = zlib.compress(content, 9) if compress else content
        flate = b" /Filter /FlateDecode" if compress else b""
        objects.append(
            b"<< /Length "
            + str(len(body)).encode()
            + flate
            + b" >>\nstream\n"
            + body
            + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + obj + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


def text_page(*lines: str) -> bytes:
    """A content stream that shows ``lines`` top-down in 11-point Helvetica."""
    ops = [b"BT /F1 11 Tf 72 720 Td 14 TL"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(b"(" + escaped.encode("latin-1") + b") Tj T*")
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"
