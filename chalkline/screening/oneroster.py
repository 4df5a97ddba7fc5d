"""A small, tolerant OneRoster (1.1 and 1.2) CSV reader that feeds a RosterIndex.

Accepts a folder, a .zip, or a bare ``users.csv``. Headers are matched case-insensitively in any
order; a UTF-8 BOM, CRLF line ends and ``TRUE``/``true``/``1``/``yes`` are all fine. Roles come
from the 1.1 ``role`` column or from 1.2 ``roles.csv``. Guardian links are read from
``agentSourcedIds`` on either side. Optional files: ``classes.csv``, ``enrollments.csv``,
``demographics.csv`` (birthDate) and ``chalkline.json`` (district email domains and phone numbers).

Student flags are read from extension columns (first match wins):
``metadata.chalkline.directoryOptOut`` (alias ``ext_directory_opt_out``) and
``metadata.chalkline.mediaRelease`` (alias ``ext_media_release``); staff logo permission from
``metadata.chalkline.logoPermission`` (alias ``ext_logo_permission``).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from chalkline.lib.oneroster import UnsafePackageError, ZipLimits
from chalkline.lib.oneroster.package import _zip_entries

from .domains import district_domains_from_staff
from .index import RosterIndex, bulk_build
from .records import (
    ClassRecord,
    EnrollmentRecord,
    GuardianRecord,
    StaffRecord,
    StudentRecord,
)
from .types import RosterError

TRUE = frozenset({"true", "t", "yes", "y", "1"})
GUARDIAN_ROLES = frozenset({"parent", "guardian", "relative"})
OPT_OUT_COLS = ("metadata.chalkline.directoryoptout", "ext_directory_opt_out")
MEDIA_COLS = ("metadata.chalkline.mediarelease", "ext_media_release")
LOGO_COLS = ("metadata.chalkline.logopermission", "ext_logo_permission")

Row = dict[str, str]


def _bool(row: Row, cols: tuple[str, ...]) -> bool | None:
    for c in cols:
        v = row.get(c)
        if v is not None and v.strip() != "":
            return v.strip().lower() in TRUE
    return None


def _list(value: str | None) -> tuple[str, ...]:
    return tuple(x.strip() for x in (value or "").split(",") if x.strip())


class _Source:
    """The files of a roster: a folder, a zip (checked against the directory import's zip
    limits before anything is unpacked) or one bare ``users.csv``. Every failure is a
    RosterError naming the file."""

    def __init__(self, path: Path, limits: ZipLimits) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.names: dict[str, str] = {}
        if path.is_dir():
            self.names = {p.name.lower(): str(p) for p in path.iterdir() if p.is_file()}
        elif path.is_file():
            if _looks_like_zip(path):
                self._open_zip(limits)
            else:
                self.names = {"users.csv": str(path)}
        else:
            raise RosterError(f"roster {path}: not found")

    def _open_zip(self, limits: ZipLimits) -> None:
        try:
            self.zip = zipfile.ZipFile(self.path)
            # The same limits as the directory import: entry count, total size, compression
            # ratio (zip bombs), encrypted entries, unsafe names.
            _zip_entries(self.zip, limits)
        except (zipfile.BadZipFile, UnsafePackageError, EOFError) as exc:
            raise RosterError(f"roster {self.path}: not a readable zip ({exc})") from exc
        self.names = {
            n.rsplit("/", 1)[-1].lower(): n for n in self.zip.namelist() if not n.endswith("/")
        }

    def read_bytes(self, name: str) -> bytes | None:
        real = self.names.get(name)
        if real is None:
            return None
        if self.zip is None:
            return Path(real).read_bytes()
        info = self.zip.getinfo(real)
        try:
            with self.zip.open(info) as member:
                data = member.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise RosterError(f"roster {self.path}: {real} is damaged ({exc})") from exc
        if len(data) != info.file_size:
            raise RosterError(f"roster {self.path}: {real} is not the size it declares")
        return data

    def rows(self, name: str) -> Iterator[Row]:
        raw = self.read_bytes(name)
        if raw is None:
            return
        if b"\x00" in raw:
            what = "it" if self.path.is_file() and self.zip is None else name
            raise RosterError(f"roster {self.path}: {what} is not a CSV file (binary data)")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        reader = csv.reader(io.StringIO(text, newline=""))
        header = next(reader, None)
        if header is None:
            return
        keys = [h.strip().lstrip("\ufeff").lower() for h in header]
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            yield {k: v.strip() for k, v in zip(keys, values, strict=False)}


def _looks_like_zip(path: Path) -> bool:
    """A zip by its name or its first bytes, so that a truncated zip (no central directory,
    which ``zipfile.is_zipfile`` needs) is refused as a damaged zip, not read as a CSV."""
    if path.suffix.lower() == ".zip":
        return True
    with path.open("rb") as f:
        return f.read(4) in (b"PK\x03\x04", b"PK\x05\x06") or zipfile.is_zipfile(f)


def load_oneroster(
    path: str | Path, *, limits: ZipLimits | None = None, **config: Any
) -> RosterIndex:
    """Build a RosterIndex from a OneRoster folder, zip or bare users.csv.

    Raises RosterError (naming the file) when the roster cannot be read or holds no students:
    an index of nobody would pass every message."""
    try:
        return _load(Path(path), limits or ZipLimits(), config)
    except OSError as exc:
        raise RosterError(f"roster {path}: cannot be read ({exc.strerror or exc})") from exc


#: Where rosters put a student's preferred first name: OneRoster 1.2 ``preferredFirstName``,
#: the ``preferredGivenName`` some exports use, and a 1.1 ``metadata.*`` extension column.
PREFERRED_COLS = (
    "preferredfirstname",
    "preferredgivenname",
    "metadata.preferredfirstname",
    "metadata.preferredgivenname",
    "metadata.preferredname",
    "ext_preferred_first_name",
)


def _preferred(row: dict[str, str]) -> str:
    return next((v for c in PREFERRED_COLS if (v := row.get(c, "").strip())), "")


@bulk_build()
def _load(path: Path, limits: ZipLimits, config: dict[str, Any]) -> RosterIndex:
    src = _Source(path, limits)
    if "users.csv" not in src.names:
        raise RosterError(f"roster {path}: no users.csv")
    extra = src.read_bytes("chalkline.json")
    try:
        settings: dict[str, Any] = json.loads(extra) if extra else {}
    except (ValueError, RecursionError) as exc:
        raise RosterError(f"roster {path}: chalkline.json is not valid JSON") from exc
    if not isinstance(settings, dict):
        raise RosterError(f"roster {path}: chalkline.json must be a JSON object")
    settings.update(config)

    births = {r.get("sourcedid", ""): r.get("birthdate", "") for r in src.rows("demographics.csv")}
    roles12: dict[str, str] = {}
    for r in src.rows("roles.csv"):
        uid = r.get("usersourcedid", "")
        if uid and (r.get("roletype", "primary").lower() == "primary" or uid not in roles12):
            roles12[uid] = r.get("role", "")

    index = RosterIndex(
        district_domains=settings.get("district_domains", ()),
        student_email_domains=settings.get("student_email_domains", ()),
        district_phones=settings.get("district_phones", ()),
    )
    links: list[tuple[str, str]] = []  # (guardian, student)
    n_students = 0
    agents_of_student: list[tuple[str, tuple[str, ...]]] = []
    staff_emails: list[str] = []
    for r in src.rows("users.csv"):
        sid = r.get("sourcedid", "")
        if not sid or r.get("status", "").lower() == "tobedeleted":
            continue
        role = (r.get("role") or roles12.get(sid, "")).lower()
        given = r.get("givenname", "")
        family = r.get("familyname", "")
        orgs = _list(r.get("orgsourcedids"))
        if role == "student":
            media = _bool(r, MEDIA_COLS)
            index.upsert_student(
                StudentRecord(
                    sourced_id=sid,
                    given_name=given,
                    family_name=family,
                    preferred_name=_preferred(r),
                    middle_name=r.get("middlename", ""),
                    identifier=r.get("identifier", ""),
                    username=r.get("username", ""),
                    email=r.get("email", ""),
                    birth_date=births.get(sid, ""),
                    building_ids=orgs,
                    directory_opt_out=bool(_bool(r, OPT_OUT_COLS)),
                    media_release=bool(media),
                )
            )
            n_students += 1
            agents_of_student.append((sid, _list(r.get("agentsourcedids"))))
        elif role in GUARDIAN_ROLES:
            links.extend((sid, s) for s in _list(r.get("agentsourcedids")))
            links.append((sid, ""))
        elif role:
            staff_emails.append(r.get("email", ""))
            index.upsert_staff(
                StaffRecord(
                    sourced_id=sid,
                    given_name=given,
                    family_name=family,
                    email=r.get("email", ""),
                    username=r.get("username", ""),
                    building_ids=orgs,
                    logo_permission=bool(_bool(r, LOGO_COLS)),
                )
            )
    if not n_students:
        raise RosterError(
            f"roster {path}: no students in users.csv (is it a OneRoster users.csv, with "
            "sourcedId and role columns?)"
        )
    if not settings.get("district_domains"):
        # no configuration: the domains most staff addresses use (see domains.py)
        index.district_domains = frozenset(
            district_domains_from_staff(staff_emails, exclude=index.student_email_domains)
        )
    guardian_ids = {g for g, _ in links}
    for sid, agents in agents_of_student:
        links.extend((a, sid) for a in agents if a in guardian_ids or not index.is_staff(a))
    by_guardian: dict[str, list[str]] = {}
    for g, s in links:
        lst = by_guardian.setdefault(g, [])
        if s and s not in lst:
            lst.append(s)
    for g, students in by_guardian.items():
        index.upsert_guardian(GuardianRecord(sourced_id=g, student_ids=tuple(students)))

    for r in src.rows("classes.csv"):
        if r.get("sourcedid"):
            index.upsert_class(
                ClassRecord(r["sourcedid"], r.get("title", ""), r.get("schoolsourcedid", ""))
            )
    for r in src.rows("enrollments.csv"):
        if r.get("status", "").lower() == "tobedeleted":
            continue
        cid, uid = r.get("classsourcedid", ""), r.get("usersourcedid", "")
        if cid and uid:
            index.add_enrollment(EnrollmentRecord(cid, uid, r.get("role", "student") or "student"))
    return index.prepare()
