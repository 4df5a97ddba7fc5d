"""A Word (.docx) file as policy text the importer reads (python-docx; no ORM).

Refused with the reason: a file over 20 MB (before it is opened), an encrypted
(password-protected) document, an old binary .doc, and anything that is not a readable Word
package. Word keeps list numbers outside the paragraph text; they are written back as markers
("1.", "a.", "i.") so that the importer sees numbered duties."""

from __future__ import annotations

import io
import zipfile

MAX_DOCX_BYTES = 20 * 1024 * 1024
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


class WordFileError(Exception):
    """``str(exc)`` says why the file was refused."""


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _marker(level: int, n: int) -> str:
    if level % 3 == 1:
        return f"{chr(ord('a') + (n - 1) % 26)}."
    if level % 3 == 2:
        return f"{_roman(n)}."
    return f"{n}."


def _numbering(paragraph: object) -> tuple[str, int] | None:
    """(numId, level) of a numbered paragraph, from its own properties or its style's."""
    from docx.oxml.ns import qn

    for element in (
        getattr(paragraph, "_p", None),
        getattr(getattr(paragraph, "style", None), "element", None),
    ):
        if element is None:
            continue
        ppr = element.find(qn("w:pPr"))
        num = ppr.find(qn("w:numPr")) if ppr is not None else None
        if num is None:
            continue
        num_id = num.find(qn("w:numId"))
        level = num.find(qn("w:ilvl"))
        if num_id is None or num_id.get(qn("w:val")) == "0":
            return None
        return str(num_id.get(qn("w:val"))), int(level.get(qn("w:val"))) if level is not None else 0
    return None


def docx_to_text(data: bytes) -> str:
    """The document's paragraphs as plain text, one blank line between paragraphs."""
    if len(data) > MAX_DOCX_BYTES:
        raise WordFileError(
            f"The file is {len(data) / 1048576:.1f} MB; a Word file may be at most 20 MB."
        )
    if data.startswith(_OLE):
        if _ENCRYPTED in data:
            raise WordFileError(
                "The Word file is encrypted (password-protected). Remove the password in Word "
                "(File > Info > Protect Document) and upload it again."
            )
        raise WordFileError(
            "This is an old Word 97-2003 (.doc) file. Save it as a Word document (.docx) and "
            "upload it again."
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise WordFileError("The file is not a Word document (.docx), or it is damaged.")
    from docx import Document

    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise WordFileError(
            "The Word file is damaged or is not a Word document; it could not be read."
        ) from exc
    counters: dict[tuple[str, int], int] = {}
    blocks: list[str] = []
    for paragraph in document.paragraphs:
        # A soft line break (Shift+Enter) keeps its line; other runs of spaces collapse.
        lines = [" ".join(line.split()) for line in paragraph.text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if not text:
            continue
        numbering = _numbering(paragraph)
        if numbering is not None:
            num_id, level = numbering
            n = counters.get((num_id, level), 0) + 1
            counters[(num_id, level)] = n
            for key in [k for k in counters if k[0] == num_id and k[1] > level]:
                del counters[key]
            text = "  " * level + f"{_marker(level, n)} {text}"
        blocks.append(text)
    if not blocks:
        raise WordFileError("The Word file has no text.")
    return "\n\n".join(blocks) + "\n"
