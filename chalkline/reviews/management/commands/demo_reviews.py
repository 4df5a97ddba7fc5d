"""demo-reviews: a review in progress and a Board item at first reading in the demo district."""

from __future__ import annotations

import datetime
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chalkline.people.models import District, Membership, User
from chalkline.people.roles import Role
from chalkline.policies import services as policy_services
from chalkline.policies.models import Policy
from chalkline.reviews import services
from chalkline.reviews.models import Review

ACCESS_POLICY = """Policy 6:235
Access to Electronic Networks

Electronic networks, including the Internet, are a part of the District's instructional program
and serve to promote educational excellence by facilitating resource sharing, innovation, and
communication.

Curriculum and Appropriate Online Behavior

The use of the District's electronic networks shall be consistent with the curriculum adopted by
the District as well as the varied instructional needs, learning styles, abilities, and
developmental levels of the students.

Acceptable Use

All use of the District's electronic networks must be consistent with the educational objectives
of this policy. The Superintendent shall develop an implementation procedure.

Adopted: March 18, 2019
"""


def _one(district: District, role: str) -> User:
    membership = (
        Membership.objects.filter(district=district, role=role, active=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise CommandError(f"The demo district has no {role}; run demo-data first.")
    return membership.user


class Command(BaseCommand):
    help = (
        "Put a review of Policy 5:125 in progress (comments from the employee representative and "
        "the network administrator) and Policy 6:235 on the Board's agenda at first reading, in "
        "the demo district. Does nothing when the district has reviews already."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--slug", default="demo", help="District slug (default: demo).")

    def handle(self, *args: Any, **options: Any) -> None:
        district = District.objects.filter(slug=options["slug"]).first()
        if district is None:
            raise CommandError(f"No district {options['slug']!r}; run demo-data first.")
        if Review.objects.filter(district=district).exists():
            self.stdout.write("The demo district has reviews already; nothing to do.")
            return
        policy = Policy.objects.filter(district=district, number="5:125").first()
        if policy is None:
            raise CommandError("Import and publish Policy 5:125 first (make demo does).")
        designee = _one(district, Role.DESIGNEE)
        rep, netadmin = _one(district, Role.EMPLOYEE_REP), _one(district, Role.NETWORK_ADMIN)
        hr = _one(district, Role.HR)
        review = services.open_review(policy=policy, participants=[rep, netadmin, hr], by=designee)
        clauses = {c.clause_id: c.text for c in review.draft.clauses.all()}
        duty_7 = "5:125/use-of-personal-technology/7"
        duty_1 = "5:125/use-of-personal-technology/1"
        first = services.add_comment(
            review=review,
            by=rep,
            clause_id=duty_7 if duty_7 in clauses else next(iter(clauses)),
            body="Staff ask who gives permission to use the logo, and how. Can we say it?",
            proposed_text="Refrain from using the District's logos without written permission "
            "from the Superintendent or designee.",
        )
        services.add_comment(
            review=review,
            by=netadmin,
            body="The registry could record logo permissions next to the approved accounts.",
            parent=first,
        )
        services.add_comment(
            review=review,
            by=netadmin,
            clause_id=duty_1 if duty_1 in clauses else next(iter(clauses)),
            quote="social media and personal technology platforms" if duty_1 in clauses else "",
            body="Name the District-approved platforms list here so staff know where to look.",
        )
        # A second policy, already through its review, at first reading before the Board.
        imported = policy_services.import_policy(
            district=district, data=ACCESS_POLICY.encode(), by=designee, filename="6-235.txt"
        )
        if imported.version.is_draft:
            policy_services.publish_policy_version(
                version=imported.version,
                change_summary="Imported from the district's published text",
                material=False,
                by=designee,
            )
        other = services.open_review(
            policy=imported.policy, participants=[rep, netadmin], by=designee
        )
        sections = [
            other.draft.canonical_text.replace(
                "The Superintendent shall develop an implementation procedure.",
                "The Superintendent shall develop an implementation procedure and review it with "
                "the network administrators each year.",
            )
        ]
        services.save_review_draft(
            review=other, sections=sections, revision=0, confirm_lost=False, by=designee
        )
        item = services.place_on_agenda(review=other, public_first_reading=True, by=designee)
        services.save_cover_memo(
            item=item,
            text="The administration recommends the revision of Policy 6:235 after its review "
            "with the employee representatives and the network administrators.",
            by=designee,
        )
        services.record_reading(
            item=item,
            reading="first",
            on=timezone.localdate() - datetime.timedelta(days=7),
            by=designee,
        )
        self.stdout.write(
            "Demo reviews: 5:125 in progress with 3 comments; 6:235 at the Board, first reading."
        )
