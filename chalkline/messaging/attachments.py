"""Files attached to messages: what is accepted, where the bytes go, what screening reads.

- **Accepted** by their content, never their name: PDF, PNG, JPEG, plain text (UTF-8) and Word
  (.docx, a ZIP holding ``word/document.xml``), at most ``MAX_ATTACHMENT_BYTES`` each and
  ``MAX_ATTACHMENTS`` a message. An image over ``MAX_IMAGE_PIXELS`` is refused before it is
  decoded (a decompression bomb). Each refusal names the file and the limit.
- **Stored** write-once under the var dir, named by their SHA-256 (the same bytes are stored
  once), with the text screening reads beside them (``<sha256>.txt``, extracted once when the
  file is attached, so the composer's checks do not parse a PDF again), before the message is
  written; the message and its attachment rows are then written in
  one transaction, so a message never points at a missing file.
- **Staged** between the composer's round trips as a signed token (the file's digest, name, type,
  size and face count, signed for the one sender), so a sender asked who is pictured, or blocked
  by screening, does not upload the file again. A token lasts ``MESSAGING_STAGED_FILE_HOURS``
  (24 h); each round trip re-signs it and touches the file, so the file's modification time is
  never older than a live token. ``sweep_staged_files`` (the ``sweep_staged_attachments``
  command) deletes the files no attachment row references an hour after their last token
  expired; a token for a swept file is a form error asking to attach the file again.
- **Faces are counted, never recognized**: the count comes from OpenCV's Haar cascade (the
  screening engine's ``count_faces``); no face embedding, template or crop is computed or kept
  (105 ILCS 5/10-20.40; the Biometric Information Privacy Act, 740 ILCS 14). Only the number is
  stored.
"""

from __future__ import annotations

import datetime
import io
import os
import tempfile
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
MAX_IMAGE_PIXELS = 40_000_000
#: screening reads at most this much text of one attachment (a 10 MB PDF of text is ~5 M chars)
MAX_EXTRACTED_CHARS = 200_000
MAX_PDF_PAGES = 300

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
IMAGE_TYPES = frozenset({PNG, JPEG})
ALLOWED_LABEL = "PDF, PNG, JPEG, plain text or Word (.docx)"

_TOKEN_SALT = "chalkline.messaging.attachment"  # noqa: S105 - a signing salt, not a secret


class AttachmentError(ValueError):
    """An upload the hub refuses; the message names the file and the limit."""


@dataclass(frozen=True)
class StagedFile:
    """An accepted file whose bytes are stored: what the message's attachment row will hold."""

    sha256: str
    filename: str
    content_type: str
    size: int
    faces: int | None  # images only: how many faces were counted

    @property
    def is_photo_with_faces(self) -> bool:
        return bool(self.faces)

    def token(self, user_id: int) -> str:
        return signing.dumps(asdict(self), salt=f"{_TOKEN_SALT}.{user_id}", compress=True)

    @classmethod
    def from_token(cls, token: str, user_id: int) -> StagedFile:
        """The staged file of a token signed for this user, its file touched (a live token's
        file is never swept). Raises AttachmentError naming the file when it has expired or
        was swept."""
        salt = f"{_TOKEN_SALT}.{user_id}"
        try:
            data: dict[str, Any] = signing.loads(token, salt=salt, max_age=staged_lifetime())
            staged = cls(**data)
        except signing.SignatureExpired as exc:
            try:
                name = str(signing.loads(token, salt=salt).get("filename", "the file"))
            except (signing.BadSignature, AttributeError):
                name = "the file"
            raise AttachmentError(_removed(name)) from exc
        except (signing.BadSignature, TypeError) as exc:
            raise AttachmentError(
                "Attachments: the form is out of date; attach the file again."
            ) from exc
        if not _touch(blob_path(staged.sha256)):
            raise AttachmentError(_removed(staged.filename))
        _touch(text_path(staged.sha256))
        return staged


def staged_lifetime() -> datetime.timedelta:
    """How long a staged file's token lasts (``MESSAGING_STAGED_FILE_HOURS``)."""
    return datetime.timedelta(hours=settings.MESSAGING_STAGED_FILE_HOURS)


