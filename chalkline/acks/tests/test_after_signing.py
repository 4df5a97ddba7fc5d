"""After the employee signs: the page no longer speaks of "the version you signed" as if it were
an older one, and the notices that asked for the acknowledgment stop showing as new."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from chalkline.acks import services
from chalkline.acks.models import Campaign, Notification
from chalkline.policies import services as policy_services
from chalkline.policies.models import PolicyVersion
from chalkline.policies.tests.factories import import_seed, seed_v2_text
from conftest import World

from .helpers import assignment_of, make_campaign, ready_to_sign


def _follow_up_for_a_signer(world: World) -> Campaign:
    campaign = make_campaign(world.district)
    teacher = world.users["teacher_north"]
    a = ready_to_sign(campaign, teacher)
    services.sign_acknowledgment(
        assignment=a, by=teacher, typed_name="Tess Teacher", ip=None, user_agent=""
    )
    import_seed(world.district, text=seed_v2_text(), publish=False)
    draft = PolicyVersion.objects.get(district=world.district, status="draft")
    v2 = policy_services.publish_policy_version(
        version=draft, change_summary="Adds annual training duty", material=True, by=None
    )
    follow = services.open_follow_up_campaign(version=v2, by=None)
    assert follow is not None
    return follow


def test_after_signing_the_revision_the_page_no_longer_offers_what_changed(
    world: World, client: Client
) -> None:
    follow = _follow_up_for_a_signer(world)
    teacher = world.users["teacher_north"]
    client.force_login(teacher)
    new = assignment_of(follow, teacher)
    client.post(reverse("acks:open", args=[new.pk]))
    before = client.get(reverse("acks:assignment", args=[new.pk]))
    assert b"since the version you signed" in before.content
    client.post(reverse("acks:consent"), {"agree": "on"})
    signed = client.post(reverse("acks:sign", args=[new.pk]), {"typed_name": "Tess Teacher"})
    assert signed.status_code == 302
    after = client.get(reverse("acks:assignment", args=[new.pk]))
    assert b"Your record" in after.content
    assert b"since the version you signed" not in after.content


def test_signing_marks_the_notices_of_that_acknowledgment_read(
    world: World, client: Client
) -> None:
    follow = _follow_up_for_a_signer(world)
    teacher = world.users["teacher_north"]
    new = assignment_of(follow, teacher)
    other = assignment_of(follow, world.users["teacher_south"])
    assert Notification.objects.filter(assignment=new, read_at__isnull=True).exists()
    client.force_login(teacher)
    client.post(reverse("acks:open", args=[new.pk]))
    client.post(reverse("acks:sign", args=[new.pk]), {"typed_name": "Tess Teacher"})
    assert not Notification.objects.filter(assignment=new, read_at__isnull=True).exists()
    # Someone else's notice is untouched.
    assert Notification.objects.filter(assignment=other, read_at__isnull=True).exists()
    page = client.get(reverse("acks:mine"))
    assert b'<span class="badge">New</span>' not in page.content
