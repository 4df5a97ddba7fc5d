"""The mandated-reporter statement for new hires (issue 21, point 2; 325 ILCS 5/4): a standing
campaign whose audience is only staff hired on or after its start, created from the bundled
statement by ``create_mandated_reporter_campaign``; it requires the mandated-reporter training
first, so a new hire gets both, and their acknowledgment page shows both steps."""

from __future__ import annotations

import re
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chalkline.acks.models import Assignment, Campaign, Signature
from chalkline.acks.tests.helpers import ready_to_sign
from chalkline.audit.models import AuditEvent
from chalkline.people.roles import Role
from chalkline.policies.models import Policy, VersionStatus
from chalkline.training.models import RosterEntry, Training
from chalkline.training.tests.helpers import make_training
from chalkline.workflows.models import CampaignTraining
from chalkline.workflows.training_steps import assign_new_hire_steps
from conftest import World, make_person, make_user


def _today() -> date:
    """Today where the district is, read when a test runs: a module constant read at collection
    was yesterday for the tests that ran after local midnight (CI, 2026-12-07 06:00 UTC)."""
    return timezone.localdate()


def _run(*args: str) -> str:
    out = StringIO()
    call_command("create_mandated_reporter_campaign", "--district", "prairie", *args, stdout=out)
    return out.getvalue()


def _mandated(world: World) -> Training:
    return make_training(
        world.district,
        by=world.users["hr"],
        title="Mandated reporter training",
        topic=Training.Topic.MANDATED_REPORTER,
        renewal_years=3,
    )


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def test_the_command_opens_the_statement_campaign_for_new_hires_only(world: World) -> None:
    training = _mandated(world)
    # someone hired last year is not in the audience; nobody without a hire date either
    make_person(world.district, building=world.north, hire_date=_today() - timedelta(days=400))
    out = _run()
    assert "new hires from" in out and "after the training “Mandated reporter training”" in out
    policy = Policy.objects.get(district=world.district, number="5:090-E")
    version = policy.versions.get(status=VersionStatus.PUBLISHED)
    assert "mandated reporter under the Abused and Neglected Child Reporting Act" in (
        version.canonical_text
    )
    assert "1-800-25-ABUSE" in version.canonical_text
    campaign = Campaign.objects.get(versions=version)
    assert campaign.status == Campaign.Status.LAUNCHED
    assert campaign.hired_from == _today() and campaign.include_new_hires
    assert campaign.new_hire_days == 5
    assert "325 ILCS 5/4" in campaign.intent_text
    assert not Assignment.objects.filter(campaign=campaign).exists()
    assert CampaignTraining.objects.get(campaign=campaign).training == training
    created = AuditEvent.objects.get(action="acks.campaign_created", target_id=str(campaign.pk))
    assert created.after_data["hired_from"] == _today().isoformat()
    assert AuditEvent.objects.filter(
        action="training.required_by_campaign", target_id=str(campaign.pk)
    ).exists()
    # a second run changes nothing
    assert "open already" in _run()
    assert Campaign.objects.filter(versions=version).count() == 1


