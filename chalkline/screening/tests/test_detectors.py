from __future__ import annotations

import pytest

from chalkline.screening import Audience, Message, RosterIndex, Sender, screen

T2S = (Sender("teacher", "t-walsh"), Audience("direct", ("s-031",)))
T2G = (Sender("teacher", "t-walsh"), Audience("direct", ("g-031",)))
S2T = (Sender("student", "s-031"), Audience("direct", ("t-walsh",)))
P2T = (Sender("administrator", "p-okafor"), Audience("direct", ("t-walsh",)))
CLASS = (Sender("teacher", "t-nguyen"), Audience("class", (), "c-sci7"))

CASES = [
    ("credential_request", P2T, "Log in so I can see your page.", True),
    ("credential_request", T2S, "What's your Instagram password?", True),
    ("credential_request", P2T, "Add me as admin on your account.", True),
    ("credential_request", CLASS, "Never share your password with anyone.", False),
    ("personal_channel", T2S, "Text me at 847-555-2391 tonight.", True),
    ("personal_channel", T2G, "Email me at coach.pw@gmail.com", True),
    ("personal_channel", T2S, "DM me on Snapchat", True),
    ("personal_channel", CLASS, "Call the office at (847) 555-0100.", False),
    ("personal_channel", CLASS, "Email lnguyen@pvcusd300.org with questions.", False),
    ("secrecy", T2S, "Don't tell your parents about this.", True),
    ("secrecy", T2S, "Delete this message after you read it.", True),
    ("secrecy", T2S, "Let's meet off campus Saturday.", True),
    ("secrecy", CLASS, "Don't tell anyone the ending - no spoilers!", False),
    ("abuse_disclosure", S2T, "My stepdad hits me when I'm late.", True),
    ("abuse_disclosure", S2T, "There's no food at home.", True),
    ("abuse_disclosure", S2T, "My dad hit a home run!", False),
    ("abuse_disclosure", T2S, "My stepdad hits me.", False),
    ("harassment", T2S, "You're so stupid.", True),
    ("harassment", CLASS, "Please be kind to each other.", False),
    ("student_record", CLASS, "Chase Miller is failing science.", True),
    ("student_record", T2G, "Chase is failing science.", False),
    ("student_identifier", CLASS, "Locker for 2031210 was reset.", True),
    ("student_identifier", CLASS, "Kevin Tran, DOB 04/12/2012, is on the roster.", True),
    ("student_identifier", CLASS, "The school opened 09/01/1962.", False),
]


@pytest.mark.parametrize(("detector", "who", "text", "expected"), CASES)
def test_detector(
    index: RosterIndex, detector: str, who: tuple[Sender, Audience], text: str, expected: bool
) -> None:
    msg = Message(text, *who)
    got = [f for f in screen(msg, index=index) if f.detector == detector]
    assert bool(got) is expected, [(f.detector, text[f.start : f.end]) for f in got]


def test_every_finding_has_the_contract_fields(index: RosterIndex) -> None:
    msg = Message("Chase Miller is failing. Text me at 847-555-2391.", *T2S)
    for f in screen(msg, index=index):
        d = f.to_dict()
        assert {
            "detector",
            "start",
            "end",
            "severity",
            "clause",
            "student",
            "message",
            "fix",
        } <= d.keys()
        assert d["clause"].startswith("5:125/")
        assert d["severity"] in ("block", "warn", "info")


def test_abuse_disclosure_shows_hotline_and_never_blocks(index: RosterIndex) -> None:
    (f,) = screen(Message("My dad beat me last night.", *S2T), index=index)
    assert f.severity == "warn"
    assert "1-800-25-ABUSE" in f.message
    assert f.clause == "5:125/use-of-personal-technology/4"
