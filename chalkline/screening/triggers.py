"""One Aho-Corasick pass that tells which regex detectors can possibly match a message.

This is the fallback of the Hyperscan prefilter (prefilter.py), used when that is unavailable
(no ``hyperscan`` wheel for the platform, or its database did not compile) and for any pattern
not registered with it.

Every pattern of a detector contains at least one of its anchors (searched in the folded text,
where punctuation is a space), so a message with no anchor skips that detector's regexes.
This keeps the common case (an ordinary message) at one C-speed scan.
"""

from __future__ import annotations

from typing import Any

import ahocorasick

ANCHORS: dict[str, tuple[str, ...]] = {
    "credential_request": (
        "pass",
        "pw",
        "login",
        "log in",
        "log into",
        "log on",
        "sign in",
        "sign into",
        "sign on",
        "credential",
        " pin",
        " code",
        "codes",
        "admin",
        "moderator",
        "owner",
        "editor",
        "access",
        "dm",
        "messages",
        "texts",
        "friends list",
        "unlock",
        "hand me",
        "hand over",
        *(
            f"{v} {w} {x}"
            for v in ("let", "allow")
            for w in ("me", "us")
            for x in ("see", "look", "check", "access", "into", "review")
        ),
        "friend me",
        "friend us",
        "follow me",
        "follow us",
        "accept me",
        "accept us",
    ),
    "personal_channel": (
        "text me",
        "txt me",
        "whatsapp me",
        "whats app me",
        "facetime me",
        "snap me",
        " me on ",
        " me at ",
        " me via ",
        " me up ",
        "my snap",
        "my insta",
        "my ig",
        "my tiktok",
        "my discord",
        "my personal",
        "username",
        "handle",
    ),
    "student_record": (
        "fail",
        "flunk",
        " f ",
        " d ",
        "grade",
        "got a",
        "got an",
        " on the ",
        " on his ",
        " on her ",
        " on their ",
        "gpa",
        "report card",
        "score",
        "level",
        "held back",
        "retain",
        "probation",
        "ineligible",
        "iep",
        "i e p",
        "504",
        "special ed",
        "sped",
        "disabilit",
        "dyslex",
        "therapy",
        "resource room",
        "accommodat",
        "evaluation",
        "suspen",
        "expel",
        "expuls",
        "detention",
        "iss",
        "oss",
        "referral",
        "disciplin",
        "behavior",
        "write up",
        "written up",
        "office",
        "police",
        "arrest",
        "vap",
        "fight",
        "diagnos",
        "adhd",
        "add",
        "autis",
        "asperg",
        "anxi",
        "depress",
        "medicat",
        "meds",
        "allerg",
        "asthma",
        "epipen",
        "inhaler",
        "seizure",
        "epilep",
        "diabet",
        "insulin",
        "lice",
        "counsel",
        "therap",
        "hospital",
        "pregnan",
        "concussion",
        "eating",
        "self",
        "suicid",
        "nurse",
        "sick",
        "vomit",
        "covid",
        "stomach",
        "fever",
        "flu",
        "strep",
        "immuni",
        "vaccin",
        "surgery",
        "absen",
        "tard",
        "truan",
        "unexcused",
        "skipp",
        "missed",
        "attendance",
    ),
    "dob": ("dob", "d o b", "birth", "born"),
    "labelled_id": ("student", "pupil", "learner", "lunch", "state"),
    "harassment": (
        "retard",
        "fag",
        "dyke",
        "tranny",
        "spic",
        "wetback",
        "chink",
        "gook",
        "kike",
        "raghead",
        "towelhead",
        "beaner",
        "cripple",
        "midget",
        "whore",
        "slut",
        "bitch",
        "nigg",
        "n1gg",
        "kill your",
        "kys",
        "go die",
        "unalive",
        "hope you die",
        "nobody likes",
        "nobody wants",
        "nobody cares",
        "everyone hates",
        "stupid",
        "idiot",
        "moron",
        "loser",
        "worthless",
        "pathetic",
        "ugly",
        "fat",
        "dumb",
        "disgusting",
        "trash",
        "garbage",
        "freak",
        "waste of space",
        "useless",
        "failure",
        "pig",
        "cow",
        "clown",
        "joke",
        "shut up",
        "shut your",
        "go back to",
        "beat you",
        "kill you",
        "hurt you",
        "get you",
        "watch your back",
        "re dead",
        "are dead",
    ),
}


_NAMES = tuple(ANCHORS)


def _build() -> Any:
    aut = ahocorasick.Automaton()
    by_anchor: dict[str, int] = {}
    for bit, anchors in enumerate(ANCHORS.values()):
        for a in anchors:
            by_anchor[a] = by_anchor.get(a, 0) | (1 << bit)
    for a, mask in by_anchor.items():
        aut.add_word(a, mask)
    aut.make_automaton()
    return aut


_AUTOMATON = _build()


def triggered(folded_text: str) -> set[str]:
    r"""The families with an anchor in ``folded_text`` (runs of spaces count as one, as the
    patterns' ``\s+`` do)."""
    mask = 0
    for _end, bits in _AUTOMATON.iter(f" {' '.join(folded_text.split())} "):
        mask |= bits
    return {name for bit, name in enumerate(_NAMES) if mask >> bit & 1}
