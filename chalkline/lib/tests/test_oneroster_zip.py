"""Hostile packages are refused before anything is read."""

from __future__ import annotations

import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from chalkline.lib.oneroster import (
    PackageError,
    Report,
    UnsafePackageError,
    ZipLimits,
    open_package,
)

from .conftest import MakePackage


def _zip_with(
    tmp_path: Path, make_package: MakePackage, extra: zipfile.ZipInfo, data: bytes
) -> Path:
    base = make_package(as_zip=True)
    target = tmp_path / "hostile.zip"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr(extra, data)
    return target


@pytest.mark.parametrize(
    "name", ["../evil.csv", "a/../../evil.csv", "/etc/evil.csv", "C:/evil.csv", "..\\evil.csv"]
)
def test_entries_escaping_the_package_are_refused(
    tmp_path: Path, make_package: MakePackage, name: str
) -> None:
    info = zipfile.ZipInfo("placeholder.csv")
    info.filename = name  # bypass ZipInfo's own clean-up, as a hostile tool would
    path = _zip_with(tmp_path, make_package, info, b"x\n")
    with pytest.raises(UnsafePackageError, match="climbs|absolute"):
        open_package(path)


def test_symlink_entries_are_refused(tmp_path: Path, make_package: MakePackage) -> None:
    info = zipfile.ZipInfo("link.csv")
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    path = _zip_with(tmp_path, make_package, info, b"/etc/passwd")
    with pytest.raises(UnsafePackageError, match="symbolic link"):
        open_package(path)


def test_symlinks_in_a_folder_are_refused(tmp_path: Path, make_package: MakePackage) -> None:
    folder = make_package()
    (folder / "users.csv").unlink()
    os.symlink("/etc/passwd", folder / "users.csv")
    with pytest.raises(UnsafePackageError, match="symbolic link"):
        open_package(folder)


def test_zip_bomb_is_refused_by_ratio(tmp_path: Path, make_package: MakePackage) -> None:
    base = make_package(as_zip=True)
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "users.csv":
                dst.writestr(info, src.read(info))
        zeros = bytes(1 << 20)
        with dst.open("users.csv", "w", force_zip64=True) as out:
            for _ in range(32):  # 32 MB of zeros -> ~32 KB
                out.write(zeros)
    with pytest.raises(UnsafePackageError, match="zip bomb"):
        open_package(path)


def test_total_size_limit(make_package: MakePackage) -> None:
    with pytest.raises(UnsafePackageError, match="more than 1000 bytes"):
        open_package(make_package(as_zip=True), limits=ZipLimits(max_total_bytes=1000))


def _patch_central(path: Path, name: bytes, offset: int, fmt: str, value: int) -> None:
    """Overwrite a field of one central-directory record, as a forged zip would."""
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46 : pos + 46 + name_len]) == name:
            struct.pack_into(fmt, data, pos + offset, value)
            path.write_bytes(bytes(data))
            return
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(name)


def test_an_entry_larger_than_declared_is_refused(make_package: MakePackage) -> None:
    path = make_package(as_zip=True)
    with zipfile.ZipFile(path) as zf:
        size = zf.getinfo("users.csv").file_size
    _patch_central(path, b"users.csv", 24, "<I", size // 2)
    with open_package(path) as pkg, pytest.raises(UnsafePackageError):
        list(pkg.users(Report()))


def test_encrypted_entries_are_refused(make_package: MakePackage) -> None:
    path = make_package(as_zip=True)
    _patch_central(path, b"orgs.csv", 8, "<H", 0x1)
    with pytest.raises(UnsafePackageError, match="encrypted"):
        open_package(path)


def test_duplicate_entries_are_refused(tmp_path: Path, make_package: MakePackage) -> None:
    info = zipfile.ZipInfo("orgs.csv")
    with pytest.warns(UserWarning, match="Duplicate name"):
        path = _zip_with(tmp_path, make_package, info, b"x\n")
    with pytest.raises(UnsafePackageError, match="twice"):
        open_package(path)


def test_not_a_zip(tmp_path: Path) -> None:
    bogus = tmp_path / "roster.zip"
    bogus.write_bytes(b"not a zip")
    with pytest.raises(PackageError, match="not a zip"):
        open_package(bogus)


def test_a_package_inside_one_folder_of_the_zip_is_read(
    tmp_path: Path, make_package: MakePackage
) -> None:
    base = make_package(as_zip=True)
    path = tmp_path / "nested.zip"
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            dst.writestr("export-2024/" + info.filename, src.read(info))
        dst.writestr("README.txt", "hello")
    with open_package(path) as pkg:
        assert len(list(pkg.users())) == 3
        assert pkg.report.count("ignored_entry") == 1
