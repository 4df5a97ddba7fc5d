"""Copying an uploaded package without its credentials, before it is stored.

A OneRoster export carries students' cleartext passwords (users.csv ``password``; 1.2
``userProfiles.csv``). Chalkline never reads them, and must not keep them on disk either: the
web upload is rewritten through ``scrub_package`` as soon as it is received, and only the copy
is stored. The copy holds the package's CSV files, each without its credential columns
(``password`` and any column whose name looks like a credential: ``pass``, ``pwd``, ``secret``,
``token``, ``credential``, ``pin``), and ``userProfiles.csv``/``demographics.csv`` emptied (they
are never read). Everything else is dropped (nested archives, documents: the importer ignores
them). The upload is read within the same zip limits as ``open_package``, and streamed: one
row at a time, never the whole file in memory.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import zipfile
from pathlib import PurePosixPath
from typing import IO

from .csvstream import _CREDENTIALISH
from .package import PackageError, UnsafePackageError, ZipLimits, _CountingReader, _zip_entries

EMPTIED = frozenset({"userprofiles", "demographics"})
_HEADER_MAX = 1 << 20  # the reader refuses a longer line too


def is_credential_column(name: str) -> bool:
    """True for ``password`` and for any column whose name looks like a credential."""
    return bool(_CREDENTIALISH.search(name.strip().lstrip("\ufeff")))


def scrub_package(
    source: IO[bytes], target: IO[bytes], *, limits: ZipLimits | None = None
) -> dict[str, list[str]]:
    """Write to ``target`` (a new, empty file) a zip of ``source``'s CSV files without their
    credentials. Returns, per rewritten file, the columns removed. Raises PackageError when the
    upload is not a zip, UnsafePackageError when it is hostile (the ``open_package`` checks)."""
    limits = limits or ZipLimits()
    try:
        zin = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise PackageError("the upload is not a zip file") from exc
    removed: dict[str, list[str]] = {}
    with zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as zout:
        entries = _zip_entries(zin, limits)
        for name, path in entries.items():
            if path.suffix.lower() != ".csv":
                continue
            info = zin.getinfo(name)
            out_info = zipfile.ZipInfo(name, date_time=info.date_time)
            out_info.compress_type = zipfile.ZIP_DEFLATED
            if path.stem.lower() in EMPTIED:
                zout.writestr(out_info, b"")
                continue
            drop = _credential_positions(zin, info)
            try:
                with (
                    _open(zin, info) as raw,
                    zout.open(out_info, "w", force_zip64=True) as out,
                ):
                    if drop:
                        _rewrite(raw, out, drop, name)
                        removed[PurePosixPath(name).name] = list(drop.values())
                    else:
                        shutil.copyfileobj(raw, out, 1 << 20)
            except zipfile.BadZipFile as exc:
                raise UnsafePackageError(f"{name}: damaged zip entry ({exc})") from exc
    return removed


def _open(zin: zipfile.ZipFile, info: zipfile.ZipInfo) -> io.BufferedReader:
    raw = _CountingReader(zin.open(info), info.file_size, info.filename)
    return io.BufferedReader(raw, buffer_size=1 << 20)


def _credential_positions(zin: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[int, str]:
    """The header's credential columns, by position (one pass over the first line only)."""
    with _open(zin, info) as raw:
        first = raw.readline(_HEADER_MAX)
    text = first.decode("utf-8-sig", errors="replace")
    try:
        header = next(csv.reader([text.rstrip("\r\n")]), [])
    except csv.Error:
        header = text.split(",")
    return {i: cell.strip() for i, cell in enumerate(header) if is_credential_column(cell)}


def _rewrite(raw: io.BufferedReader, out: IO[bytes], drop: dict[int, str], name: str) -> None:
    """Copy a CSV row by row without the columns in ``drop``. Bytes that are not UTF-8 are
    carried through unchanged (``surrogateescape``), so the importer still reports them."""
    first = raw.peek(_HEADER_MAX)[:_HEADER_MAX]
    newline = "\r\n" if b"\r\n" in first.split(b"\n", 1)[0] + b"\n" else "\n"
    bom = first.startswith(b"\xef\xbb\xbf")
    text_in = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")
    text_out = io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape", newline="")
    try:
        if bom:
            text_out.write("\ufeff")
        writer = csv.writer(text_out, lineterminator=newline)
        for row in csv.reader(text_in, strict=False):
            writer.writerow([cell for i, cell in enumerate(row) if i not in drop])
        text_out.flush()
    except csv.Error as exc:
        raise PackageError(
            f"{PurePosixPath(name).name} cannot be read to remove its credential columns ({exc})"
        ) from exc
    finally:
        text_out.detach()
        text_in.detach()


def scrub_file(source: IO[bytes], target_path: str, *, limits: ZipLimits | None = None) -> None:
    """``scrub_package`` into a new file created with mode 0600 (refuses to overwrite one)."""
    fd = os.open(target_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with open(fd, "wb") as target:
            scrub_package(source, target, limits=limits)
    except BaseException:
        os.unlink(target_path)
        raise
