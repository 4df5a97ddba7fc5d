"""Opening a OneRoster package (zip or folder) safely, and reading its manifest.

Nothing is extracted: each CSV is streamed straight out of the zip. A package that could be
hostile (path traversal, symlinks, encrypted entries, zip bombs, sizes that lie) is refused
with ``UnsafePackageError`` before anything is read.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Self

from . import readers
from .csvstream import FileSpec, iter_rows
from .records import (
    AcademicSessionRecord,
    ClassRecord,
    CourseRecord,
    EnrollmentRecord,
    FileMode,
    OrgRecord,
    RoleRecord,
    StudentFlagsRecord,
    UserRecord,
)
from .report import Report

# logical names (lower case) -> spec spelling, for the files Chalkline knows about
KNOWN_FILES: dict[str, str] = {
    n.lower(): n
    for n in (
        "orgs",
        "academicSessions",
        "courses",
        "classes",
        "users",
        "roles",
        "enrollments",
        "demographics",
        "userProfiles",
        "userResources",
        "categories",
        "classResources",
        "courseResources",
        "lineItems",
        "resources",
        "results",
        "scoreScales",
        "lineItemLearningObjectiveIds",
        "lineItemScoreScales",
        "resultLearningObjectiveIds",
        "resultScoreScales",
    )
}
READ_FILES = frozenset(
    {"orgs", "academicsessions", "courses", "classes", "users", "roles", "enrollments"}
)
NEVER_READ: dict[str, str] = {
    "demographics": "Chalkline never stores demographics",
    "userprofiles": "it can carry credentials, which Chalkline never reads",
}
FLAGS_FILE = "student_flags"
SUPPORTED_VERSIONS = ("1.1", "1.2")
MANIFEST_SPEC = FileSpec("manifest", ("propertyName", "value"), ("propertyName", "value"))
_DRIVE = re.compile(r"^[A-Za-z]:")


class PackageError(Exception):
    """The package cannot be read at all (no manifest, unsupported version, not a zip...)."""


class UnsafePackageError(PackageError):
    """The package looks hostile or damaged; nothing in it is read."""


@dataclass(frozen=True, slots=True)
class ZipLimits:
    max_total_bytes: int = 20 * 1024**3
    max_ratio: float = 100.0
    ratio_min_bytes: int = 1024 * 1024
    max_entries: int = 500


class _CountingReader(io.RawIOBase):
    """Refuses to return more bytes than the zip entry declared, or fewer at the end."""

    def __init__(self, inner: IO[bytes], declared: int, name: str) -> None:
        self._inner = inner
        self._left = declared
        self._name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        n = len(data)
        if n > self._left:
            raise UnsafePackageError(f"{self._name}: more data than its declared size")
        if n == 0 and self._left > 0:
            raise UnsafePackageError(f"{self._name}: less data than its declared size")
        self._left -= n
        buffer[:n] = data
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


def _check_entry_name(name: str) -> PurePosixPath:
    clean = name.replace("\\", "/")
    if "\x00" in clean or clean.startswith("/") or _DRIVE.match(clean):
        raise UnsafePackageError(f"zip entry {name!r} has an absolute path")
    path = PurePosixPath(clean)
    if ".." in path.parts:
        raise UnsafePackageError(f"zip entry {name!r} climbs out of the package ('..')")
    return path


@dataclass
class Package:
    """An opened package. Use as a context manager; the readers live in ``readers``."""

    location: str
    version: str
    manifest: dict[str, str]
    modes: dict[str, FileMode]
    report: Report
    skipped: list[str] = field(default_factory=list)
    _entries: dict[str, str] = field(default_factory=dict)
    _zip: zipfile.ZipFile | None = None
    _folder: Path | None = None
    _org_types: dict[str, str] | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
            self._zip = None

    def mode(self, name: str) -> FileMode:
        return self.modes.get(name.lower(), FileMode.ABSENT)

    def is_delta(self, name: str) -> bool:
        return self.mode(name) is FileMode.DELTA

    def has(self, name: str) -> bool:
        """True when the file is present and is to be read."""
        low = name.lower()
        if low == FLAGS_FILE:
            return low in self._entries
        return low in self._entries and self.mode(low) is not FileMode.ABSENT

    def file_name(self, name: str) -> str:
        return PurePosixPath(self._entries[name.lower()]).name

    @contextmanager
    def open(self, name: str) -> Iterator[IO[bytes]]:
        entry = self._entries[name.lower()]
        if self._zip is not None:
            info = self._zip.getinfo(entry)
            with self._zip.open(info) as inner:
                raw = _CountingReader(inner, info.file_size, entry)
                with io.BufferedReader(raw, buffer_size=1 << 20) as stream:
                    try:
                        yield stream
                    except zipfile.BadZipFile as exc:
                        raise UnsafePackageError(f"{entry}: damaged zip entry ({exc})") from exc
        else:
            assert self._folder is not None  # noqa: S101 - a package is a zip or a folder
            fd = os.open(self._folder / entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with open(fd, "rb", buffering=1 << 20) as stream:
                yield stream

    def content_digest(self) -> str:
        """SHA-256 of what the importer reads: the manifest and the files it imports, by name,
        decompressed. Zip metadata (timestamps, compression, entry order) does not count, so a
        nightly export that is re-zipped with the same content has the same digest; files the
        importer never reads (``userProfiles``, ``demographics``) are not opened. Streams, within
        the same zip limits as the readers."""
        lines = [f"oneroster-package {self.version}"]
        wanted = READ_FILES | {"manifest", FLAGS_FILE}
        for key in sorted(k for k in self._entries if k in wanted):
            one = hashlib.sha256()
            size = 0
            with self.open(key) as stream:
                while chunk := stream.read(1 << 20):
                    size += len(chunk)
                    one.update(chunk)
            lines.append(f"{key} {size} {one.hexdigest()}")
        return hashlib.sha256("\n".join(lines).encode()).hexdigest()

    # ---- streaming readers; each opens its file and yields records (errors go to the report)

    def _rep(self, report: Report | None) -> Report:
        return self.report if report is None else report

    def orgs(self, report: Report | None = None) -> Iterator[OrgRecord]:
        if self.has("orgs"):
            with self.open("orgs") as raw:
                yield from readers.read_orgs(
                    raw,
                    file=self.file_name("orgs"),
                    delta=self.is_delta("orgs"),
                    report=self._rep(report),
                )

    def academic_sessions(self, report: Report | None = None) -> Iterator[AcademicSessionRecord]:
        if self.has("academicSessions"):
            with self.open("academicSessions") as raw:
                yield from readers.read_academic_sessions(
                    raw,
                    file=self.file_name("academicSessions"),
                    delta=self.is_delta("academicSessions"),
                    report=self._rep(report),
                )

    def courses(self, report: Report | None = None) -> Iterator[CourseRecord]:
        if self.has("courses"):
            with self.open("courses") as raw:
                yield from readers.read_courses(
                    raw,
                    file=self.file_name("courses"),
                    delta=self.is_delta("courses"),
                    report=self._rep(report),
                )

    def classes(self, report: Report | None = None) -> Iterator[ClassRecord]:
        if self.has("classes"):
            with self.open("classes") as raw:
                yield from readers.read_classes(
                    raw,
                    file=self.file_name("classes"),
                    delta=self.is_delta("classes"),
                    report=self._rep(report),
                )

    def users(self, report: Report | None = None) -> Iterator[UserRecord]:
        if self.has("users"):
            with self.open("users") as raw:
                yield from readers.read_users(
                    raw,
                    version=self.version,
                    file=self.file_name("users"),
                    delta=self.is_delta("users"),
                    report=self._rep(report),
                )

    def roles(self, report: Report | None = None) -> Iterator[RoleRecord]:
        """1.2: roles.csv. 1.1: derived from users.csv (role + orgSourcedIds)."""
        if self.version == "1.1":
            yield from readers.roles_from_users(self.users(report), self.org_types())
        elif self.has("roles"):
            with self.open("roles") as raw:
                yield from readers.read_roles(
                    raw,
                    org_types=self.org_types(),
                    file=self.file_name("roles"),
                    delta=self.is_delta("roles"),
                    report=self._rep(report),
                )

    def enrollments(self, report: Report | None = None) -> Iterator[EnrollmentRecord]:
        if self.has("enrollments"):
            with self.open("enrollments") as raw:
                yield from readers.read_enrollments(
                    raw,
                    file=self.file_name("enrollments"),
                    delta=self.is_delta("enrollments"),
                    report=self._rep(report),
                )

    def student_flags(self, report: Report | None = None) -> Iterator[StudentFlagsRecord]:
        """The Chalkline extension file student_flags.csv, when present."""
        if self.has(FLAGS_FILE):
            with self.open(FLAGS_FILE) as raw:
                yield from readers.read_student_flags(
                    raw,
                    file=self.file_name(FLAGS_FILE),
                    report=self.report if report is None else report,
                )

    def org_types(self) -> dict[str, str]:
        """sourcedId -> org type, read once (orgs.csv is small); problems are not reported."""
        if self._org_types is None:
            self._org_types = {o.sourced_id: o.type for o in self.orgs(Report(cap_per_code=0))}
        return self._org_types


def _zip_entries(zf: zipfile.ZipFile, limits: ZipLimits) -> dict[str, PurePosixPath]:
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise UnsafePackageError(f"the zip has {len(infos)} entries (limit {limits.max_entries})")
    total = 0
    found: dict[str, PurePosixPath] = {}
    for info in infos:
        path = _check_entry_name(info.filename)
        mode = info.external_attr >> 16
        if info.create_system == 3 and stat.S_ISLNK(mode):
            raise UnsafePackageError(f"zip entry {info.filename!r} is a symbolic link")
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise UnsafePackageError(f"zip entry {info.filename!r} is encrypted")
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnsafePackageError(
                f"the zip unpacks to more than {limits.max_total_bytes} bytes (limit)"
            )
        if info.file_size > limits.ratio_min_bytes and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise UnsafePackageError(
                f"zip entry {info.filename!r} is compressed more than {limits.max_ratio:g}:1 "
                "(a zip bomb?)"
            )
        if info.filename in found:
            raise UnsafePackageError(f"zip entry {info.filename!r} appears twice")
        found[info.filename] = path
    return found


def _folder_entries(folder: Path) -> dict[str, PurePosixPath]:
    found: dict[str, PurePosixPath] = {}
    for child in sorted(folder.iterdir()):
        if child.is_symlink():
            raise UnsafePackageError(f"{child.name!r} is a symbolic link")
        if child.is_file():
            found[child.name] = PurePosixPath(child.name)
    return found


def _read_manifest(pkg: Package, report: Report) -> None:
    name = pkg.file_name("manifest")
    with pkg.open("manifest") as raw:
        for row in iter_rows(raw, file=name, spec=MANIFEST_SPEC, report=report):
            key = row.text("propertyName")
            if key:
                pkg.manifest[key.lower()] = row.text("value")
    if not pkg.manifest:
        raise PackageError(f"{name} is unreadable or empty")


def open_package(
    path: str | os.PathLike[str],
    *,
    limits: ZipLimits | None = None,
    report: Report | None = None,
) -> Package:
    """Open a zip or a folder, check it is safe, read ``manifest.csv``. Raises PackageError."""
    limits = limits or ZipLimits()
    report = report if report is not None else Report()
    location = Path(path)
    zf: zipfile.ZipFile | None = None
    if location.is_dir():
        entries = _folder_entries(location)
    elif location.is_file():
        try:
            zf = zipfile.ZipFile(location)
        except zipfile.BadZipFile as exc:
            raise PackageError(f"{location.name} is not a zip file or a folder") from exc
        try:
            entries = _zip_entries(zf, limits)
        except Exception:
            zf.close()
            raise
    else:
        raise PackageError(f"{location.name} does not exist")
    pkg = Package(
        location=str(location),
        version="",
        manifest={},
        modes={},
        report=report,
        _zip=zf,
        _folder=location if zf is None else None,
    )
    try:
        _index_entries(pkg, entries, report)
        _read_manifest(pkg, report)
        _apply_manifest(pkg, report)
    except Exception:
        pkg.close()
        raise
    return pkg


def _index_entries(pkg: Package, entries: dict[str, PurePosixPath], report: Report) -> None:
    manifests = [p for p in entries.values() if p.name.lower() == "manifest.csv"]
    if not manifests:
        raise PackageError("the package has no manifest.csv")
    if len(manifests) > 1:
        raise PackageError("the package has more than one manifest.csv")
    base = manifests[0].parent
    for entry, path in entries.items():
        if path.parent != base or path.suffix.lower() != ".csv":
            report.info("ignored_entry", str(path), "not a CSV beside manifest.csv; ignored")
            continue
        key = path.stem.lower()
        if key in pkg._entries:
            raise PackageError(f"{path.name} and {pkg._entries[key]} name the same file")
        pkg._entries[key] = entry


def _apply_manifest(pkg: Package, report: Report) -> None:
    mname = pkg.file_name("manifest")
    version = pkg.manifest.get("oneroster.version", "").strip()
    if version not in SUPPORTED_VERSIONS:
        raise PackageError(
            f"{mname}: oneroster.version is {version or 'missing'!r}; "
            f"supported: {', '.join(SUPPORTED_VERSIONS)}"
        )
    pkg.version = version
    for key, value in pkg.manifest.items():
        if not key.startswith("file."):
            continue
        low = key[5:]
        mode_text = value.strip().lower() or "absent"
        try:
            mode = FileMode(mode_text)
        except ValueError:
            report.error(
                "manifest_value", mname, None, key, f"{value!r} is not bulk, delta or absent"
            )
            mode = FileMode.ABSENT
        pkg.modes[low] = mode
    for low, entry in pkg._entries.items():
        if low in ("manifest", FLAGS_FILE):
            continue
        fname = PurePosixPath(entry).name
        if low in NEVER_READ:
            pkg.skipped.append(fname)
            report.info("file_skipped", fname, f"not read: {NEVER_READ[low]}")
        elif low not in KNOWN_FILES:
            report.info("unknown_file", fname, "not a OneRoster file; ignored")
        elif pkg.mode(low) is FileMode.ABSENT:
            report.warning(
                "file_not_in_manifest",
                fname,
                None,
                None,
                "present but the manifest marks it absent; ignored",
            )
        elif low not in READ_FILES:
            report.info("file_unused", fname, "Chalkline does not use this file")
    for low, mode in pkg.modes.items():
        if mode is not FileMode.ABSENT and low not in pkg._entries:
            spelled = KNOWN_FILES.get(low, low)
            report.error(
                "missing_file",
                f"{spelled}.csv",
                None,
                None,
                f"the manifest says file.{spelled} is {mode} but the file is not in the package",
            )
    if pkg.version == "1.1" and pkg.mode("roles") is not FileMode.ABSENT:
        report.warning("file_unused", "roles.csv", None, None, "roles.csv is a 1.2 file; ignored")
        pkg.modes["roles"] = FileMode.ABSENT
