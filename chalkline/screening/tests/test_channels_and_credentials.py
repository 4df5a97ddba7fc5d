"""Personal channels and credential requests (issue 23, points 1 and 2).

A personal channel is the sender's own account or number offered to a student or family ("my",
"me"); an organisation's account ("our", "the school's", "@lincolnhs posted") is not. A
credential request is asking for a password *or* for the use of someone's personal account
("let me log into your Instagram"); a negated request is advice, not a request.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chalkline.screening import Audience, Message, RosterIndex, Sender, load_oneroster, screen

T2S = (Sender("teacher", "t-walsh"), Audience("direct", ("s-031",)))
T2G = (Sender("teacher", "t-walsh"), Audience("direct", ("g-031",)))
P2T = (Sender("administrator", "p-okafor"), Audience("direct", ("t-walsh",)))
CLASS = (Sender("teacher", "t-nguyen"), Audience("class", (), "c-sci7"))


def _found(index: RosterIndex, detector: str, who: tuple[Sender, Audience], text: str) -> list[str]:
    return [
        text[f.start : f.end]
        for f in screen(Message(text, *who), index=index)
        if f.detector == detector
    ]


@pytest.mark.parametrize(
    ("who", "text"),
    [
        (CLASS, "Follow my personal instagram @coach_walsh for game photos."),
        (T2S, "Find me on TikTok @mrwalsh_pe, I post the drills there."),
        (T2G, "My WhatsApp is +52 55 1234 5678 if that is easier for you."),
        (T2S, "Follow me @coachwalsh for workout tips."),
        (T2S, "I'm @coachwalsh on IG."),
        (CLASS, "Join my Discord server for study help tonight."),
        (T2S, "Check my X account for the answers."),
        (T2G, "Message me on Facebook Messenger anytime."),
        (T2S, "DM me if you have questions about the test."),
        (T2G, "You can reach me on WhatsApp: 011 52 55 1234 5678."),
    ],
)
def test_it_finds_a_personal_social_channel(
    index: RosterIndex, who: tuple[Sender, Audience], text: str
) -> None:
    assert _found(index, "personal_channel", who, text)


@pytest.mark.parametrize(
    ("who", "text"),
    [
        (CLASS, "The school's Instagram @lincolnhs posted the schedule."),
        (CLASS, "Follow us on Instagram @lincolnhs for game-day photos!"),
        (CLASS, "Our class Instagram has the science fair photos."),
        (CLASS, "We read an article about how TikTok affects sleep."),
        (CLASS, "The district's Facebook page has the snow day announcement."),
        (T2S, "My x-ray showed a broken wrist, so I'll be out Friday."),
        (T2S, "DM me in the hub if you have questions."),
        (T2S, "Please don't add strangers on Snapchat."),
    ],
)
def test_it_leaves_district_accounts_and_platform_mentions_alone(
    index: RosterIndex, who: tuple[Sender, Audience], text: str
) -> None:
    assert _found(index, "personal_channel", who, text) == []


@pytest.mark.parametrize(
    ("who", "text", "span"),
    [
        (T2S, "Let me log into your Instagram to fix it.", "Let me log into your Instagram"),
        (T2S, "Give me access to your Snapchat so I can see the messages.", "access to your"),
        (T2S, "I'll sign in as you on TikTok and delete the video.", "sign in as you"),
        (T2S, "Log me into your snap real quick.", "Log me into your snap"),
        (T2S, "I need to get into your Instagram to see the post.", "get into your Instagram"),
        (P2T, "We'll sign in to your Facebook during the meeting.", "sign in to your Facebook"),
        (
            T2S,
            "Can I sign in with your password to fix the settings?",
            "sign in with your password",
        ),
    ],
)
def test_it_finds_a_request_to_sign_in_to_a_personal_account(
    index: RosterIndex, who: tuple[Sender, Audience], text: str, span: str
) -> None:
    found = _found(index, "credential_request", who, text)
    assert any(span in f or f in span for f in found), found


@pytest.mark.parametrize(
    ("who", "text"),
    [
        (CLASS, "I will never ask for your password."),
        (CLASS, "Don't share your login with anyone, not even friends."),
        (CLASS, "I will never ask to log into your Instagram."),
        (CLASS, "Log in to Canvas so I can see your lab submissions."),
        (CLASS, "Let me log in to Canvas and check your grade."),
        (CLASS, "Nobody should ever sign in as you; keep your password to yourself."),
    ],
)
def test_it_leaves_advice_and_school_logins_alone(
    index: RosterIndex, who: tuple[Sender, Audience], text: str
) -> None:
    assert _found(index, "credential_request", who, text) == []


USERS = (
    "sourcedId,status,orgSourcedIds,role,username,givenName,familyName,email,agentSourcedIds\n"
    "s-1,active,b-1,student,mg1,Maria,Garcia,mg1@students.d42.org,\n"
    "t-1,active,b-1,teacher,eo,Elena,Ortiz,eortiz@d42.org,\n"
    "t-2,active,b-1,teacher,db,Daniel,Brooks,dbrooks@d42.org,\n"
    "t-3,active,b-1,teacher,ln,Linh,Nguyen,lnguyen@D42.org,\n"
    "t-4,active,b-1,teacher,pw,Patrick,Walsh,pwalsh.coach@gmail.com,\n"
    "t-5,active,b-1,teacher,gr,Grace,Rivera,grace.rivera77@gmail.com,\n"
    "t-6,active,b-1,aide,af,Amber,Fox,amber@foxfamily.net,\n"
    "t-7,active,b-2,teacher,ks,Karen,Price,kprice@hs.d42.org,\n"
    "t-8,active,b-2,teacher,jl,Jordan,Lee,jlee@hs.d42.org,\n"
)


def test_without_chalkline_json_the_district_domains_come_from_staff_emails(
    tmp_path: Path,
) -> None:
    (tmp_path / "users.csv").write_text(USERS, encoding="utf-8")
    index = load_oneroster(tmp_path)
    assert index.district_domains == {"d42.org", "hs.d42.org"}
    who = (Sender("teacher", "t-1"), Audience("class", (), "c-1"))
    own = "Questions? Email me at eortiz@d42.org or kprice@hs.d42.org."
    assert _found(index, "personal_channel", who, own) == []
    for text in ("Email me at grace.rivera77@gmail.com.", "Write me at amber@foxfamily.net."):
        assert _found(index, "personal_channel", who, text), text


def test_a_configured_domain_list_wins_over_the_staff_emails(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_text(USERS, encoding="utf-8")
    (tmp_path / "chalkline.json").write_text('{"district_domains": ["other.org"]}')
    assert load_oneroster(tmp_path).district_domains == {"other.org"}
