"""Text-layer PDF → source lines (pdfminer.six), keeping indentation and paragraph gaps."""

from __future__ import annotations

import io
import zlib
from contextvars import ContextVar
from typing import Any

from .limits import DEFAULT_LIMITS, ParseLimits
from .lines import SrcLine, clean_text
from .model import PolicyParseError

MAX_PDF_PAGES = DEFAULT_LIMITS.max_pages

# The limits of the parse under way in this thread (pdfminer calls back into us without them).
_LIMITS: ContextVar[ParseLimits | None] = ContextVar("pdf_limits", default=None)


class _BoundedZlib:
    """What pdfminer sees as ``zlib``: inflating stops one byte past the stream limit."""

    error = zlib.error
    decompressobj = staticmethod(zlib.decompressobj)
    MAX_WBITS = zlib.MAX_WBITS

    @staticmethod
    def decompress(data: bytes, *args: Any) -> bytes:
        limits = _LIMITS.get()
        if limits is None or not limits.max_stream_bytes:
            return zlib.decompress(data, *args)
        inflater = zlib.decompressobj(*args[:1])
        out = inflater.decompress(data, limits.max_stream_bytes + 1)
        if len(out) > limits.max_stream_bytes:
            raise limits.stream_too_large()
        return out


def _install_stream_bounds() -> None:
    """Bound every stream pdfminer inflates while ``_LIMITS`` is set: zlib (Flate) stops early,
    and any other filter (LZW, run-length, ...) is checked once decoded. Idempotent."""
    from pdfminer import pdftypes

    if getattr(pdftypes.PDFStream, "_chalkline_bounded", False):
        return
    setattr(pdftypes, "zlib", _BoundedZlib)  # noqa: B010 - pdfminer does not export it
    decode = pdftypes.PDFStream.decode

    def bounded_decode(self: Any) -> None:
        decode(self)
        limits = _LIMITS.get()
        too_large = limits is not None and 0 < limits.max_stream_bytes < len(self.data or b"")
        if limits is not None and too_large:
            self.data = b""
            raise limits.stream_too_large()

    setattr(pdftypes.PDFStream, "decode", bounded_decode)  # noqa: B010 - a typed method
    setattr(pdftypes.PDFStream, "_chalkline_bounded", True)  # noqa: B010


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


def pdf_to_lines(data: bytes, *, limits: ParseLimits = DEFAULT_LIMITS) -> list[SrcLine]:
    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.layout import LAParams, LTTextLine
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise PolicyParseError("PDF import needs the pdfminer.six package.") from exc
    _install_stream_bounds()
    lines: list[SrcLine] = []
    chars = 0
    token = _LIMITS.set(limits)
    try:
        pages = extract_pages(
            io.BytesIO(data),
            laparams=LAParams(boxes_flow=None),
            maxpages=limits.max_pages + 1 if limits.max_pages else 0,
        )
        for page_no, page in enumerate(pages):
            if limits.max_pages and page_no >= limits.max_pages:
                raise limits.too_many_pages()
            page_lines = _page_lines(page, page_no, LTTextLine)
            chars += sum(len(line.text) for line in page_lines)
            limits.check_text(chars)
            lines.extend(page_lines)
    except PolicyParseError:
        raise
    except MemoryError:
        raise limits.too_much_memory() from None
    except Exception as exc:  # pdfminer raises many unrelated types for broken files
        name = type(exc).__name__
        if "Password" in name or "Encrypt" in name:
            raise PolicyParseError(
                "The PDF is password-protected; upload an unlocked copy."
            ) from exc
        raise PolicyParseError(f"The PDF could not be read ({name}).") from exc
    finally:
        _LIMITS.reset(token)
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
