"""A token acts on its creator's standing: a leaver's tokens stop working (401)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.test import Client

from chalkline.api.services import create_api_token
from chalkline.people import services
from chalkline.people.models import Membership, Person, User
from chalkline.people.roles import Role
from chalkline.people.tests.roster_fixtures import ENROLLMENTS, PackageMaker, users
from conftest import make_district

BODY = {"text": "Hello families!", "sender": {"role": "teacher"}, "audience": {"kind": "public"}}


def screen(plain: str) -> Any:
    return Client().post(
        "/api/v1/screen",
        data=json.dumps(BODY),
        content_type="application/json",
        headers={"Authorization": f"Bearer {plain}"},
    )


def run(district: Any, path: Path) -> None:
    batch = services.start_directory_import(
        district=district,
        package_path=str(path),
        source_name=path.name,
        confirm_deactivations=True,
        by=None,
        enqueue=False,
    )
    services.run_directory_import(batch_id=batch.pk)


def test_a_leavers_token_gets_401_until_an_administrator_grants_again(db: Any, tmp_path: Path):
    district = make_district("springfield")
    make_package = PackageMaker(tmp_path)
    run(district, make_package())
    admin = User.objects.create_user(
        username="t1", person=Person.objects.get(district=district, sourced_id="t1")
    )
    services.grant_membership(user=admin, district=district, role=Role.NETWORK_ADMIN, by=None)
    _, plain = create_api_token(district=district, name="Hub relay", by=admin)
    assert screen(plain).status_code == 200

    run(
        district,
        make_package({"users.csv": users("p1", "s1", "s2", "g1"), "enrollments.csv": None}),
    )
    assert not Person.objects.get(sourced_id="t1").active
    response = screen(plain)
    assert response.status_code == 401
    assert response.json()["error"]["field"] == "Authorization"

    run(district, make_package({"enrollments.csv": ENROLLMENTS}))  # t1 comes back: nothing returns
    assert Person.objects.get(sourced_id="t1").active
    assert screen(plain).status_code == 401
    services.grant_membership(user=admin, district=district, role=Role.NETWORK_ADMIN, by=None)
    assert Membership.objects.get(user=admin).active
    assert screen(plain).status_code == 200


def test_a_token_whose_creator_lost_every_role_in_the_district_gets_401(db: Any):
    district = make_district("springfield")
    admin = User.objects.create_user(username="netadmin")
    membership = services.grant_membership(
        user=admin, district=district, role=Role.NETWORK_ADMIN, by=None
    )
    _, plain = create_api_token(district=district, name="Hub relay", by=admin)
    assert screen(plain).status_code == 200
    services.revoke_membership(membership=membership, by=None)
    assert screen(plain).status_code == 401