#: the sweep waits this long past a token's expiry, so a send begun with a token just before it
#: expired has long committed its attachment rows
SWEEP_GRACE = datetime.timedelta(hours=1)


def _removed(name: str) -> str:
    hours = settings.MESSAGING_STAGED_FILE_HOURS
    return (
        f"Attachments: {name} was removed after {hours} hours without being sent; attach it again."
    )


def _touch(path: Path) -> bool:
    """Mark a stored file as just staged; False when it is not stored (any more)."""
    try:
        os.utime(path)
    except FileNotFoundError:
        return False
    return True


def attachment_dir() -> Path:
    return Path(settings.MESSAGING_ATTACHMENT_DIR)


def blob_path(sha256: str) -> Path:
    if len(sha256) != 64 or not all(c in "0123456789abcdef" for c in sha256):
        raise AttachmentError("Attachments: not a stored file.")
    return attachment_dir() / sha256[:2] / sha256


def read_blob(sha256: str) -> bytes:
    return blob_path(sha256).read_bytes()


def text_path(sha256: str) -> Path:
    """The text screening reads in a stored file, extracted once when it was attached."""
    return blob_path(sha256).with_suffix(".txt")


def text_of(staged: StagedFile) -> str:
    """The text of a staged file for screening (empty for images); extracted at most once."""
    if staged.content_type in IMAGE_TYPES:
        return ""
    path = text_path(staged.sha256)
    if path.exists():
        return path.read_text("utf-8")
    text = extract_text(read_blob(staged.sha256), staged.content_type, staged.filename)
    _store(text.encode("utf-8"), staged.sha256, path)
    return text


def _store(data: bytes, sha256: str, path: Path | None = None) -> None:
    """Write once: a file already stored under its digest is the same bytes."""
    path = path or blob_path(sha256)
    if _touch(path):  # stored already (the same bytes): staged again now
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o400)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, or None when not one the hub accepts."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return DOCX if "word/document.xml" in z.namelist() else None
        except zipfile.BadZipFile:
            return None
    if b"\x00" in data:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TEXT


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable() and c not in '"<>:|?*').strip(". ")
    return base[:200] or "attachment"


def _image_faces(data: bytes, name: str) -> int:
    """The pixel limit from the header alone, then the face count (the count, nothing else)."""
    from PIL import Image

    from chalkline.screening.detectors.images import ImageCheckError, count_faces, decode_gray

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as opened:
                w, h = opened.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise AttachmentError(
            f"Attachments: {name} is larger than {MAX_IMAGE_PIXELS // 1_000_000} megapixels "
            "(the limit for images)."
        ) from exc
    except (OSError, ValueError, SyntaxError) as exc:
        raise AttachmentError(f"Attachments: {name} is not a readable image.") from exc
    if w * h > MAX_IMAGE_PIXELS:
        raise AttachmentError(
            f"Attachments: {name} is {w}×{h} pixels ({w * h / 1_000_000:.1f} megapixels); "
            f"the limit is {MAX_IMAGE_PIXELS // 1_000_000} megapixels."
        )
    try:
        return len(count_faces(decode_gray(data)))
    except ImageCheckError as exc:
        raise AttachmentError(f"Attachments: {name}: {exc}.") from exc


def accept(data: bytes, filename: str) -> StagedFile:
    """Check one upload and store its bytes. Raises AttachmentError naming the limit."""
    import hashlib

    name = _clean_name(filename)
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentError(
            f"Attachments: {name} is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_ATTACHMENT_BYTES // 1024 // 1024} MB a file."
        )
    if not data:
        raise AttachmentError(f"Attachments: {name} is empty.")
    content_type = sniff(data)
    if content_type is None:
        raise AttachmentError(
            f"Attachments: {name} is not an allowed type ({ALLOWED_LABEL}); "
            "its content was checked, not its name."
        )
    faces = _image_faces(data, name) if content_type in IMAGE_TYPES else None
    sha = hashlib.sha256(data).hexdigest()
    if content_type not in IMAGE_TYPES and not text_path(sha).exists():
        # extracted once, now: a file screening cannot read is refused before it is stored
        text = extract_text(data, content_type, name)
        _store(data, sha)
        _store(text.encode("utf-8"), sha, text_path(sha))
    else:
        _store(data, sha)
    return StagedFile(sha, name, content_type, len(data), faces)


