"""Where the directory import's uploads wait for the worker, and how they are kept private.

An upload is stored under ``MEDIA_ROOT/imports/<district>/<uuid>.zip|.csv``: folders 0700,
files 0600. A OneRoster package is stored already scrubbed of credentials
(``chalkline.lib.oneroster.scrub``): the students' passwords never reach the disk through us.
Django's own temporary copy of a large upload (in the private ``FILE_UPLOAD_TEMP_DIR``) is
closed, and so deleted, as soon as the copy is written. No ORM here: the import service and
``chalkline sweep-uploads`` decide which files are still in use.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from chalkline.lib.oneroster.scrub import scrub_file

logger = logging.getLogger(__name__)


def imports_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve() / "imports"


def _private_folder(district_id: int) -> Path:
    folder = imports_root() / str(district_id)
    folder.parent.parent.mkdir(parents=True, exist_ok=True)
    for path in (folder.parent, folder):
        path.mkdir(mode=0o700, exist_ok=True)
        path.chmod(0o700)
    return folder


def store_package(district_id: int, upload: UploadedFile[Any]) -> str:
    """Write the upload's credential-free copy (PackageError if it is not a safe zip), then
    close the upload, which deletes Django's temporary file. Returns the stored path."""
    target = _private_folder(district_id) / f"{uuid.uuid4().hex}.zip"
    try:
        upload.seek(0)
        scrub_file(upload.file, str(target))  # type: ignore[arg-type]
    finally:
        upload.close()
    return str(target)


def store_csv(district_id: int, upload: UploadedFile[Any]) -> str:
    """Copy a staff CSV into a new 0600 file, then close (delete) Django's temporary copy."""
    target = _private_folder(district_id) / f"{uuid.uuid4().hex}.csv"
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with open(fd, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
    finally:
        upload.close()
    return str(target)


def discard(*paths: str) -> None:
    """Delete stored uploads. Only files under ``MEDIA_ROOT/imports`` (a command-line import
    reads the district's own file, which is never ours to delete)."""
    root = imports_root()
    for path in paths:
        if path and Path(path).resolve().is_relative_to(root):
            Path(path).unlink(missing_ok=True)


def stored_files() -> list[Path]:
    root = imports_root()
    if not root.is_dir():
        return []
    return [p for p in root.glob("*/*") if p.is_file() or p.is_symlink()]


def older_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.lstat().st_mtime >= seconds
    except FileNotFoundError:
        return False


def clean_temp_dir(*, max_age: float | None = None, dry_run: bool = False) -> list[Path]:
    """Delete files in ``FILE_UPLOAD_TEMP_DIR`` older than ``max_age`` seconds (default
    ``UPLOAD_TEMP_MAX_AGE_SECONDS``): what a process killed in the middle of an upload left.
    A live request reads its upload within that time, and closes (deletes) it right after."""
    folder = Path(settings.FILE_UPLOAD_TEMP_DIR)
    age = settings.UPLOAD_TEMP_MAX_AGE_SECONDS if max_age is None else max_age
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    for path in folder.iterdir():
        if (path.is_file() or path.is_symlink()) and older_than(path, age):
            if not dry_run:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def clean_at_startup() -> None:
    """Called once per process: make the upload folders private and remove stale temporary
    uploads. Never fails the start-up (a read-only var dir is only logged)."""
    try:
        temp = Path(settings.FILE_UPLOAD_TEMP_DIR)
        temp.mkdir(mode=0o700, parents=True, exist_ok=True)
        temp.chmod(0o700)
        root = imports_root()
        if root.is_dir():
            for path in (root, *(p for p in root.iterdir() if p.is_dir())):
                path.chmod(0o700)
        clean_temp_dir()
    except OSError as exc:
        logger.warning("upload folders: start-up clean-up failed (%s)", type(exc).__name__)
