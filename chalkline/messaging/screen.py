"""The composer's screening: the engine run with the audience the message really has (as the
"Check a draft" page does), and the district's rules applied to what it finds."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from chalkline.messaging.channels import approved_channels_for
from chalkline.messaging.models import AudienceKind, StaffGroup
from chalkline.messaging.rules import Outcome, decide
from chalkline.messaging.selectors import Addressee, settings_of
from chalkline.people.models import Building, District, Person, SchoolClass, User
from chalkline.people.roster_index import key_of, roster_index_for
from chalkline.screening import Audience, Finding, Message, Sender, screen


@dataclass
class Screened:
    findings: list[Finding]
    outcome: Outcome
    text: str
    summary: dict[str, Any] = field(default_factory=dict)


def _sender(user: User) -> Sender:
    person = user.person
    if person is None:
        return Sender(role="employee", id=f"user-{user.pk}")
    role = {Person.Kind.STUDENT: "student", Person.Kind.GUARDIAN: "guardian"}.get(
        Person.Kind(person.kind), "employee"
    )
    return Sender(role=role, id=key_of(person))


def engine_audience(
    district: District, kind: str, key: str, addressees: list[Addressee]
) -> Audience:
    pk = int(key) if key.isdigit() else 0
    if kind in (AudienceKind.CLASS_FAMILIES, AudienceKind.CLASS_STUDENTS):
        cls = SchoolClass.objects.filter(pk=pk, district=district).first()
        return Audience("class", class_id=cls.sourced_id if cls else None)
    if kind in (AudienceKind.BUILDING_FAMILIES, AudienceKind.BUILDING_STAFF):
        building = Building.objects.filter(pk=pk, district=district).first()
        code = building.code if building else None
        return Audience(
            "building" if kind == AudienceKind.BUILDING_FAMILIES else "staff", building_id=code
        )
    if kind == AudienceKind.DISTRICT:
        return Audience("public")
    if kind == AudienceKind.STAFF_GROUP:
        # staff only: a student is fine to name when every member may know of them (teaches
        # them, or works in their building; docs/screening.md "Who may see what")
        group = StaffGroup.objects.filter(pk=pk, district=district).select_related("building")
        found = group.first()
        members = tuple(key_of(a.person) if a.person else f"user-{a.user_id}" for a in addressees)
        code = found.building.code if found is not None and found.building else None
        return Audience("staff", recipients=members, building_id=code)
    keys = tuple(key_of(a.person) if a.person else f"user-{a.user_id}" for a in addressees)
    return Audience("direct", recipients=keys)


def screen_message(
    *,
    district: District,
    by: User,
    text: str,
    audience: Audience,
    hub_host: str = "",
) -> Screened:
    """Findings and what they do. Raises ScreeningInputError for text the engine refuses."""
    message = Message(text=text, sender=_sender(by), audience=audience)
    findings = screen(
        message,
        index=roster_index_for(district),
        approved=approved_channels_for(district, hub_host=hub_host),
    )
    outcome = decide(findings, settings_of(district).rule_for)
    summary = {
        "detectors": outcome.detectors(),
        "blocking": outcome.detectors("block"),
        "confirmed": outcome.detectors("confirm"),
        "counts": dict(Counter(f.detector for f in findings)),
    }
    return Screened(findings, outcome, text, summary)
