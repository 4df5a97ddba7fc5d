"""Bytes → source lines: format sniffing, size and binary checks, encodings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .htmltext import html_to_lines
from .limits import DEFAULT_LIMITS, ParseLimits
from .lines import SrcLine, text_to_lines
from .model import ParseWarning, PolicyParseError
from .pdftext import pdf_to_lines

MAX_POLICY_BYTES = 5 * 1024 * 1024

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a Word/ZIP document (.docx); save it as PDF or plain text"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.doc); save it as PDF or plain text"),
    (b"{\\rtf", "an RTF document; save it as PDF or plain text"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
)
_HTML_SNIFF_RE = re.compile(
    rb"^\s*(?:<!doctype\s+html|<html\b|<head\b|<body\b|<meta\b|<!--|<(?:div|p|h[1-6]|main|article|"
    rb"section|table|ul|ol|span|title)\b)",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Decoded:
    lines: list[SrcLine]
    source_format: str
    encoding: str | None
    warnings: list[ParseWarning] = field(default_factory=list)


def decode(
    data: bytes,
    *,
    filename: str | None,
    content_type: str | None,
    limits: ParseLimits = DEFAULT_LIMITS,
) -> Decoded:
    if len(data) > MAX_POLICY_BYTES:
        raise PolicyParseError(
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit for a policy is "
            f"{MAX_POLICY_BYTES // 1_048_576} MB."
        )
    if not data.strip():
        raise PolicyParseError("The file is empty.")
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    name = (filename or "").lower()
    if data.lstrip()[:5] == b"%PDF-" or (ctype == "application/pdf" and b"%PDF-" in data[:1024]):
        return Decoded(pdf_to_lines(data, limits=limits), "pdf", None)
    if ctype == "application/pdf" or name.endswith(".pdf"):
        raise PolicyParseError("The file is named or typed as PDF but is not a PDF.")
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise PolicyParseError(f"The file looks like {what}, not policy text.")
    text, encoding, warnings = _decode_text(data)
    limits.check_text(len(text))
    is_html = (
        ctype in {"text/html", "application/xhtml+xml"}
        or name.endswith((".html", ".htm", ".xhtml"))
        or bool(_HTML_SNIFF_RE.match(data[:2048].lstrip(b"\xef\xbb\xbf")))
    )
    if is_html:
        lines, scripts = html_to_lines(text)
        limits.check_text(sum(len(line.text) for line in lines))
        if scripts:
            warnings.append(
                ParseWarning(
                    "scripts_removed", f"Removed {scripts} script element(s) from the HTML."
                )
            )
        return Decoded(lines, "html", encoding, warnings)
    return Decoded(text_to_lines(text), "text", encoding, warnings)


def _decode_text(data: bytes) -> tuple[str, str, list[ParseWarning]]:
    warnings: list[ParseWarning] = []
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", warnings
        except UnicodeDecodeError as exc:
            raise PolicyParseError("The file claims UTF-16 but cannot be decoded.") from exc
    sample = data[:65536]
    if b"\x00" in sample:
        raise PolicyParseError("The file is binary, not text, HTML or PDF.")
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls > max(8, len(sample) // 100):
        raise PolicyParseError("The file is binary, not text, HTML or PDF.")
    try:
        return data.decode("utf-8-sig"), "utf-8", warnings
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
        encoding = "cp1252"
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        encoding = "latin-1"
    warnings.append(
        ParseWarning(
            "encoding_fallback",
            f"The file is not valid UTF-8; it was read as {encoding}. Check accented letters "
            "and quotation marks.",
        )
    )
    return text, encoding, warnings
