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

    class Doc(fpdf.FPDF):
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
