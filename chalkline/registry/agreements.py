"""The agreement PDFs: a real PDF (its magic bytes, and pdfminer can open it and find a page),
at most 20 MB. Stored under MEDIA_ROOT with FILE_UPLOAD_PERMISSIONS (0600)."""

from __future__ import annotations

import io
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import File

MAX_AGREEMENT_BYTES = 20 * 1024 * 1024


def read_agreement(upload: File[bytes]) -> bytes:
    """The bytes of an uploaded agreement; ValidationError when it is too big or not a PDF."""
    size = upload.size
    if size is not None and size > MAX_AGREEMENT_BYTES:
        raise ValidationError("The agreement is over 20 MB. Upload a smaller PDF.", code="size")
    upload.seek(0)
    data: bytes = bytes(upload.read(MAX_AGREEMENT_BYTES + 1))
    if len(data) > MAX_AGREEMENT_BYTES:
        raise ValidationError("The agreement is over 20 MB. Upload a smaller PDF.", code="size")
    check_pdf(data)
    return data


def check_pdf(data: bytes) -> None:
    if not data.lstrip()[:5] == b"%PDF-":
        raise ValidationError("The agreement is not a PDF file.", code="not_pdf")
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        doc = PDFDocument(PDFParser(io.BytesIO(data)))
        has_page = next(iter(PDFPage.create_pages(doc)), None) is not None
    except Exception:  # pdfminer raises many kinds of error on a damaged file
        has_page = False
    if not has_page:
        raise ValidationError("The agreement PDF cannot be opened.", code="bad_pdf")


def stored_name(prefix: str) -> str:
    """An unguessable file name: the files are served through views, never by their path."""
    return f"{prefix}-{secrets.token_hex(12)}.pdf"
