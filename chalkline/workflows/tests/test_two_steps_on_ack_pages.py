"""The acknowledgment and signing pages show both steps when the campaign requires a training
(issue 21, point 2): step 1, the training with its status and link; step 2, signing. The link
between the apps comes from workflows (acks.steps' provider); acks imports no training."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from chalkline.acks.models import Campaign
from chalkline.acks.tests.helpers import make_campaign, ready_to_sign
from chalkline.training.models import RosterEntry
from chalkline.training.tests.helpers import make_training
from conftest import World


def _client(world: World, persona: str) -> Client:
    c = Client()
    c.force_login(world.users[persona])
    return c


def _require(world: World) -> Campaign:
    hr = world.users["hr"]
    campaign = make_campaign(world.district, by=hr)
    training = make_training(world.district, by=hr, title="Boundaries in-service")
    response = _client(world, "hr").post(
        reverse("steps:campaign_training", args=[campaign.pk]), {"training": training.pk}
    )
    assert response.status_code == 302
    return campaign


def _text(html: bytes) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))


def test_the_acknowledgment_page_shows_both_steps_before_and_after_the_training(
    world: World,
) -> None:
    campaign = _require(world)
    teacher = world.users["teacher_north"]
    assignment = ready_to_sign(campaign, teacher)
    c = _client(world, "teacher_north")
    entry = RosterEntry.objects.get(person_id=teacher.person_id or 0)

    page = c.get(reverse("acks:assignment", args=[assignment.pk]))
    assert page.status_code == 200
    text = _text(page.content)
    assert "Your two steps" in text
    assert "Step 1: complete the training “Boundaries in-service”: not done yet" in text
    assert "Step 2: read and sign the acknowledgment : opens once the training is done" in text
    assert f'href="{reverse("training:module", args=[entry.pk])}"' in page.content.decode()
    assert "You can sign once step 1, the training, is done." in text
    assert "continue to sign" not in text

    assert c.post(reverse("training:module", args=[entry.pk]), {}).status_code == 302
    page = c.get(reverse("acks:assignment", args=[assignment.pk]))
    text = _text(page.content)
    assert "Step 1: complete the training “Boundaries in-service”: done on" in text
    assert "Step 2: read and sign the acknowledgment : open now" in text
    assert f'href="{reverse("training:certificate", args=[entry.pk])}"' in page.content.decode()
    assert "I have read it: continue to sign" in text

    sign = c.get(reverse("acks:sign", args=[assignment.pk]))
    assert sign.status_code == 200
    text = _text(sign.content)
    assert "Your two steps" in text and "open now" in text

    assert (
        c.post(reverse("acks:sign", args=[assignment.pk]), {"typed_name": "Tess Teacher"})
    ).status_code == 302
    text = _text(c.get(reverse("acks:assignment", args=[assignment.pk])).content)
    assert "Step 2: read and sign the acknowledgment : done" in text
    assert "Your record" in text


def test_a_campaign_without_a_training_shows_no_steps(world: World) -> None:
    campaign = make_campaign(world.district, by=world.users["hr"])
    assignment = ready_to_sign(campaign, world.users["teacher_north"])
    c = _client(world, "teacher_north")
    for url in (
        reverse("acks:assignment", args=[assignment.pk]),
        reverse("acks:sign", args=[assignment.pk]),
    ):
        response = c.get(url)
        assert response.status_code == 200
        assert b"Your two steps" not in response.content


def test_acks_imports_nothing_of_training_or_workflows() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "acks"
    for path in root.rglob("*.py"):
        if "tests" in path.parts:
            continue
        imports = re.findall(r"^\s*(?:from|import) (chalkline\.\w+)", path.read_text(), re.M)
        assert not {"chalkline.training", "chalkline.workflows"} & set(imports), path
