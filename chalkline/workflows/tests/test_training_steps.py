"""A campaign that requires a training first (issue 21, point 2): the audience is rostered, the
employee's page shows both steps, signing waits for the training, and a new hire gets both."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.acks.models import Assignment, Campaign, Signature
from chalkline.acks.tests.helpers import make_campaign, ready_to_sign
from chalkline.audit.models import AuditEvent
from chalkline.training.models import RosterEntry, Training
from chalkline.training.tests.helpers import make_training
from chalkline.workflows.models import CampaignTraining
from conftest import PERSONAS, World, make_person


def client_for(user: object) -> Client:
    c = Client()
    c.force_login(user)  # type: ignore[arg-type]
    return c


def _require(world: World) -> tuple[Campaign, Training]:
    hr = world.users["hr"]
    campaign = make_campaign(world.district, by=hr)
    training = make_training(world.district, by=hr, title="Boundaries in-service")
    response = client_for(hr).post(
        reverse("steps:campaign_training", args=[campaign.pk]), {"training": training.pk}
    )
    assert response.status_code == 302
    return campaign, training


def test_hr_requires_a_training_and_the_audience_is_rostered(world: World) -> None:
    campaign, training = _require(world)
    link = CampaignTraining.objects.get(campaign=campaign)
    audience = set(Assignment.objects.filter(campaign=campaign).values_list("person_id", flat=True))
    rostered = set(
        RosterEntry.objects.filter(session=link.session).values_list("person_id", flat=True)
    )
    assert link.training == training and rostered == audience and len(audience) == 4
    assert AuditEvent.objects.filter(
        action="training.required_by_campaign", target_id=str(campaign.pk)
    ).exists()


def test_an_employee_cannot_attach_a_training(world: World) -> None:
    campaign = make_campaign(world.district, by=world.users["hr"])
    training = make_training(world.district)
    response = client_for(world.users["teacher_north"]).post(
        reverse("steps:campaign_training", args=[campaign.pk]), {"training": training.pk}
    )
    assert response.status_code in (403, 404)
    assert not CampaignTraining.objects.exists()


def test_signing_waits_for_the_training_then_both_steps_are_done(world: World) -> None:
    campaign, _ = _require(world)
    teacher = world.users["teacher_north"]
    assignment = ready_to_sign(campaign, teacher)
    c = client_for(teacher)
    steps = c.get(reverse("steps:mine"))
    assert b"Boundaries in-service" in steps.content
    assert b"available once the training is done" in steps.content
    blocked = c.post(reverse("acks:sign", args=[assignment.pk]), {"typed_name": "Tess Teacher"})
    assert blocked.status_code == 302 and blocked["Location"] == reverse("steps:mine")
    assert not Signature.objects.exists()
    entry = RosterEntry.objects.get(person_id=teacher.person_id or 0)
    assert c.post(reverse("training:module", args=[entry.pk]), {}).status_code == 302
    signed = c.post(reverse("acks:sign", args=[assignment.pk]), {"typed_name": "Tess Teacher"})
    assert signed.status_code == 302
    assert Signature.objects.filter(assignment=assignment).exists()
    steps = c.get(reverse("steps:mine"))
    assert b"<strong>done</strong>" in steps.content and b"Signed" in steps.content


def test_a_campaign_without_a_training_signs_as_before(world: World) -> None:
    campaign = make_campaign(world.district, by=world.users["hr"])
    teacher = world.users["teacher_north"]
    assignment = ready_to_sign(campaign, teacher)
    response = client_for(teacher).post(
        reverse("acks:sign", args=[assignment.pk]), {"typed_name": "Tess Teacher"}
    )
    assert response.status_code == 302
    assert Signature.objects.filter(assignment=assignment).exists()


def test_a_new_hire_gets_both_steps(world: World) -> None:
    campaign, _ = _require(world)
    hire = make_person(
        world.district, building=world.north, given_name="Nia", hire_date=timezone.localdate()
    )
    call_command("assign_new_hire_steps", district="prairie", stdout=None)
    link = CampaignTraining.objects.get(campaign=campaign)
    assert Assignment.objects.filter(campaign=campaign, person=hire).exists()
    assert RosterEntry.objects.filter(session=link.session, person=hire).exists()
    # Idempotent: a second run adds nobody.
    call_command("assign_new_hire_steps", district="prairie")
    assert RosterEntry.objects.filter(session=link.session, person=hire).count() == 1


def test_mandated_reporter_training_lapses_after_three_years_with_one_reminder(
    world: World, mailoutbox: list[object], django_capture_on_commit_callbacks: Any
) -> None:
    from chalkline.training import services
    from chalkline.training.tests.helpers import make_session

    hr = world.users["hr"]
    training = make_training(
        world.district, by=hr, title="Mandated reporter", topic="mandated_reporter", renewal_years=3
    )
    session = make_session(training, by=hr, building=world.north)
    services.mark_attendance(session=session, person_ids=[world.staff_north.pk], by=hr)
    entry = RosterEntry.objects.get(session=session, person=world.staff_north)
    assert entry.valid_until is not None
    assert entry.valid_until.year == timezone.localdate().year + 3
    call_command("send_training_reminders", district="prairie")
    assert mailoutbox == []  # not due yet
    later = timezone.now() + timedelta(days=3 * 365 - 20)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_renewal_reminders(district=world.district, by=None, now=later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_renewal_reminders(district=world.district, by=None, now=later) == 0
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="training.reminders_sent").count() >= 2


@pytest.mark.parametrize("persona", PERSONAS)
def test_steps_role_matrix(world: World, persona: str) -> None:
    campaign = make_campaign(world.district, by=world.users["hr"])
    c = client_for(world.users[persona])
    expected_form = {"superintendent": 200, "designee": 200, "hr": 200, "principal_north": 403}
    assert c.get(reverse("steps:mine")).status_code == 200
    response = c.get(reverse("steps:campaign_training", args=[campaign.pk]))
    assert response.status_code == expected_form.get(persona, 404)


def test_the_demo_training_command_gives_the_district_its_training_once(world: World) -> None:
    campaign = make_campaign(world.district, by=world.users["hr"])
    call_command("demo_training", slug="prairie")
    call_command("demo_training", slug="prairie")
    titles = list(Training.objects.filter(district=world.district).values_list("title", flat=True))
    assert len(titles) == 2 and any("Mandated reporter" in t for t in titles)
    assert CampaignTraining.objects.filter(campaign=campaign).exists()
    assert RosterEntry.objects.filter(method=RosterEntry.Method.PRESENTER).exists()
