"""`make demo` runs demo-data, import-policy and demo-campaign in a row; so does this test."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.acks.models import OPEN_STATUSES, Assignment, Campaign, Signature
from chalkline.audit.services import verify_chain
from chalkline.people.models import (
    Affiliation,
    Building,
    District,
    Enrollment,
    SchoolClass,
    User,
)

SEED = Path(__file__).resolve().parents[2] / "policies" / "seeds" / "policy-5-125.txt"


@pytest.mark.django_db
def test_the_make_demo_sequence_runs_a_whole_campaign(capsys: pytest.CaptureFixture[str]) -> None:
    call_command(
        "demo_data", "--buildings", "3", "--staff", "40", "--students", "20", "--seed", "2"
    )
    call_command(
        "import_policy", str(SEED), "--district", "demo", "--publish", "--summary", "Imported"
    )
    call_command("demo_campaign")
    district = District.objects.get(slug="demo")
    campaign = Campaign.objects.get(district=district)
    signatures = Signature.objects.filter(assignment__campaign=campaign)
    assert signatures.exists()
    assert verify_chain(district.pk).ok
    # Running `make demo` again changes nothing.
    call_command("demo_data", "--if-missing")
    call_command("demo_campaign")
    assert "nothing to do" in capsys.readouterr().out
    assert Campaign.objects.filter(district=district).count() == 1


DEMO_JOBS = {
    "superintendent@demo": "Superintendent",
    "designee@demo": "Assistant Superintendent for Human Resources",
    "hr@demo": "Human Resources Director",
    "principal@demo": "Principal",
    "netadmin@demo": "Network Administrator",
}


@pytest.mark.django_db
def test_the_demo_gives_each_sign_in_a_plausible_job_and_the_teacher_something_to_sign(
    client: Client,
) -> None:
    call_command(
        "demo_data", "--buildings", "4", "--staff", "60", "--students", "80", "--seed", "3"
    )
    call_command("demo_campaign")
    district = District.objects.get(slug="demo")
    for username, title in DEMO_JOBS.items():
        person = User.objects.get(username=username).person
        assert person is not None, username
        assert list(
            Affiliation.objects.filter(person=person, active=True).values_list(
                "job_title", flat=True
            )
        ) == [title], username
    district_office = Building.objects.get(district=district, level="office")
    superintendent = User.objects.get(username="superintendent@demo").person
    assert Affiliation.objects.get(person=superintendent).building == district_office
    rep = User.objects.get(username="union-rep@demo").person
    assert "Teacher" in Affiliation.objects.get(person=rep).job_title
    board = User.objects.get(username="board@demo")
    assert board.person is None  # a Board member is not an employee
    # The demo employee signs in and finds an open acknowledgment waiting.
    assert client.login(username="teacher@demo", password="chalkline-demo")
    teacher = User.objects.get(username="teacher@demo")
    assert "Teacher" in Affiliation.objects.get(person=teacher.person).job_title
    open_ones = Assignment.objects.filter(person=teacher.person, status__in=OPEN_STATUSES)
    assert open_ones.count() == 1
    page = client.get(reverse("acks:mine"))
    assert page.status_code == 200
    assert open_ones.get().campaign.title in page.content.decode()


@pytest.mark.django_db
def test_the_demo_district_has_classes_with_teachers_and_students() -> None:
    call_command(
        "demo_data", "--buildings", "4", "--staff", "60", "--students", "200", "--seed", "3"
    )
    district = District.objects.get(slug="demo")
    classes = SchoolClass.objects.filter(district=district, active=True)
    assert classes.count() >= 3
    for school_class in classes:
        teachers = Enrollment.objects.filter(school_class=school_class, role="teacher")
        students = Enrollment.objects.filter(school_class=school_class, role="student")
        assert teachers.exists() and students.count() >= 5, school_class
        # Everyone in a class belongs to the class's building.
        for enrollment in Enrollment.objects.filter(school_class=school_class):
            assert Affiliation.objects.filter(
                person=enrollment.person_id, building=school_class.building
            ).exists()
    for username, role in (("teacher@demo", "teacher"), ("student@demo", "student")):
        person = User.objects.get(username=username).person
        assert Enrollment.objects.filter(person=person, role=role).exists(), username
