"""Leavers lose access: a person deactivated by a directory import can no longer sign in, their
sessions end, their roles are suspended (not revoked) and one audit event says so. A mass
deactivation asks for confirmation; the last superintendent is never cut off."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.people import services
from chalkline.people.models import (
    Building,
    District,
    ImportBatch,
    Membership,
    Person,
    User,
    UserSession,
)
from chalkline.people.roles import Role
from chalkline.people.tests.roster_fixtures import ENROLLMENTS, PackageMaker, users
from conftest import make_district

PASSWORD = "correct horse battery staple"
WITHOUT_P1: dict[str, str | bytes | None] = {
    "users.csv": users("t1", "s1", "s2", "g1"),
    "enrollments.csv": ENROLLMENTS,
}


@pytest.fixture
def make_package(tmp_path: Path) -> PackageMaker:
    return PackageMaker(tmp_path)


@pytest.fixture
def district(db: Any) -> District:
    return make_district("springfield", "Springfield SD")


def run(district: District, path: Path, **kwargs: Any) -> ImportBatch:
    batch = services.start_directory_import(
        district=district,
        package_path=str(path),
        source_name=path.name,
        by=None,
        enqueue=False,
        **kwargs,
    )
    return services.run_directory_import(batch_id=batch.pk)


def account(district: District, sourced_id: str, role: Role, building: Building | None) -> User:
    person = Person.objects.get(district=district, sourced_id=sourced_id)
    user = User.objects.create_user(username=sourced_id, password=PASSWORD, person=person)
    services.grant_membership(user=user, district=district, role=role, building=building, by=None)
    return user


@pytest.fixture
def principal(district: District, make_package: PackageMaker) -> User:
    """The principal of North High School, imported as p1, signed in once already."""
    run(district, make_package())
    north = Building.objects.get(district=district, sourced_id="org-n")
    # a superintendent with no person record, so p1 is never the last one
    boss = User.objects.create_user(username="boss", password=PASSWORD)
    services.grant_membership(user=boss, district=district, role=Role.SUPERINTENDENT, by=None)
    return account(district, "p1", Role.PRINCIPAL, north)


def sign_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "the sign-in should succeed"
    return client


def building_page(district: District) -> str:
    north = Building.objects.get(district=district, sourced_id="org-n")
    return reverse("people:building", args=[north.pk])


def test_a_principal_deactivated_by_an_import_loses_sign_in_sessions_and_roles(
    district: District, principal: User, make_package: PackageMaker
):
    client = sign_in("p1")
    assert client.get(building_page(district)).status_code == 200
    assert UserSession.objects.filter(user_id=principal.pk).count() == 1

    batch = run(district, make_package(WITHOUT_P1), confirm_deactivations=True)

    assert batch.status == ImportBatch.Status.SUCCEEDED
    # the open session is gone: the next request is sent to sign in
    response = client.get(building_page(district))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not UserSession.objects.filter(user_id=principal.pk).exists()
    # and a new sign-in is refused with the generic error
    again = Client().post(reverse("login"), {"username": "p1", "password": PASSWORD})
    assert again.status_code == 200
    # the role is suspended, with a reason that tells it from a revocation
    membership = Membership.objects.get(user=principal)
    assert not membership.active and membership.suspended
    assert membership.suspension_reason == f"Person deactivated by import #{batch.pk}"
    assert membership.suspended_at is not None
    # one summary event lists who lost access
    event = AuditEvent.objects.get(action="access.suspended")
    assert event.target_id == str(batch.pk)
    assert event.after_data["people"] == [principal.person_id]
    assert event.after_data["memberships"] == [membership.pk]
    assert event.after_data["sessions_ended"] == 1
    assert "access_suspended" in {i["code"] for i in batch.issues}


def test_a_revocation_is_not_a_suspension(district: District, principal: User):
    membership = Membership.objects.get(user=principal)
    services.revoke_membership(membership=membership, by=None)
    membership.refresh_from_db()
    assert not membership.active and not membership.suspended


def test_coming_back_restores_nothing_until_an_administrator_grants_again(
    district: District, principal: User, make_package: PackageMaker
):
    run(district, make_package(WITHOUT_P1), confirm_deactivations=True)
    back = run(district, make_package(), confirm_deactivations=True)
    assert back.counts["staff"]["reactivated"] == 1
    assert Person.objects.get(user=principal).active
    membership = Membership.objects.get(user=principal)
    assert not membership.active  # still suspended
    client = sign_in("p1")  # the person is active again: the account may sign in ...
    assert client.get(building_page(district)).status_code != 200  # ... but holds no role
    services.grant_membership(
        user=principal,
        district=district,
        role=Role.PRINCIPAL,
        building=membership.building,
        by=User.objects.get(username="boss"),
    )
    membership.refresh_from_db()
    assert membership.active and membership.suspension_reason == ""
    assert client.get(building_page(district)).status_code == 200


def test_a_mass_deactivation_is_refused_with_the_count_until_confirmed(
    district: District, principal: User, make_package: PackageMaker
):
    before = Membership.objects.get(user=principal)
    with pytest.raises(CommandError, match=r"would deactivate 1 of the district's 5 active"):
        call_command("import_roster", str(make_package(WITHOUT_P1)), district="springfield")
    refused = ImportBatch.objects.filter(district=district).first()
    assert refused is not None and refused.status == ImportBatch.Status.FAILED
    assert "would deactivate 1 of the district's 5 active people (20%)" in refused.message
    assert "too_many_deactivations" in {i["code"] for i in refused.issues}
    assert Person.objects.get(user=principal).active  # nothing was applied
    assert Membership.objects.get(pk=before.pk).active
    call_command(
        "import_roster",
        str(make_package(WITHOUT_P1)),
        district="springfield",
        confirm_deactivations=True,
    )
    assert not Person.objects.get(user=principal).active
    assert not Membership.objects.get(pk=before.pk).active


def test_the_share_comes_from_the_setting(
    district: District, principal: User, make_package: PackageMaker, settings: Any
):
    settings.IMPORT_MAX_DEACTIVATION_SHARE = 0.25
    batch = run(district, make_package(WITHOUT_P1))
    assert batch.status == ImportBatch.Status.SUCCEEDED


def test_a_dry_run_warns_about_a_mass_deactivation_and_changes_nothing(
    district: District, principal: User, make_package: PackageMaker
):
    batch = run(district, make_package(WITHOUT_P1), dry_run=True)
    assert batch.status == ImportBatch.Status.SUCCEEDED
    assert "too_many_deactivations" in {i["code"] for i in batch.issues}
    assert Membership.objects.get(user=principal).active
    assert not AuditEvent.objects.filter(action="access.suspended").exists()


def test_the_web_form_refuses_then_applies_with_the_box_checked(
    district: District,
    principal: User,
    make_package: PackageMaker,
    django_capture_on_commit_callbacks: Any,
    settings: Any,
    tmp_path: Path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    hr = User.objects.create_user(username="hr", password=PASSWORD)
    services.grant_membership(user=hr, district=district, role=Role.HR, by=None)
    client = sign_in("hr")

    def upload(**extra: str) -> ImportBatch:
        path = make_package(WITHOUT_P1, as_zip=True)
        with path.open("rb") as package, django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("people:import_upload"), {"package": package, **extra})
        assert response.status_code == 302
        batch = ImportBatch.objects.filter(district=district).first()
        assert batch is not None
        return batch

    refused = upload()
    assert refused.status == ImportBatch.Status.FAILED
    page = client.get(reverse("people:import_detail", args=[refused.pk])).content.decode()
    assert "would deactivate 1 of the district" in page
    assert "Confirm deactivations" in client.get(reverse("people:imports")).content.decode()
    applied = upload(confirm_deactivations="on")
    assert applied.status == ImportBatch.Status.SUCCEEDED and applied.confirm_deactivations
    assert not Membership.objects.get(user=principal).active


def test_the_last_superintendent_keeps_their_record_and_role_with_a_warning(
    district: District, make_package: PackageMaker
):
    run(district, make_package())
    boss = account(district, "p1", Role.SUPERINTENDENT, None)
    client = sign_in("p1")
    batch = run(district, make_package(WITHOUT_P1), confirm_deactivations=True)
    assert batch.status == ImportBatch.Status.SUCCEEDED
    person = Person.objects.get(user=boss)
    assert person.active and person.deactivation_reason == ""
    assert Membership.objects.get(user=boss).active
    assert "last_superintendent_kept" in {i["code"] for i in batch.issues}
    assert batch.counts["staff"]["deactivated"] == 0
    assert client.get(reverse("home")).status_code == 200  # still signed in


def test_a_second_superintendent_lets_the_leaver_go(district: District, make_package: PackageMaker):
    run(district, make_package())
    leaver = account(district, "p1", Role.SUPERINTENDENT, None)
    account(district, "t1", Role.SUPERINTENDENT, None)
    run(district, make_package(WITHOUT_P1), confirm_deactivations=True)
    assert not Person.objects.get(user=leaver).active
    assert not Membership.objects.get(user=leaver).active


def test_the_staff_csv_employment_status_also_cuts_access(
    district: District, principal: User, tmp_path: Path
):
    staff = tmp_path / "staff.csv"
    staff.write_text(
        "employee_id,given_name,family_name,email,building_codes,job_title,employment_status\n"
        "E200,Pria,Prince,p1@x.org,NHS,Principal,resigned\n"
    )
    batch = services.start_directory_import(
        district=district,
        staff_csv_path=str(staff),
        source_name="staff.csv",
        confirm_deactivations=True,
        by=None,
        enqueue=False,
    )
    batch = services.run_directory_import(batch_id=batch.pk)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert not Person.objects.get(user=principal).active
    assert Membership.objects.get(user=principal).suspended
