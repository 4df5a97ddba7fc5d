"""The personal_channel detector with the District's registry handed over as data: approved
apps (names and domains) are not flagged; unapproved apps named as the place to go are, with
the link to ask for approval. Without a registry, behaviour is as before."""

from __future__ import annotations

import pytest

from chalkline.screening import (
    NO_REGISTRY,
    ApprovedChannels,
    Audience,
    Finding,
    Message,
    RosterIndex,
    Sender,
    screen,
)

T2G = (Sender("teacher", "t-walsh"), Audience("direct", ("g-031",)))
CLASS = (Sender("teacher", "t-nguyen"), Audience("class", (), "c-sci7"))
STAFF = (Sender("teacher", "t-nguyen"), Audience("staff", ()))

REGISTRY = ApprovedChannels.of(
    names=["Seesaw", "Google Classroom", "Discord"],
    domains=["seesaw.me", "district-partner.org"],
    request_url="/registry/request/",
)


def _channel(
    text: str, who: tuple[Sender, Audience], index: RosterIndex, approved: ApprovedChannels
) -> list[Finding]:
    sender, audience = who
    found = screen(Message(text, sender, audience), index=index, approved=approved)
    return [f for f in found if f.detector == "personal_channel"]


# text, audience, flagged without a registry, flagged with REGISTRY
CASES = [
    ("Email me at coach@district-partner.org", T2G, True, False),
    ("Email me at coach@mail.district-partner.org", T2G, True, False),
    ("Email me at coach.pw@gmail.com", T2G, True, True),
    ("DM me on Discord for the schedule", CLASS, True, False),
    ("DM me on Snapchat", CLASS, True, True),
    ("Photos are posted on Seesaw tonight.", CLASS, False, False),
    ("Join our class on Google Classroom.", CLASS, False, False),
    ("Join our class on Bloomz for updates.", CLASS, False, True),
    ("Download GroupMe and join the team chat.", T2G, False, True),
    ("Remind your child to bring a coat.", CLASS, False, False),
    ("I want to remind you about Friday's trip.", CLASS, False, False),
    ("We will paint on canvas and play in teams.", CLASS, False, False),
    ("Sign up via  ClassDojo tonight.", T2G, False, True),
    ("Join us on Bloomz.", STAFF, False, False),  # staff only: not a channel to families
]


@pytest.mark.parametrize(("text", "who", "before", "after"), CASES)
def test_personal_channel_with_the_registry(
    index: RosterIndex, text: str, who: tuple[Sender, Audience], before: bool, after: bool
) -> None:
    assert bool(_channel(text, who, index, NO_REGISTRY)) is before
    assert bool(_channel(text, who, index, REGISTRY)) is after


def test_an_unapproved_app_names_itself_and_links_to_the_request(index: RosterIndex) -> None:
    (finding,) = _channel("Join our class on Bloomz for updates.", CLASS, index, REGISTRY)
    assert finding.severity == "warn"
    assert finding.extra == {"app": "Bloomz", "request_url": "/registry/request/?name=Bloomz"}
    assert "Bloomz is not on the District's list" in finding.message
    assert finding.to_dict()["request_url"].endswith("name=Bloomz")


def test_names_and_domains_are_compared_folded() -> None:
    approved = ApprovedChannels.of(names=["  Google   Classroom "], domains=["Seesaw.ME."])
    assert approved.allows_name_in("join google classroom today")
    assert approved.allows_domain("app.seesaw.me")
    assert not approved.allows_domain("seesaw.me.evil.com")
    assert not approved.allows_domain("me")
