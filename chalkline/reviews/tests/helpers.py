"""Small helpers that put policies and reviews in a district through the services."""

from __future__ import annotations

from chalkline.people.models import District, User
from chalkline.policies import services as policy_services
from chalkline.policies.models import PolicyVersion
from chalkline.policies.tests.factories import import_seed, small_policy
from chalkline.reviews import services
from chalkline.reviews.models import Review
from chalkline.workflows.publishing import publish_version_and_follow_up
from conftest import World


def published_small(district: District, number: str, title: str, *, adopted: str) -> PolicyVersion:
    data = small_policy(number, title, "The Board sets this rule.").replace(
        b"Adopted: January 5, 2021", f"Adopted: {adopted}".encode()
    )
    version = policy_services.import_policy(district=district, data=data, by=None).version
    return publish_version_and_follow_up(
        version=version, change_summary="Adopted text", material=False, by=None
    )


def seed(district: District, *, by: User | None = None) -> PolicyVersion:
    """Policy 5:125 as published (adopted 2014, revised 2019: long overdue for review)."""
    return import_seed(district, by=by)


def open_review(
    world: World, *, participants: tuple[str, ...] = ("union_rep", "netadmin")
) -> Review:
    """Policy 5:125 published in the world's district, and a review of it opened by the designee
    with the employee representative and the network administrator."""
    users = world.users
    version = seed(world.district)
    return services.open_review(
        policy=version.policy, participants=[users[p] for p in participants], by=users["designee"]
    )