def extract_text(data: bytes, content_type: str, name: str = "the file") -> str:
    """The text screening reads in an attachment (empty for images)."""
    if content_type == TEXT:
        return data.decode("utf-8")[:MAX_EXTRACTED_CHARS]
    if content_type == PDF:
        from pdfminer.high_level import extract_text as pdf_text
        from pdfminer.pdfparser import PDFSyntaxError

        try:
            # no layout analysis: screening needs the words, not the columns (20-30% faster)
            text = pdf_text(io.BytesIO(data), maxpages=MAX_PDF_PAGES, laparams=None)
            return text[:MAX_EXTRACTED_CHARS]
        except (PDFSyntaxError, ValueError, TypeError, KeyError, AttributeError) as exc:
            raise AttachmentError(f"Attachments: {name} is not a readable PDF.") from exc
        except Exception as exc:  # pdfminer raises many private errors for broken files
            raise AttachmentError(f"Attachments: {name} is not a readable PDF.") from exc
    if content_type == DOCX:
        import docx

        try:
            document = docx.Document(io.BytesIO(data))
        except Exception as exc:  # python-docx: KeyError, ValueError, lxml errors
            raise AttachmentError(f"Attachments: {name} is not a readable Word file.") from exc
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.extend(cell.text for cell in row.cells)
        return "\n".join(parts)[:MAX_EXTRACTED_CHARS]
    return ""


@dataclass
class Swept:
    """What a sweep found: staged files deleted (or, in a dry run, that would be), their bytes,
    and old files kept because a sent message's attachment references them."""

    files: int = 0
    bytes: int = 0
    kept: int = 0


_SWEEP_BATCH = 500


def _old_files(cutoff: float) -> Iterator[tuple[str, Path]]:
    """(sha256, path) of the stored files last staged before ``cutoff`` (a POSIX time), and
    (``""``, path) of interrupted writes (``.incoming-*``) as old."""
    root = attachment_dir()
    if not root.is_dir():
        return
    for sub in sorted(root.iterdir()):
        if not sub.is_dir() or len(sub.name) != 2:
            continue
        for path in sorted(sub.iterdir()):
            try:
                if path.stat().st_mtime >= cutoff:
                    continue
            except FileNotFoundError:
                continue
            if path.name.startswith(".incoming-"):
                yield "", path
            elif len(path.name) == 64 and path.name.startswith(sub.name):
                yield path.name, path


def sweep_staged_files(*, now: datetime.datetime, dry_run: bool = False) -> Swept:
    """Delete the staged files (and their extracted text) that no message's attachment row
    references, last staged more than ``MESSAGING_STAGED_FILE_HOURS`` plus an hour before
    ``now``. A file an attachment row references is never touched: it is a record, kept (and
    disposed of, or held) with its message. Idempotent; safe beside sends, since every live
    token's file is newer than the cutoff."""
    from chalkline.messaging.models import Attachment

    cutoff = (now - staged_lifetime() - SWEEP_GRACE).timestamp()
    swept = Swept()
    batch: list[tuple[str, Path]] = []

    def flush() -> None:
        shas = [sha for sha, _ in batch if sha]
        used = set(Attachment.objects.filter(sha256__in=shas).values_list("sha256", flat=True))
        for sha, path in batch:
            if sha in used:
                swept.kept += 1
                continue
            paths = [path, text_path(sha)] if sha else [path]
            for p in paths:
                try:
                    stat = p.stat()
                except FileNotFoundError:
                    continue
                if stat.st_mtime >= cutoff:
                    break  # staged again since it was listed: keep it (and its text)
                if p is path:
                    swept.files += 1
                    swept.bytes += stat.st_size
                if not dry_run:
                    p.unlink(missing_ok=True)
        batch.clear()

    for found in _old_files(cutoff):
        batch.append(found)
        if len(batch) >= _SWEEP_BATCH:
            flush()
    flush()
    return swept
