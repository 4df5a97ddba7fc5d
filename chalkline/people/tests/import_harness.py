"""Processes for test_import_processes.py to kill (run with ``python -m``; not a test module).

``upload N``: a real web import through the upload view (the Immediate backend runs it inside
the request), of a package whose N students carry passwords, stored uncompressed so that a
copy with them is visible in the bytes. ``validator``: an import's validator child, kept busy;
prints its pid."""

from __future__ import annotations

import io
import sys
import time
import zipfile

import django


def roster(n: int) -> bytes:
    from chalkline.people.tests.roster_fixtures import ORGS, USERS_HEADER, manifest

    users = io.StringIO()
    users.write(USERS_HEADER)
    for i in range(n):
        users.write(
            f"s{i},active,2024-01-02,true,org-n,student,s{i},,Sam{i},Stu,,S{i},,,,,10,"
            f"Zq9-secret-{i},,\n"
        )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("manifest.csv", manifest("1.1", {"orgs": "bulk", "users": "bulk"}))
        zf.writestr("orgs.csv", ORGS)
        zf.writestr("users.csv", users.getvalue())
    return out.getvalue()


def upload(n: int) -> None:
    from django.test import Client
    from django.urls import reverse

    from chalkline.people.models import User
    from chalkline.people.roles import Role
    from chalkline.people.services import create_district, grant_membership

    district = create_district(name="Springfield SD", slug="springfield", by=None)
    user = User.objects.create_user(username="hr", password="x-unused-x")
    grant_membership(user=user, district=district, role=Role.HR, by=None)
    client = Client()
    client.force_login(user)
    package = io.BytesIO(roster(n))
    package.name = "export.zip"
    response = client.post(reverse("people:import_upload"), {"package": package})
    print("done", response.status_code, flush=True)


def validator() -> None:
    from chalkline.lib.oneroster import Report, open_package
    from chalkline.people.roster_import.validation import Validation

    path = "/tmp/chalkline-harness-package.zip"  # noqa: S108 - a throwaway test file
    with open(path, "wb") as out:
        out.write(roster(10))
    with open_package(path) as pkg, Validation(pkg, report=Report(), parallel=True) as v:
        assert v.pool is not None and v.pending is not None
        v.pending.result()
        v.pool.submit(time.sleep, 600)  # the child stays busy, as with a large package
        (pid,) = list(v.pool._processes)
        print("child", pid, flush=True)
        time.sleep(600)


if __name__ == "__main__":
    django.setup()
    if sys.argv[1] == "upload":
        upload(int(sys.argv[2]))
    else:
        validator()
