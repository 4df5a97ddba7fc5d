"""Text-layer PDF → source lines (pdfminer.six), keeping indentation and paragraph gaps."""

from __future__ import annotations

import io
from typing import Any

from .lines import SrcLine, clean_text
from .model import PolicyParseError

MAX_PDF_PAGES = 200


def _walk(obj: Any, out: list[Any], text_line_type: type) -> None:
    if isinstance(obj, text_line_type):
        out.append(obj)
        return
    try:
        children = list(obj)
    except TypeError:
        return
    for child in children:
        _walk(child, out, text_line_type)


def pdf_to_lines(data: bytes) -> list[SrcLine]:
    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTTextLine
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise PolicyParseError("PDF import needs the pdfminer.six package.") from exc
    lines: list[SrcLine] = []
    try:
        pages = extract_pages(
            io.BytesIO(data), laparams=LAParams(boxes_flow=None), maxpages=MAX_PDF_PAGES
        )
        for page_no, page in enumerate(pages):
            lines.extend(_page_lines(page, page_no, LTTextLine))
    except PolicyParseError:
        raise
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise PolicyParseError(
                "The PDF is password-protected; upload an unlocked copy."
            ) from exc
        raise PolicyParseError(f"The PDF could not be read ({name}).") from exc
    if not any(line.text for line in lines):
        raise PolicyParseError(
            "The PDF has no text layer (it looks scanned). Upload the text or HTML version, "
            "or a PDF with selectable text."
        )
    return lines


def _page_lines(page: Any, page_no: int, text_line_type: type) -> list[SrcLine]:
    raw: list[Any] = []
    _walk(page, raw, text_line_type)
    rows: list[tuple[float, float, float, str]] = []  # (top, bottom, x0, text)
    for obj in raw:
        text = clean_text(obj.get_text())
        if text:
            rows.append((obj.y1, obj.y0, obj.x0, text))
    if not rows:
        return []
    rows.sort(key=lambda r: (-round(r[0]), r[2]))
    # merge fragments sharing a baseline (two-column label/value layouts)
    merged: list[list[Any]] = []
    for top, bottom, x0, text in rows:
        if merged and abs(merged[-1][0] - top) < 2.5:
            merged[-1][3] += " " + text
            continue
        merged.append([top, bottom, x0, text])
    heights = sorted(m[0] - m[1] for m in merged)
    line_h = heights[len(heights) // 2] or 10.0
    left = min(m[2] for m in merged)
    char_w = max(line_h * 0.45, 1.0)
    out: list[SrcLine] = []
    prev_bottom: float | None = None
    for top, bottom, x0, text in merged:
        if prev_bottom is not None and prev_bottom - top > 0.7 * line_h:
            out.append(SrcLine("", page=page_no))
        indent = round((x0 - left) / char_w)
        out.append(SrcLine(text, indent, page=page_no))
        prev_bottom = bottom
    return out
