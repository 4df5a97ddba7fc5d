"""Small OneRoster packages for the import tests, written into a temporary folder."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from chalkline.people.models import (
    Affiliation,
    Building,
    Enrollment,
    GuardianLink,
    Person,
    RoleSuggestion,
    RosterOrg,
    SchoolClass,
)

SAMPLES = Path(__file__).resolve().parents[3].parent / "shared" / "oneroster-samples"
if not SAMPLES.is_dir():
    SAMPLES = Path("/work/shared/oneroster-samples")

ORGS = (
    "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"
    "org-d,active,2024-01-02,Springfield SD,district,SD1,\n"
    "org-n,active,2024-01-02,North High School,school,NHS,org-d\n"
    "org-e,active,2024-01-02,Elm Elementary,school,ELM,org-d\n"
)
USERS_HEADER = (
    "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,"
    "givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password,"
    "metadata.chalkline.directoryOptOut,metadata.chalkline.mediaRelease\n"
)
USER_ROWS = {
    "t1": "t1,active,2024-01-02,true,org-n,teacher,t1,,Tess,Teach,,E100,t1@x.org,,,,,hunter2secret,,\n",
    "p1": "p1,active,2024-01-02,true,org-n,administrator,p1,,Pria,Prince,,E200,p1@x.org,,,,,,,\n",
    "s1": "s1,active,2024-01-02,true,org-n,student,s1,,Sam,Stu,,S100,,,,g1,10,,true,false\n",
    "s2": "s2,active,2024-01-02,true,org-e,student,s2,,Ada,Stu,,S200,,,,,03,,,true\n",
    "g1": "g1,active,2024-01-02,true,org-n,parent,g1,,Gil,Guard,,,g1@x.org,,,,,,,\n",
}
CLASSES = (
    "sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,classType,"
    "location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,periods\n"
    "c1,active,2024-01-02,Algebra,10,crs1,ALG,scheduled,,org-n,,,,\n"
)
ENR_HEADER = (
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
    "primary,beginDate,endDate\n"
)
ENROLLMENTS = (
    ENR_HEADER + "e1,active,2024-01-02,c1,org-n,s1,student,false,2024-08-20,2025-06-01\n"
    "e2,active,2024-01-02,c1,org-n,t1,teacher,true,,\n"
)


def users(*keys: str, extra: str = "") -> str:
    return USERS_HEADER + "".join(USER_ROWS[k] for k in keys) + extra


def manifest(version: str, modes: dict[str, str]) -> str:
    lines = ["propertyName,value", "manifest.version,1.0", f"oneroster.version,{version}"]
    lines += [f"file.{name},{mode}" for name, mode in modes.items()]
    return "\n".join(lines) + "\n"


class PackageMaker:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.n = 0

    def __call__(
        self,
        files: dict[str, str | bytes | None] | None = None,
        *,
        version: str = "1.1",
        modes: dict[str, str] | None = None,
        as_zip: bool = False,
    ) -> Path:
        content: dict[str, str | bytes | None] = {
            "orgs.csv": ORGS,
            "users.csv": users("t1", "p1", "s1", "s2", "g1"),
            "classes.csv": CLASSES,
            "enrollments.csv": ENROLLMENTS,
        }
        content.update(files or {})
        present = {k: v for k, v in content.items() if v is not None}
        declared = {
            Path(k).stem: "bulk" for k in present if k not in ("student_flags.csv", "manifest.csv")
        }
        declared.update(modes or {})
        if "manifest.csv" not in present:
            present["manifest.csv"] = manifest(version, declared)
        self.n += 1
        folder = self.root / f"pkg{self.n}"
        folder.mkdir(parents=True)
        for name, data in present.items():
            assert data is not None
            (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)
        if not as_zip:
            return folder
        zpath = folder.with_suffix(".zip")
        with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
            for child in sorted(folder.iterdir()):
                zf.write(child, child.name)
        return zpath


def directory_snapshot() -> str:
    """A digest of every directory table the import writes: equal digests, same directory."""
    digest = hashlib.sha256()
    for model in (
        Building,
        RosterOrg,
        Person,
        Affiliation,
        GuardianLink,
        SchoolClass,
        Enrollment,
        RoleSuggestion,
    ):
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
        digest.update(model.__name__.encode())
    return digest.hexdigest()
