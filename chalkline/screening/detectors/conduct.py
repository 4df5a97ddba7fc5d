"""Conduct detectors driven by compiled phrase patterns.

credential_request, personal_channel, secrecy, abuse_disclosure and harassment. Each pattern is a
general phrase shape (verb + possessive + object), compiled once at import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

from .. import prefilter
from ..clauses import clause_for
from ..types import Finding, Severity
from .context import ScreenContext

_I = re.IGNORECASE
_YOUR = r"(?:your|ur|yer|you'?r)"
_PLATFORM = (
    r"(?:insta(?:gram)?|ig|facebook|fb|snap(?:chat)?|tik\s?tok|twitter|x|linked\s?in|discord|"
    r"whats\s?app|telegram|signal|kik|reddit|youtube|twitch|bereal|threads|social(?:\s+media)?|"
    r"e-?mail|gmail|icloud|apple\s+id|google|account|profile|page)"
)
_CRED_NOUNS = r"(?:pass\s?words?|pass\s?codes?|passcodes?|pw|pwd|log\s?-?ins?|login\s+(?:info|details|credentials)|credentials|pins?|security\s+codes?|2fa\s+codes?|verification\s+codes?)"

CREDENTIAL = [
    re.compile(
        rf"\b(?:what(?:'s|\s+is|\s+are)|give\s+me|send\s+(?:me|over)|tell\s+me|share|text\s+me|need|i\s+need|"
        rf"provide|hand\s+over|write\s+down|let\s+me\s+have|i'?ll\s+need)\s+(?:me\s+)?{_YOUR}\s+(?:{_PLATFORM}\s+)?{_CRED_NOUNS}\b",
        _I,
    ),
    re.compile(rf"\b{_CRED_NOUNS}\s+(?:to|for)\s+{_YOUR}\s+(?:{_PLATFORM})\b", _I),
    re.compile(
        r"\b(?:log|sign)\s?(?:in|into|on)(?:\s+to)?(?:\s+(?:your|ur)\s+\w+)?(?:\s+(?:account|page|profile))?\s+"
        r"(?:so|and)\s+(?:that\s+)?(?:i|we)\s+(?:can|could)\s+(?:see|check|look|view|review|go\s+through|read)",
        _I,
    ),
    re.compile(
        rf"\b(?:add|make)\s+(?:me|us|the\s+(?:principal|district|school))\s+(?:as\s+)?(?:an?\s+)?"
        rf"(?:admin(?:istrator)?|moderator|co-?owner|owner|editor)\s+(?:on|of|to)\s+{_YOUR}\b",
        _I,
    ),
    re.compile(
        rf"\b(?:let|allow)\s+(?:me|us)\s+(?:see|look\s+(?:at|through)|check|access|into|review)\s+{_YOUR}\s+"
        rf"(?:private\s+|personal\s+)?(?:{_PLATFORM}|dms?|direct\s+messages|messages|texts|friends\s+list)\b",
        _I,
    ),
    re.compile(
        r"\b(?:unlock|hand\s+(?:me|over))\s+(?:your\s+)?phone\s+(?:and|so)\s+(?:show|let|i\s+can)",
        _I,
    ),
    re.compile(
        rf"\b(?:access\s+to|log\s?in\s+(?:to|for)|credentials\s+(?:to|for))\s+(?:your|their|his|her|the\s+applicant'?s?|the\s+candidate'?s?)\s+"
        rf"(?:personal\s+)?(?:{_PLATFORM}|social\s+networking)",
        _I,
    ),
    re.compile(
        rf"\b(?:applicants?|candidates?|employees?|staff|teachers?|new\s+hires?)\s+(?:should|must|need\s+to|will|have\s+to|are\s+required\s+to)\s+"
        rf"(?:share|provide|give|hand\s+over|disclose|submit)\s+(?:their|your|his|her)\s+(?:personal\s+)?(?:{_PLATFORM}\s+)?{_CRED_NOUNS}",
        _I,
    ),
    re.compile(
        rf"\b(?:ask(?:ing)?\s+(?:for|them\s+for)|request(?:ing)?|require|obtain|collect)\s+(?:the\s+)?(?:applicant|candidate|employee|teacher|new\s+hire|staff\s+member)s?'?s?\s+"
        rf"(?:personal\s+)?(?:{_PLATFORM}\s+)?{_CRED_NOUNS}",
        _I,
    ),
    re.compile(
        rf"\b(?:friend|follow|accept)\s+(?:me|us)\s+(?:on\s+{_PLATFORM}\s+)?so\s+(?:i|we)\s+can\s+(?:see|check|monitor)",
        _I,
    ),
]

_NEGATED = re.compile(
    r"\b(?:never|don'?t|do\s+not|not|won'?t|will\s+not|shouldn'?t|no\s+one\s+(?:will|should|may))\b[^.!?\n]{0,20}$",
    _I,
)
_TOLL_FREE = frozenset({"800", "833", "844", "855", "866", "877", "888"})
_PHONE = re.compile(
    r"(?<![\w+])(?:\+?1[\s.-]?)?\(?([2-9]\d{2})\)?[\s.-]?(\d{3})[\s.-]?(\d{4})(?!\d)"
)
# Every _PHONE match is made of decimal digits, whitespace and ". ( ) + -", holds ten digits and
# starts at most one character before its first digit ("+1", "(312"). So it lies inside a
# stretch of those characters that runs at least ten long from its first digit, and searching
# only such stretches finds exactly the matches of a search over the whole text: a stretch ends
# at a character that is none of them (so not a digit, and ``(?!\d)`` answers the same at the
# window's end), and ``pos`` hides nothing from the look-behind. _PHONE tries its look-behind at
# every position, 17 us on a 400-character message; the stretch search skips to digits in C.
_PHONE_STRETCH = re.compile(r"\d[\d\s.()+-]{9,}")


def phone_matches(text: str) -> list[re.Match[str]]:
    """``list(_PHONE.finditer(text))``, searched only where a phone number can be."""
    out: list[re.Match[str]] = []
    for stretch in _PHONE_STRETCH.finditer(text):
        out.extend(_PHONE.finditer(text, max(0, stretch.start() - 1), stretch.end()))
    return out


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_FIRST_PERSON_PHONE = re.compile(
    r"\b(?:my\s+(?:personal\s+|own\s+|private\s+)?(?:cell|mobile|phone|number|cell\s*phone|#)|"
    r"text\s+me|call\s+me|reach\s+me|contact\s+me|my\s+house|at\s+home)\b",
    _I,
)
CHANNEL = [
    re.compile(
        r"\b(?:text|txt|whats\s?app|facetime|snap)\s+me\b(?!\s+(?:through|via|on|in)\s+(?:the\s+)?(?:class\s?dojo|remind|school|district|canvas|schoology|seesaw|parentsquare|teams|hub))",
        _I,
    ),
    re.compile(
        rf"\b(?:dm|pm|snap|add|follow|friend|message|hit)\s+me\s+(?:up\s+)?(?:on|at|via)\s+{_PLATFORM}\b",
        _I,
    ),
    re.compile(
        r"\b(?:my\s+snap(?:chat)?|my\s+insta(?:gram)?|my\s+ig|my\s+tiktok|my\s+discord|my\s+personal\s+(?:e-?mail|account|page|number|cell|phone))\b",
        _I,
    ),
    re.compile(r"\b(?:my|i'?m)\s+(?:@|username\s+is\s+|handle\s+is\s+)[\w.]{3,}", _I),
]
# Apps that teachers use with families and students. Named in a message to families, one that is
# not in the District's registry is flagged (only when the caller hands the registry over).
KNOWN_APPS: tuple[str, ...] = (
    "ClassDojo",
    "Class Dojo",
    "Remind",
    "Seesaw",
    "Bloomz",
    "ParentSquare",
    "GroupMe",
    "WhatsApp",
    "TalkingPoints",
    "Talking Points",
    "ClassTag",
    "Schoology",
    "Canvas",
    "Google Classroom",
    "Microsoft Teams",
    "Teams",
    "Zoom",
    "Padlet",
    "Flip",
    "Kahoot",
    "Quizlet",
    "Edmodo",
    "Signal",
    "Telegram",
    "Discord",
    "Messenger",
    "Konstella",
    "Brightwheel",
)
_APP_NAMES = "|".join(
    sorted((re.escape(a).replace(r"\ ", r"\s+") for a in KNOWN_APPS), key=len, reverse=True)
)
# An app named as the place to go: "join us on Bloomz", "download GroupMe", "via Seesaw". The
# name is matched as written (a proper noun), so "to remind you" and "paint on canvas" are not apps.
_APP_MENTION = re.compile(
    rf"\b(?i:on|in|via|through|using|use|join|download|install|with|to)\s+(?i:the\s+|our\s+)?"
    rf"({_APP_NAMES})\b(?!\s*@)"
)
# Its case-insensitive twin, for the Hyperscan prefilter only (which cannot tell case within a
# pattern): no match of the twin, no match of the pattern.
_APP_GATE = re.compile(_APP_MENTION.pattern.replace("(?i:", "(?:"), _I)
_CANONICAL = {a.lower().replace(" ", ""): a for a in KNOWN_APPS}
_PROVIDER = re.compile(
    r"^(?:gmail|yahoo|hotmail|outlook|live|aol|icloud|me|msn|proton|protonmail|comcast|att|ymail)\.",
    _I,
)

SECRECY = [
    re.compile(
        rf"\b(?:don'?t|do\s+not|dont|never|no\s+need\s+to)\s+(?:tell|show|mention|say\s+anything\s+to|let)\s+"
        rf"(?:{_YOUR}\s+(?:parents?|mom|mum|dad|mother|father|family|friends|folks|guardians?)|anyone|anybody|no\s*one|"
        rf"the\s+(?:other\s+)?(?:teachers?|principal|office|counselor)|other\s+(?:kids|students|teachers))\b",
        _I,
    ),
    re.compile(
        r"\b(?:our\s+(?:little\s+)?secret|(?:just\s+)?between\s+(?:you\s+and\s+me|us|the\s+two\s+of\s+us)|keep\s+(?:this|it|that)\s+(?:a\s+secret|quiet|to\s+yourself|private))\b",
        _I,
    ),
    re.compile(
        r"\b(?:delete|erase|clear)\s+(?:this|these|that|my|our|the)\s*(?:messages?|texts?|chats?|conversation|pics?|photos?|dms?)?\s*(?:after|once|when|right|as\s+soon|so|before)\b",
        _I,
    ),
    re.compile(r"\b(?:nobody|no\s*one|no\s+one\s+else)\s+(?:needs?|has|have)\s+to\s+know\b", _I),
    re.compile(
        r"\b(?:meet|see|pick)\s+(?:you\s+|me\s+)?(?:up\s+)?(?:alone|by\s+(?:yourself|ourselves)|"
        r"at\s+my\s+(?:house|place|apartment|car)|off\s+campus|after\s+dark|somewhere\s+private|where\s+no\s+one)",
        _I,
    ),
    re.compile(
        r"\b(?:come\s+(?:over\s+)?to\s+my\s+(?:house|place|apartment)|i(?:'ll|\s+will|\s+can)\s+pick\s+you\s+up|just\s+(?:the\s+two\s+of\s+us|you\s+and\s+me))\b",
        _I,
    ),
    re.compile(
        r"\b(?:send|show)\s+me\s+(?:a\s+)?(?:pic|picture|photo|selfie|pics|pictures|photos)\s+of\s+(?:you|yourself)\b",
        _I,
    ),
    re.compile(
        r"\b(?:you(?:'re|\s+are)\s+(?:so\s+)?(?:mature|special)\s+for\s+your\s+age|only\s+i\s+understand\s+you)\b",
        _I,
    ),
]

_ABUSER = r"(?:(?:my|his|her|their|our)\s+(?:mom|mum|mother|dad|father|step\s?(?:dad|mom|father|mother)|stepdad|stepmom|uncle|aunt|brother|sister|cousin|grandpa|grandma|grandfather|grandmother|boyfriend|girlfriend|mom'?s\s+boyfriend|parents?|babysitter|coach)|he|she|they)"
ABUSE = [
    re.compile(
        rf"\b{_ABUSER}\s+(?:hits?|hit|beats?(?!\s+\w+\s+(?:at|in)\b)|punch(?:es|ed)?|kick(?:s|ed)?(?!\s+\w+\s+out\b)|chok(?:es|ed)|slap(?:s|ped)|"
        r"burn(?:s|ed|t)|whip(?:s|ped)?|hurts?|hurt|touch(?:es|ed)|grab(?:s|bed)|strangl\w+|threw|throws|"
        r"lock(?:s|ed)|starv\w+|threaten(?:s|ed)\s+to\s+(?:kill|hurt|beat)|abus\w+|molest\w+)\s+"
        r"(?:me|us|him|her|them|my\s+\w+)",
        _I,
    ),
    re.compile(
        r"\b(?:i'?m|i\s+am|we\s+are|we'?re|he'?s|she'?s|they'?re)\s+(?:scared|afraid|terrified)\s+(?:to\s+go\s+home|of\s+(?:my|his|her|their)\s+\w+)",
        _I,
    ),
    re.compile(
        r"\b(?:(?:no|not\s+(?:any|enough))\s+food\s+(?:at\s+home|in\s+the\s+house)|haven'?t\s+(?:eaten|had\s+(?:food|anything\s+to\s+eat))\s+(?:since|in|for)|"
        r"(?:left|leaves)\s+(?:me|us|him|her|them)\s+(?:alone|home\s+alone)\s+(?:for|all|overnight)|"
        r"kick(?:ed)?\s+(?:me|us|him|her)\s+out\s+of\s+the\s+house|no\s+(?:heat|electricity|water)\s+(?:at\s+home|in\s+the\s+house)|"
        r"(?:bruises|marks|burns|welts)\s+(?:on|all\s+over)\s+(?:my|his|her|their)|touched\s+me\s+(?:where|in\s+a\s+way)|"
        r"(?:sexually|physically)\s+abus\w+|being\s+abused|abuses\s+(?:me|us|him|her)|hurts\s+(?:me|us)\s+(?:when|if|at))",
        _I,
    ),
]

_SLURS = (
    r"retard(?:ed)?|fag(?:got)?|dyke|tranny|spic|wetback|chink|gook|kike|raghead|towelhead|beaner|"
    r"cripple|midget|whore|slut|bitch|n[i1]gg(?:er|a)"
)
HARASSMENT = [
    re.compile(rf"\b(?:{_SLURS})s?\b", _I),
    re.compile(
        r"\b(?:kill\s+your\s?self|kys|go\s+die|unalive\s+your\s?self|hope\s+you\s+die|nobody\s+(?:likes|wants|cares\s+about)\s+you|everyone\s+hates\s+you)\b",
        _I,
    ),
    re.compile(
        r"\b(?:you(?:'re|\s+are|r)?|ur|u\s+r|what\s+an?|such\s+an?)\s+(?:(?:so|a|an|such\s+an?|really|fucking|fat|ugly|stupid|little|worthless)\s+)*"
        r"(?:stupid|idiot|moron|loser|worthless|pathetic|ugly|fat|dumb|disgusting|trash|garbage|freak|waste\s+of\s+space|"
        r"retard|useless|failure|pig|cow|clown|joke)\b",
        _I,
    ),
    re.compile(
        r"\b(?:shut\s+up|shut\s+your\s+mouth|go\s+back\s+to\s+(?:your|where\s+you)|i(?:'ll|\s+will)\s+(?:beat|kill|hurt|get)\s+you|watch\s+your\s+back|you(?:'re|\s+are)\s+dead)\b",
        _I,
    ),
]


prefilter.register(*CREDENTIAL, *CHANNEL, _PHONE, _APP_GATE, *SECRECY, *ABUSE, *HARASSMENT)


def _spans(patterns: Iterable[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    spans = sorted((m.start(), m.end()) for p in patterns for m in p.finditer(text))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return merged


def _f(detector: str, s: int, e: int, severity: Severity, message: str, fix: str) -> Finding:
    return Finding(detector, s, e, severity, clause_for(detector), message, fix)


def credential_request(ctx: ScreenContext) -> list[Finding]:
    patterns = ctx.possible(CREDENTIAL, "credential_request")
    if not patterns:
        return []
    severity: Severity = "block" if ctx.staff_sender else "warn"
    return [
        _f(
            "credential_request",
            s,
            e,
            severity,
            "This asks for someone's social-media password or account access. No one may request "
            "that on the District's behalf.",
            "Delete the request. If you have a concern about a post, ask for a screenshot or report "
            "it to the principal.",
        )
        for s, e in _spans(patterns, ctx.text)
        if not _NEGATED.search(ctx.text, max(0, s - 30), s)
    ]


def personal_channel(ctx: ScreenContext) -> list[Finding]:
    msg = ctx.message
    if not ctx.staff_sender:
        return []
    idx = ctx.index
    text = ctx.text
    recipients = msg.audience.recipients
    to_families = msg.audience.kind != "staff" and (
        not recipients or not all(idx.is_staff(r) for r in recipients)
    )
    if not to_families:
        return []
    approved = ctx.approved
    found: list[tuple[int, int, Severity, str]] = []
    patterns = ctx.possible(CHANNEL, "personal_channel")
    if patterns:
        found += [
            (s, e, "block", "This invites a student or family to a personal channel.")
            for s, e in _spans(patterns, text)
            if not approved.allows_name_in(text[s:e])
        ]
    for m in phone_matches(text) if ctx.may_match(_PHONE) else ():
        digits = "".join(m.groups())
        if digits in idx.district_phones or m.group(1) in _TOLL_FREE:
            continue
        near = text[max(0, m.start() - 60) : m.start()]
        first_person = bool(_FIRST_PERSON_PHONE.search(near))
        sev: Severity = "block" if first_person else "warn"
        found.append((m.start(), m.end(), sev, "This phone number is not a District number."))
    for m in _EMAIL.finditer(text) if "@" in text else ():
        dom = m.group(1)
        if idx.is_district_email(m.group()) or dom.lower() in idx.student_email_domains:
            continue
        if approved.allows_domain(dom):
            continue
        near = text[max(0, m.start() - 60) : m.start()]
        first_person = bool(
            re.search(r"\b(?:my|me\s+at|reach\s+me|email\s+me|write\s+me)\b", near, _I)
        )
        personal = bool(_PROVIDER.match(dom))
        if first_person or personal or not idx.district_domains:
            sev = "block" if first_person and personal else "warn"
            found.append(
                (m.start(), m.end(), sev, "This email address is outside the District's domains.")
            )
    apps: dict[int, str] = {}
    if approved.enabled and ctx.may_match(_APP_GATE):
        for m in _APP_MENTION.finditer(text):
            name = m.group(1)
            if approved.allows_name_in(name):
                continue
            apps[m.start(1)] = _CANONICAL.get("".join(name.lower().split()), name)
            found.append(
                (
                    m.start(1),
                    m.end(1),
                    "warn",
                    f"{apps[m.start(1)]} is not on the District's list of approved accounts "
                    "and applications.",
                )
            )
    found.sort()
    out: list[Finding] = []
    for s, e, sev, why in found:
        if out and s < out[-1].end:
            continue
        if s in apps:
            out.append(_unapproved_app(s, e, why, apps[s], approved.request_url))
            continue
        out.append(
            _f(
                "personal_channel",
                s,
                e,
                sev,
                why + " School-related messages must use District-approved accounts "
                "(a personal call to a parent after hours is the one exception).",
                "Use the District messaging hub or your District email and phone.",
            )
        )
    return out


def _unapproved_app(s: int, e: int, why: str, app: str, request_url: str) -> Finding:
    extra: dict[str, str] = {"app": app}
    if request_url:
        extra["request_url"] = f"{request_url}?{urlencode({'name': app})}"
    return Finding(
        "personal_channel",
        s,
        e,
        "warn",
        clause_for("personal_channel"),
        why + " School-related messages must use District-approved accounts and applications.",
        "Use an approved app, or ask for this one to be approved.",
        extra=extra,
    )


def secrecy(ctx: ScreenContext) -> list[Finding]:
    msg = ctx.message
    if not ctx.staff_sender:
        return []
    idx = ctx.index
    # grooming is private: only direct messages that reach a student
    if msg.audience.kind != "direct" or not any(idx.is_student(r) for r in msg.audience.recipients):
        return []
    patterns = ctx.possible(SECRECY)
    if not patterns:
        return []
    return [
        _f(
            "secrecy",
            s,
            e,
            "block",
            "This reads as asking a student for secrecy or private contact, a known grooming "
            "warning sign.",
            "Keep communication with students open, on District channels, with parents able to see it.",
        )
        for s, e in _spans(patterns, ctx.text)
    ]


HOTLINE = "Illinois DCFS hotline 1-800-25-ABUSE (1-800-252-2873)"


def abuse_disclosure(ctx: ScreenContext) -> list[Finding]:
    if ctx.staff_sender:
        return []
    patterns = ctx.possible(ABUSE)
    if not patterns:
        return []
    return [
        Finding(
            "abuse_disclosure",
            s,
            e,
            "warn",
            clause_for("abuse_disclosure"),
            "This may disclose abuse or neglect. As a mandated reporter you must call the "
            f"{HOTLINE} yourself if you suspect it; Chalkline does not report for you.",
            f"Call {HOTLINE} now if a child is in danger (911 for an emergency), then log the report.",
            extra={"hotline": "1-800-252-2873"},
        )
        for s, e in _spans(patterns, ctx.text)
    ]


def harassment(ctx: ScreenContext) -> list[Finding]:
    patterns = ctx.possible(HARASSMENT, "harassment")
    if not patterns:
        return []
    return [
        _f(
            "harassment",
            s,
            e,
            "warn",
            "This wording may be harassing or demeaning.",
            "Rephrase respectfully, or remove it.",
        )
        for s, e in _spans(patterns, ctx.text)
    ]
