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
from ..i18n import gettext_noop as _
from ..types import Finding, Severity
from . import spanish as es
from .context import ScreenContext

_I = re.IGNORECASE
_YOUR = r"(?:your|ur|yer|you'?r)"
_PLATFORM = (
    r"(?:insta(?:gram)?|ig|facebook|fb|snap(?:chat)?|tik\s?tok|twitter|x|linked\s?in|discord|"
    r"whats\s?app|telegram|signal|kik|reddit|youtube|twitch|bereal|threads|social(?:\s+media)?|"
    r"e-?mail|gmail|icloud|apple\s+id|google|account|profile|page)"
)
# Personal social platforms (not e-mail, not a generic "account"): what "my ..." / "... me on"
# must name to be an invitation to a personal channel. "x" only as "X account/handle".
_SOCIAL = (
    r"(?:insta(?:gram)?|ig|facebook|fb|snap(?:chat)?|tik\s?tok|twitter|x\s+(?:account|handle|profile)|"
    r"discord|whats\s?app|telegram|signal|kik|reddit|twitch|be\s?real|threads|venmo|groupme|"
    r"messenger|wechat|line\s+app|viber)"
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
    # Signing in to someone's personal account for them, not only asking for the password:
    # "let me log into your Instagram", "I'll sign in to your Snapchat and fix it".
    re.compile(
        rf"\b(?:(?:let|allow)\s+(?:me|us)(?:\s+to)?|(?:i|we)(?:'ll|'d|\s+will|\s+would|\s+can|\s+could|"
        rf"\s+need\s+to|\s+have\s+to|\s+want\s+to|'?m\s+going\s+to|\s+am\s+going\s+to|\s+should|\s+must|"
        rf"\s+just\s+need\s+to)|(?:i|we)\s+(?:just\s+)?(?:need|want)\s+to)\s+(?:just\s+|quickly\s+)?"
        rf"(?:(?:log|sign)\s?(?:in|on|into)(?:\s+to)?|get\s+(?:into|in\s+to|on))\s+{_YOUR}\s+(?:personal\s+|private\s+)?"
        rf"(?:{_SOCIAL}|(?:personal\s+)?(?:e-?mail|account|profile|page))\b",
        _I,
    ),
    # "log me into your Snapchat", "sign me in to your TikTok"
    re.compile(
        rf"\b(?:log|sign)\s+me\s+(?:in|into|on)\s+(?:to\s+)?{_YOUR}\s+(?:personal\s+)?"
        rf"(?:{_SOCIAL}|account|e-?mail|profile|page|phone)\b",
        _I,
    ),
    # Acting as the person: "I'll sign in as you on TikTok", "log in as him"
    re.compile(
        r"\b(?:log|sign)\s?(?:-\s?)?(?:in|on)\s+as\s+(?:you|him|her|them|the\s+(?:student|teacher|employee))\b",
        _I,
    ),
    # "log in with your password", "sign in using your Snapchat login"
    re.compile(
        rf"\b(?:log|sign)\s?(?:in|on|into)(?:\s+to\s+\w+)?\s+(?:with|using)\s+{_YOUR}\s+"
        rf"(?:{_PLATFORM}\s+)?(?:{_CRED_NOUNS}|info|details)\b",
        _I,
    ),
    # "give me access to your Snapchat", "get me into your Instagram"
    re.compile(
        rf"\b(?:give|grant|get|let)\s+(?:me|us)\s+(?:full\s+)?(?:access\s+to|into|in\s+to)\s+{_YOUR}\s+"
        rf"(?:personal\s+|private\s+)?(?:{_SOCIAL}|account|accounts|profile|page|e-?mail|phone)\b",
        _I,
    ),
]

