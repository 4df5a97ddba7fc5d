"""Safe Markdown for guidelines, and the PDF of a policy version (fpdf2)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from chalkline.policies.models import Clause, PolicyVersion

SEEDS = Path(__file__).resolve().parent / "seeds"


@cache
def _markdown() -> MarkdownIt:
    # CommonMark with raw HTML OFF: any <script>, <img onerror=...> or <iframe> in the source is
    # shown as escaped text, never as markup. markdown-it also refuses javascript:, vbscript:,
    # file: and data: link targets.
    return MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
        "table"
    )


def render_markdown(text: str) -> SafeString:
    """Markdown → HTML that carries no markup from the author beyond Markdown's own."""
    html = _markdown().render(text)
    # Authors write "# Heading"; the page already has its h1, so shift headings down one level.
    html = re.sub(r"<(/?)h([1-5])>", lambda m: f"<{m.group(1)}h{int(m.group(2)) + 1}>", html)
    return mark_safe(html)  # noqa: S308 - markdown-it escapes all raw HTML (html=False)


def community_default(number: str) -> str | None:
    """Chalkline's plain-language explanation for families, for the policies that have one."""
    path = SEEDS / f"community-{number.replace(':', '-')}.md"
    return path.read_text(encoding="utf-8") if path.exists() else None


# --- PDF -------------------------------------------------------------------------------------

_FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
)
_ASCII = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "\u00a0": " "}
)


def _font(pdf: object) -> tuple[str, bool]:
    """DejaVu (full Unicode) when the system has it; otherwise Helvetica with Latin-1 text."""
    for folder in _FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            pdf.add_font("DejaVu", "", str(regular))  # type: ignore[attr-defined]
            pdf.add_font("DejaVu", "B", str(bold))  # type: ignore[attr-defined]
            return "DejaVu", True
    return "Helvetica", False


def version_pdf(version: PolicyVersion, *, district_name: str, clauses: list[Clause]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_title(f"Policy {version.policy.number_raw} {version.title}")
    pdf.set_author(district_name)
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    family, unicode_ok = _font(pdf)

    def t(text: str) -> str:
        return (
            text
            if unicode_ok
            else text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")
        )

    footer = t(f"{district_name} - Policy {version.policy.number_raw}, version {version.seq}")

    pdf.add_page()
    pdf.set_font(family, "", 10)
    pdf.multi_cell(0, 5, t(district_name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(
        0, 8, t(f"{version.policy.number_raw} {version.title}"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(family, "", 9)
    status = version.get_status_display()
    published = version.published_at.date().isoformat() if version.published_at else "not published"
    pdf.multi_cell(
        0,
        5,
        t(f"Version {version.seq} ({status}, {published}). SHA-256 {version.sha256}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    for clause in clauses:
        if clause.kind == "section":
            pdf.ln(2)
            pdf.set_font(family, "B", 12)
            pdf.multi_cell(0, 6, t(clause.text), new_x="LMARGIN", new_y="NEXT")
            continue
        pdf.set_font(family, "", 11)
        indent = 6 * (clause.depth + 1) if clause.kind == "item" else 0
        pdf.set_x(pdf.l_margin + indent)
        text = f"{clause.marker} {clause.text}" if clause.marker else clause.text
        pdf.multi_cell(0, 5.5, t(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)
    extra = [b.get("text", "") for b in version.parsed.get("reference_blocks", [])]
    history = [h.get("text", "") for h in version.parsed.get("history", [])]
    if extra or history:
        pdf.ln(3)
        pdf.set_font(family, "", 9)
        for line in [*extra, *history]:
            pdf.multi_cell(0, 4.5, t(line), new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(-15)
    pdf.set_font(family, "", 8)
    pdf.cell(0, 5, footer)
    return bytes(pdf.output())
