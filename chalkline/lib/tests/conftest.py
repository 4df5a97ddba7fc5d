"""Builders for small OneRoster packages written into tmp_path."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

ORGS = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n" + (
    "org-d,active,2024-01-02,Springfield SD,district,SD1,\n"
    "org-n,active,2024-01-02,North High,school,NHS,org-d\n"
)
USERS_11 = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n"
    "t1,active,2024-01-02,true,org-n,teacher,t1,,Tess,Teach,,E100,t1@x.org,,,,,secret\n"
    "s1,active,2024-01-02,true,org-n,student,s1,,Sam,Stu,,S100,,,,g1,10,\n"
    "g1,active,2024-01-02,true,org-n,parent,g1,,Gil,Guard,,,g1@x.org,,,,,\n"
)
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
    "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
    "c1,active,2024-01-02,Algebra,10,crs1,ALG,scheduled,,org-n,,,,\n"
)
ENROLLMENTS = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate\n"
    "e1,active,2024-01-02,c1,org-n,s1,student,false,2024-08-20,2025-06-01\n"
    "e2,active,2024-01-02,c1,org-n,t1,teacher,true,,\n"
)

MakePackage = Callable[..., Path]


def manifest(version: str, modes: dict[str, str]) -> str:
    lines = ["propertyName,value", "manifest.version,1.0", f'"oneroster.version","{version}"']
    lines += [f"file.{name},{mode}" for name, mode in modes.items()]
    return "\n".join(lines) + "\n"


@pytest.fixture
def make_package(tmp_path: Path) -> MakePackage:
    """make_package({"users.csv": text_or_bytes, ...}, version=, as_zip=) -> path.

    Every CSV given (except student_flags.csv) is declared bulk unless ``modes`` says
    otherwise. Defaults give a small valid 1.1 package; pass a file as None to leave it out.
    """
    counter = iter(range(1000))

    def make(
        files: dict[str, str | bytes | None] | None = None,
        *,
        version: str = "1.1",
        modes: dict[str, str] | None = None,
        as_zip: bool = False,
    ) -> Path:
        content: dict[str, str | bytes | None] = {
            "orgs.csv": ORGS,
            "users.csv": USERS_11,
            "classes.csv": CLASSES,
            "enrollments.csv": ENROLLMENTS,
        }
        content.update(files or {})
        present = {k: v for k, v in content.items() if v is not None}
        declared = {
            Path(k).stem: "bulk" for k in present if k not in ("student_flags.csv", "manifest.csv")
        }
        declared.update(modes or {})
        if "manifest.csv" not in content:
            present["manifest.csv"] = manifest(version, declared)
        folder = tmp_path / f"pkg{next(counter)}"
        folder.mkdir()
        for name, data in present.items():
            raw = data.encode() if isinstance(data, str) else data
            assert raw is not None
            (folder / name).write_bytes(raw)
        if not as_zip:
            return folder
        zpath = folder.with_suffix(".zip")
        with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
            for child in sorted(folder.iterdir()):
                zf.write(child, child.name)
        return zpath

    return make