_NEGATED = re.compile(
    r"\b(?:never|don'?t|do\s+not|not|won'?t|will\s+not|shouldn'?t|(?:no\s*-?\s*one|nobody)\s+(?:will|should|may|can|must|is\s+allowed\s+to))\b[^.!?\n]{0,20}$",
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


# An international number ("+52 55 1234 5678", "+44 20 7946 0958"): a "+" and a country code
# other than 1 (NANP numbers are _PHONE's), then groups of digits, 8 to 15 digits in all.
_INTL_PHONE = re.compile(r"(?<![\w+])\+[2-9]\d{0,2}(?:[\s.-]?\(?\d{1,5}\)?){2,6}(?![\d])")


def _intl_phones(text: str) -> list[re.Match[str]]:
    return [m for m in _INTL_PHONE.finditer(text) if 8 <= sum(c.isdigit() for c in m.group()) <= 15]


_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_FIRST_PERSON_PHONE = re.compile(
    r"\b(?:my\s+(?:personal\s+|own\s+|private\s+)?(?:cell|mobile|phone|number|cell\s*phone|#)|"
    r"text\s+me|call\s+me|reach\s+me|contact\s+me|my\s+house|at\s+home|"
    r"(?:my\s+)?(?:whats\s?app|signal|telegram))\b",
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
    # A personal account of the sender's: "my personal Instagram", "my TikTok @mr.walsh",
    # "my WhatsApp". Only the singular first person: "our"/"the school's" Instagram is an
    # organisation's account (approved through the registry), not a personal channel.
    re.compile(rf"\bmy\s+(?:own\s+|personal\s+|private\s+|other\s+|new\s+)?{_SOCIAL}\b", _I),
    # An invitation to the sender's personal account: "follow me on TikTok", "find me on
    # Discord", "message me on WhatsApp", "follow me @coachwalsh", "I'm @coachwalsh on IG".
    re.compile(
        rf"\b(?:follow|add|find|friend|dm|pm|message|msg|chat\s+with|talk\s+to|reach|contact|catch|"
        rf"look\s+(?:me\s+)?up|connect\s+with)\s+me\s+(?:up\s+)?(?:on|at|via|over\s+on|through)\s+"
        rf"(?:{_SOCIAL}|@[\w.]{{2,}})",
        _I,
    ),
    re.compile(r"\b(?:follow|add|find|friend|dm|message)\s+me\s*(?:[:\-]\s*)?@[\w.]{2,}", _I),
    re.compile(rf"\bi'?m\s+@[\w.]{{2,}}\s+on\s+{_SOCIAL}", _I),
    re.compile(
        r"\b(?:dm|pm)\s+me\b(?!\s+(?:through|via|on|in)\s+(?:the\s+)?(?:class\s?dojo|remind|school|"
        r"district|canvas|schoology|seesaw|parentsquare|teams|hub|chalkline))",
        _I,
    ),
    # A number given as a messaging account: "WhatsApp: +52 55 1234 5678", "my Signal is 312...".
    re.compile(
        r"\b(?:whats\s?app|signal|telegram|viber|wechat)\s*(?:me\s+)?(?:at|on|is|:|-|\#|number)?\s*"
        r"(?:is\s+|:\s*)?\+?\d[\d\s().-]{6,}\d",
        _I,
    ),
    re.compile(r"\bwa\.me/\+?\d{6,}", _I),
]
_FIRST_PERSON_EMAIL = re.compile(r"\b(?:my|me\s+at|reach\s+me|email\s+me|write\s+me)\b", _I)
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
# What the Hyperscan prefilter compiles for it (which cannot tell case within a pattern): the
# app names alone, as written, whole words. Every match of _APP_MENTION holds one, so no match of
# the gate means no match of the pattern. (A case-insensitive twin of the whole pattern cost the
# prefilter about 5,000 instructions a message: "on", "in" and "to" begin it.)
_APP_GATE = rf"\b(?:{_APP_NAMES})\b"
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


# _INTL_PHONE is not registered: its digit groups cost the prefilter about 1 us a message (a
# third of its scan), while the "+" it needs is rare; a "+" in the text gates it instead.
prefilter.register(*CREDENTIAL, *CHANNEL, _PHONE)
prefilter.register_gated(_APP_MENTION, _APP_GATE)
prefilter.register(*SECRECY, *ABUSE, *HARASSMENT)
# English or Spanish first person before a number or address, searched in the deaccented text
_FIRST_PERSON_PHONE_ANY = re.compile(
    f"{_FIRST_PERSON_PHONE.pattern}|{es.FIRST_PERSON_PHONE.pattern}", _I
)
_FIRST_PERSON_EMAIL_ANY = re.compile(
    f"{_FIRST_PERSON_EMAIL.pattern}|{es.FIRST_PERSON_EMAIL.pattern}", _I
)
# each English list with its Spanish twin, as one set of prefilter positions (see
# ScreenContext.possible_pair); the patterns are all registered above, so positions are final
_BOTH: dict[int, frozenset[int] | None] = {
    id(en): prefilter.position_set([*en, *sp])
    for en, sp in (
        (CREDENTIAL, es.CREDENTIAL),
        (CHANNEL, es.CHANNEL),
        (SECRECY, es.SECRECY),
        (ABUSE, es.ABUSE),
        (HARASSMENT, es.HARASSMENT),
    )
}
_PHONE_AT = prefilter.position(_PHONE)
_APP_MENTION_AT = prefilter.position(_APP_MENTION)
# every registered pattern personal_channel runs: when the prefilter reports none of them and
# the text has no "+" (international numbers) and no "@" (addresses), it finds nothing
_CHANNEL_ANY = prefilter.position_set([*CHANNEL, *es.CHANNEL, _PHONE, _APP_MENTION])


def _spans(patterns: Iterable[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    return _merge(sorted((m.start(), m.end()) for p in patterns for m in p.finditer(text)))


def _both(
    ctx: ScreenContext,
    english: list[re.Pattern[str]],
    spanish: list[re.Pattern[str]],
    family: str | None,
) -> list[tuple[int, int]]:
    """Merged spans of the English patterns in the text and the Spanish ones in its deaccented
    twin (same offsets); only the patterns the prefilter reports run."""
    both = _BOTH[id(english)]
    if ctx.reported_none(both):  # the common case, one set test
        return []
    en, es_ = ctx.possible_pair(english, spanish, both, family)
    if not es_:
        return _spans(en, ctx.text) if en else []
    return _merge(sorted([*_spans(en, ctx.text), *_spans(es_, ctx.plain)]))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
    spans = _both(ctx, CREDENTIAL, es.CREDENTIAL, "credential_request")
    if not spans:
        return []
    severity: Severity = "block" if ctx.staff_sender else "warn"
    plain = ctx.plain
    return [
        _f(
            "credential_request",
            s,
            e,
            severity,
            _(
                "This asks for someone's social-media password or account access. No one may "
                "request that on the District's behalf."
            ),
            _(
                "Delete the request. If you have a concern about a post, ask for a screenshot or "
                "report it to the principal."
            ),
        )
        for s, e in spans
        if not _NEGATED.search(ctx.text, max(0, s - 30), s)
        and not es.NEGATED.search(plain, max(0, s - 30), s)
    ]


_CHANNEL_INVITE = _(
    "This invites a student or family to a personal channel. School-related messages must use "
    "District-approved accounts (a personal call to a parent after hours is the one exception)."
)
_CHANNEL_PHONE = _(
    "This phone number is not a District number. School-related messages must use "
    "District-approved accounts (a personal call to a parent after hours is the one exception)."
)
_CHANNEL_EMAIL = _(
    "This email address is outside the District's domains. School-related messages must use "
    "District-approved accounts (a personal call to a parent after hours is the one exception)."
)


def personal_channel(ctx: ScreenContext) -> list[Finding]:
    msg = ctx.message
    if not ctx.staff_sender:
        return []
    text = ctx.text
    if "+" not in text and "@" not in text and ctx.reported_none(_CHANNEL_ANY):
        return []
    idx = ctx.index
    recipients = msg.audience.recipients
    to_families = msg.audience.kind != "staff" and (
        not recipients or not all(idx.is_staff(r) for r in recipients)
    )
    if not to_families:
        return []
    approved = ctx.approved
    found: list[tuple[int, int, Severity, str]] = []
    found += [
        (s, e, "block", _CHANNEL_INVITE)
        for s, e in _both(ctx, CHANNEL, es.CHANNEL, "personal_channel")
        if not approved.allows_name_in(text[s:e])
    ]
    for m in phone_matches(text) if ctx.may_match_at(_PHONE_AT) else ():
        digits = "".join(m.groups())
        if digits in idx.district_phones or m.group(1) in _TOLL_FREE:
            continue
        near = ctx.plain[max(0, m.start() - 60) : m.start()]
        sev: Severity = "block" if _FIRST_PERSON_PHONE_ANY.search(near) else "warn"
        found.append((m.start(), m.end(), sev, _CHANNEL_PHONE))
    for m in _intl_phones(text) if "+" in text else ():
        near = ctx.plain[max(0, m.start() - 60) : m.start()]
        sev = "block" if _FIRST_PERSON_PHONE_ANY.search(near) else "warn"
        found.append((m.start(), m.end(), sev, _CHANNEL_PHONE))
    for m in _EMAIL.finditer(text) if "@" in text else ():
        dom = m.group(1)
        if idx.is_district_email(m.group()) or dom.lower() in idx.student_email_domains:
            continue
        if approved.allows_domain(dom):
            continue
        near = ctx.plain[max(0, m.start() - 60) : m.start()]
        first_person = bool(_FIRST_PERSON_EMAIL_ANY.search(near))
        personal = bool(_PROVIDER.match(dom))
        if first_person or personal or not idx.district_domains:
            sev = "block" if first_person and personal else "warn"
            found.append((m.start(), m.end(), sev, _CHANNEL_EMAIL))
    apps: dict[int, str] = {}
    if approved.enabled and ctx.may_match_at(_APP_MENTION_AT):
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
                why,
                _("Use the District messaging hub or your District email and phone."),
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
    # grooming is private: only direct messages that reach a student (asked after the
    # patterns, which rarely match: the recipients' test is the dearer one)
    if msg.audience.kind != "direct":
        return []
    spans = _both(ctx, SECRECY, es.SECRECY, None)
    if not spans or not any(idx.is_student(r) for r in msg.audience.recipients):
        return []
    return [
        _f(
            "secrecy",
            s,
            e,
            "block",
            _(
                "This reads as asking a student for secrecy or private contact, a known grooming "
                "warning sign."
            ),
            _(
                "Keep communication with students open, on District channels, with parents able "
                "to see it."
            ),
        )
        for s, e in spans
    ]


HOTLINE = _("Illinois DCFS hotline 1-800-25-ABUSE (1-800-252-2873)")
_ABUSE_MESSAGE = _(
    "This may disclose abuse or neglect. As a mandated reporter you must call the %(hotline)s "
    "yourself if you suspect it; Chalkline does not report for you."
)
# The fix names the hotline in full, translated as one string.
_ABUSE_FIX = _(
    "Call Illinois DCFS hotline 1-800-25-ABUSE (1-800-252-2873) now if a child is in danger "
    "(911 for an emergency), then log the report."
)


def abuse_disclosure(ctx: ScreenContext) -> list[Finding]:
    if ctx.staff_sender:
        return []
    spans = _both(ctx, ABUSE, es.ABUSE, None)
    if not spans:
        return []
    return [
        Finding(
            "abuse_disclosure",
            s,
            e,
            "warn",
            clause_for("abuse_disclosure"),
            _ABUSE_MESSAGE % {"hotline": HOTLINE},
            _ABUSE_FIX,
            extra={"hotline": "1-800-252-2873"},
            template=_ABUSE_MESSAGE,
            args=(("hotline", HOTLINE),),
        )
        for s, e in spans
    ]


def harassment(ctx: ScreenContext) -> list[Finding]:
    spans = _both(ctx, HARASSMENT, es.HARASSMENT, "harassment")
    if not spans:
        return []
    return [
        _f(
            "harassment",
            s,
            e,
            "warn",
            _("This wording may be harassing or demeaning."),
            _("Rephrase respectfully, or remove it."),
        )
        for s, e in spans
    ]
