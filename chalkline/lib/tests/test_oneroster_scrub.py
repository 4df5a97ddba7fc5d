"""scrub_package: the stored copy of an upload has no credential columns, and reads as the
original did (line endings, BOM, quoted newlines, bytes that are not UTF-8)."""

from __future__ import annotations

import io
import zipfile

import pytest

from chalkline.lib.oneroster import PackageError, UnsafePackageError, ZipLimits
from chalkline.lib.oneroster.scrub import scrub_package


def zipped(files: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    out.seek(0)
    return out


def scrubbed(files: dict[str, bytes], **kwargs: object) -> tuple[dict[str, bytes], object]:
    target = io.BytesIO()
    removed = scrub_package(zipped(files), target, **kwargs)  # type: ignore[arg-type]
    with zipfile.ZipFile(target) as zf:
        return {n: zf.read(n) for n in zf.namelist()}, removed


def test_it_removes_password_and_credential_looking_columns_only():
    users = (
        b"\xef\xbb\xbfsourcedId,password,givenName,metadata.pin,ext_token,note\r\n"
        b'u1,pw1,"Ann\r\nMarie",1234,tok,caf\xe9\r\n'
        b"u2,,Bo,,,\r\n"
    )
    files, removed = scrubbed({"export/users.csv": users, "export/orgs.csv": b"sourcedId\no1\n"})
    assert removed == {"users.csv": ["password", "metadata.pin", "ext_token"]}
    assert files["export/users.csv"] == (
        b'\xef\xbb\xbfsourcedId,givenName,note\r\nu1,"Ann\r\nMarie",caf\xe9\r\nu2,Bo,\r\n'
    )
    assert files["export/orgs.csv"] == b"sourcedId\no1\n"  # untouched files are copied as-is


def test_it_empties_never_read_files_and_drops_everything_else():
    files, _ = scrubbed(
        {
            "userProfiles.csv": b"sourcedId,credentialType,username\np1,pw,secret-user\n",
            "demographics.csv": b"sourcedId,birthDate\nu1,2010-01-01\n",
            "passwords.xlsx": b"secret",
            "nested.zip": b"PK...",
        }
    )
    assert files == {"userProfiles.csv": b"", "demographics.csv": b""}


def test_it_refuses_what_open_package_refuses():
    with pytest.raises(PackageError, match="not a zip"):
        scrub_package(io.BytesIO(b"hello"), io.BytesIO())
    bomb = {"users.csv": b"a" * (2 * 1024 * 1024)}
    with pytest.raises(UnsafePackageError, match="zip bomb"):
        scrub_package(zipped(bomb), io.BytesIO(), limits=ZipLimits(max_ratio=10))
    with pytest.raises(UnsafePackageError, match="climbs out"):
        scrub_package(zipped({"../users.csv": b"x"}), io.BytesIO())