def test_a_new_hire_gets_the_training_and_the_statement_and_sees_both_steps(
    world: World,
) -> None:
    training = _mandated(world)
    _run()
    campaign = Campaign.objects.get(hired_from__isnull=False)
    hire = make_person(
        world.district,
        building=world.north,
        given_name="Nia",
        family_name="Newhire",
        hire_date=_today(),
    )
    user = make_user(world.district, Role.EMPLOYEE, building=world.north, person=hire)
    result, rostered = assign_new_hire_steps(district=world.district, by=None)
    assert result.assigned == 1 and rostered == 1
    assignment = Assignment.objects.get(campaign=campaign)
    assert assignment.person == hire and assignment.due_on == _today() + timedelta(days=5)
    link = CampaignTraining.objects.get(campaign=campaign)
    entry = RosterEntry.objects.get(session=link.session, person=hire)

    c = Client()
    c.force_login(user)
    ready_to_sign(campaign, user)
    text = _text(c.get(reverse("acks:assignment", args=[assignment.pk])).content)
    assert "Mandated reporter statement (new hires)" in text
    assert "Step 1: complete the training “Mandated reporter training”: not done yet" in text
    assert "opens once the training is done" in text
    blocked = c.post(reverse("acks:sign", args=[assignment.pk]), {"typed_name": "Nia Newhire"})
    assert blocked.status_code == 302 and not Signature.objects.exists()

    assert c.post(reverse("training:module", args=[entry.pk]), {}).status_code == 302
    entry.refresh_from_db()
    # the training is renewed every three years: its completion is valid that long
    assert entry.valid_until is not None
    assert entry.valid_until.year == _today().year + 3
    text = _text(c.get(reverse("acks:assignment", args=[assignment.pk])).content)
    assert "“Mandated reporter training”: done on" in text and "open now" in text
    signed = c.post(reverse("acks:sign", args=[assignment.pk]), {"typed_name": "Nia Newhire"})
    assert signed.status_code == 302
    signature = Signature.objects.get(assignment=assignment)
    assert "325 ILCS 5/4" in signature.intent_text
    assert signature.packet[0]["policy"] == "5:90-E"
    assert training.pk == link.training_id


def test_without_a_training_the_statement_stands_alone(world: World) -> None:
    _mandated(world)
    out = _run("--no-training", "--days", "0")
    assert "with no training first" in out
    campaign = Campaign.objects.get(hired_from__isnull=False)
    assert campaign.new_hire_days == 0
    assert not CampaignTraining.objects.filter(campaign=campaign).exists()


def test_a_district_draft_of_its_own_statement_is_left_alone(world: World) -> None:
    from chalkline.policies import services as policies

    policies.import_policy(
        district=world.district,
        data=b"5:90-E - Our own statement\n\nExhibit 5:90-E\n\nGeneral Personnel\n\nOur own statement\n\nI am a mandated reporter.\n",
        filename="own.txt",
        by=world.users["superintendent"],
    )
    with pytest.raises(CommandError, match="has a draft and no published version"):
        _run()
    assert not Campaign.objects.exists()


def test_bad_arguments_are_named(world: World) -> None:
    with pytest.raises(CommandError, match="--starts: 'soon' is not a date"):
        _run("--starts", "soon")
    with pytest.raises(CommandError, match="--training: no training 999999 here"):
        _run("--training", "999999")
    with pytest.raises(CommandError, match="No district with slug 'nowhere'"):
        call_command("create_mandated_reporter_campaign", "--district", "nowhere")


def test_the_demo_training_opens_the_statement_campaign_after_the_training(world: World) -> None:
    call_command("demo_training", slug="prairie", stdout=StringIO())
    campaign = Campaign.objects.get(hired_from=_today())
    link = CampaignTraining.objects.get(campaign=campaign)
    assert link.training.topic == Training.Topic.MANDATED_REPORTER


def test_a_revised_statement_follows_up_for_the_same_new_hires_only(world: World) -> None:
    from chalkline.acks import services as acks
    from chalkline.policies import services as policies
    from chalkline.policies.models import PolicyVersion

    _run("--no-training")
    campaign = Campaign.objects.get(hired_from__isnull=False)
    hire = make_person(world.district, building=world.north, hire_date=_today())
    assign_new_hire_steps(district=world.district, by=None)
    text = (
        b"5:90-E - Acknowledgment of Mandated Reporter Status\n\nExhibit 5:90-E\n\n"
        b"General Personnel\n\nAcknowledgment of Mandated Reporter Status\n\nStatement\n\n"
        b"I am a mandated reporter under 325 ILCS 5/4; I call 1-800-25-ABUSE myself.\n"
    )
    policies.import_policy(district=world.district, data=text, filename="v2.txt", by=None)
    draft = PolicyVersion.objects.get(district=world.district, status=VersionStatus.DRAFT)
    v2 = policies.publish_policy_version(
        version=draft, change_summary="Shorter statement", material=True, by=None
    )
    follow = acks.open_follow_up_campaign(version=v2, by=None)
    assert follow is not None and follow.follows == campaign
    assert follow.hired_from == _today()
    assert list(Assignment.objects.filter(campaign=follow).values_list("person", flat=True)) == [
        hire.pk
    ]
