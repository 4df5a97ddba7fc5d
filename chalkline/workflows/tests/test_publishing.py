"""Publishing a revision and opening its follow-up campaign: one workflow, one transaction."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chalkline.acks.models import Campaign
from chalkline.acks.tests.helpers import make_campaign
from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.policies.models import Policy, PolicyVersion, VersionStatus
from chalkline.policies.tests.factories import import_seed, seed_v2_text
from chalkline.workflows.publishing import publish_version_and_follow_up
from conftest import World


def test_a_material_revision_is_published_with_its_follow_up(world: World) -> None:
    campaign = make_campaign(world.district)
    draft = import_seed(world.district, text=seed_v2_text(), publish=False)
    published = publish_version_and_follow_up(
        version=draft, change_summary="Adds a duty", material=True, by=None
    )
    assert published.status == VersionStatus.PUBLISHED
    follow = Campaign.objects.get(follows=campaign)
    assert list(follow.versions.all()) == [published]
    actions = list(AuditEvent.objects.order_by("seq").values_list("action", flat=True))
    assert actions.index(Action.POLICY_PUBLISHED) < actions.index(Action.ACK_FOLLOW_UP_OPENED)


def test_publish_and_follow_up_roll_back_together_when_the_follow_up_fails(
    world: World, client: Client
) -> None:
    campaign = make_campaign(world.district)
    # A campaign row whose audience names a job category the district no longer knows: the
    # follow-up (same audience) cannot be created from it.
    Campaign.objects.filter(pk=campaign.pk).update(job_categories=["retired-category"])
    draft = import_seed(world.district, text=seed_v2_text(), publish=False)
    events_before = AuditEvent.objects.count()
    client.force_login(world.users["superintendent"])
    response = client.post(
        reverse("policies:publish", args=[draft.pk]),
        {"change_summary": "Adds a duty", "material": "on", "confirm": "yes"},
    )
    assert response.status_code == 400
    assert b"follow-up acknowledgment campaign could not be opened" in response.content
    assert b"nothing was published" in response.content
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT and draft.published_at is None
    v1 = PolicyVersion.objects.get(policy=draft.policy, seq=1)
    assert v1.status == VersionStatus.PUBLISHED  # not superseded either
    assert not Campaign.objects.filter(follows=campaign).exists()
    assert AuditEvent.objects.count() == events_before
    assert Policy.objects.get(pk=draft.policy_id).title == v1.title


def test_a_non_material_revision_opens_no_follow_up(world: World) -> None:
    campaign = make_campaign(world.district)
    draft = import_seed(world.district, text=seed_v2_text(), publish=False)
    publish_version_and_follow_up(version=draft, change_summary="Typo", material=False, by=None)
    assert not Campaign.objects.filter(follows=campaign).exists()


def test_the_policy_library_imports_nothing_that_builds_on_it() -> None:
    import ast
    from pathlib import Path

    import chalkline.policies

    root = Path(chalkline.policies.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.relative_to(root).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            offenders += [
                f"{path.relative_to(root)}: {n}"
                for n in names
                if n.startswith(("chalkline.acks", "chalkline.workflows"))
            ]
    assert offenders == []
