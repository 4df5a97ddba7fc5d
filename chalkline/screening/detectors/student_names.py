"""student_name: a student is named and some recipient has no right to know about them.

Matching runs one Aho-Corasick pass over the folded text for every name word in the roster, then
combines adjacent words into full names ("Maria Garcia", "Garcia, Maria", "Maria J. Garcia",
"Maria Lopez" for Maria Garcia-Lopez), "First L." and "F. Family" forms, and finally considers
first-name-only mentions, which count only when exactly one student in the message's context
(the audience class, the sender's classes, the recipients and their children) has that name.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Collection

from .._compiled import compiled_finder
from ..clauses import clause_for
from ..i18n import gettext_noop as _
from ..index import as_tuple
from ..names import (
    COMMON_WORDS,
    DETERMINERS,
    GREETINGS,
    HONORIFICS,
    MONTHS_DAYS,
    NOT_AFTER_START,
    PERSON_NEXT,
    PLACE_WORDS,
    TIME_PREPOSITIONS,
    is_capitalised,
    is_sentence_start,
    is_title_case,
)
from ..text import fold
from ..types import Finding, Severity
from .context import Mention, ScreenContext, is_common

_MIDDLE = re.compile(r"\s+(?:[A-Z]\.?|[A-Z][a-z]+)\s+")
_SPACE = re.compile(r"[ \t]+$")
_COMMA = re.compile(r"\s*,\s*$")
_AFTER_INITIAL = re.compile(r"[ \t]+([A-Z])\.(?![A-Za-z])")
_BEFORE_INITIAL = re.compile(r"(?<![A-Za-z])([A-Z])\.[ \t]+$")
_NEXT_WORD = re.compile(r"^(?:'s)?[ \t]*([A-Za-z][A-Za-z'’]*|\d)")


def _hits(ctx: ScreenContext) -> list[tuple[int, int, str]]:
    """Name-word hits (folded offsets), in order. An ordinary-word name (``will``, ``may``) that
    is written in lower case can never be part of a mention, so it is dropped here, before any
    per-hit work."""
    aut = ctx.index.automaton
    if not len(aut):
        return []
    text = ctx.text
    folded = ctx.folded
    out = []
    for end, tok in aut.iter(f" {folded.text} "):
        start = end - len(tok) - 1
        if tok in COMMON_WORDS and not text[folded.to_original(start)].isupper():
            continue
        out.append((start, start + len(tok), tok))
    out.sort()
    return out


def _word(ctx: ScreenContext, fs: int, fe: int) -> tuple[int, int, str]:
    s, e = ctx.folded.span(fs, fe)
    return s, e, ctx.text[s:e]


def _cased_ok(tok: str, word: str) -> bool:
    return not is_common(tok) or is_capitalised(word)


def find_mentions_py(ctx: ScreenContext) -> list[Mention]:
    """The student mentions in the message (before any audience check), in text order. This is
    the reference implementation; ``find_mentions`` is its compiled twin when that is built."""
    hits = _hits(ctx)
    if not hits:
        return []
    # The index's tables, read as the compiled twin reads them (index.mention_tables()).
    tables = ctx.index.mention_tables()
    full_names = tables.full
    text = ctx.text
    by_start: dict[int, list[tuple[int, int, str]]] = {}
    for h in hits:
        by_start.setdefault(h[0], []).append(h)
    for lst in by_start.values():
        lst.sort(key=lambda h: -h[1])  # longest first: "garcia lopez" before "garcia"
    consumed: set[int] = set()  # folded start offsets already part of a longer mention
    mentions: list[Mention] = []

    def add_full(fs: int, fe: int, key: str) -> None:
        s, e = ctx.folded.span(fs, fe)
        if _HONORIFIC_BEFORE(text, s):
            return
        if _colleague_named(ctx, key):
            # a staff member's name (the sender's signature, a recipient, a colleague in the
            # sender's building): a student only when a namesake is in the message's context
            inside = ctx.context_matches("full", key)
            if len(inside) != 1:
                return
            sid: str | None = inside.pop()
        else:
            sid = ctx.resolve_key("full", key)
        if sid is not None:
            cands: Collection[str] = (sid,)
        else:  # every namesake, as the index holds them (a tuple, or a list for many)
            bucket = full_names.get(key)
            cands = (bucket,) if isinstance(bucket, str) else (bucket or ())
        mentions.append(Mention(s, e, "full", cands, sid))

    folded = ctx.folded.text
    for fs, fe, tok in hits:
        s1, e1, w1 = _word(ctx, fs, fe)
        if not _cased_ok(tok, w1):
            continue
        # next word(s) after this hit
        nxt = fe
        while nxt < len(folded) and folded[nxt] == " ":
            nxt += 1
        matched = False
        for fs2, fe2, tok2 in by_start.get(nxt, ()):
            s2, e2, w2 = _word(ctx, fs2, fe2)
            between = text[e1:s2]
            if not _cased_ok(tok2, w2):
                continue
            if _SPACE.fullmatch(between) or between in ("", " "):
                key = f"{tok} {tok2}"
            elif _COMMA.fullmatch(between):
                key = f"{tok2} {tok}"
            else:
                continue
            if full_names.get(key) and not _longer_name_follows(text, e2):
                add_full(fs, fe2, key)
                consumed.update((fs, fs2))
                matched = True
                break
        if matched:
            continue
        # "Maria J. Garcia" / "Maria Jose Garcia": skip one middle word
        m = _MIDDLE.match(text, e1, e1 + 40)
        if m:
            s2 = m.end()
            for fs2, fe2, tok2 in by_start.get(_fold_pos(ctx, s2), ()):
                key = f"{tok} {tok2}"
                if full_names.get(key) and _cased_ok(tok2, _word(ctx, fs2, fe2)[2]):
                    add_full(fs, fe2, key)
                    consumed.update((fs, fs2))
                    matched = True
                    break
        if matched:
            continue
        m = _AFTER_INITIAL.match(text, e1)
        if m and is_capitalised(w1):
            # an abbreviated name counts when it is unique in the district or in the context
            sid = ctx.resolve_key("given_initial", f"{tok} {m.group(1).lower()}")
            if sid is not None:
                s, e = ctx.folded.span(fs, _fold_pos(ctx, m.end()))
                if not _HONORIFIC_BEFORE(text, s):
                    mentions.append(Mention(s, e, "initial", (sid,), sid))
                consumed.add(fs)
                continue
        m = _BEFORE_INITIAL.search(text, max(0, s1 - 6), s1)
        if m and is_capitalised(w1):
            sid = ctx.resolve_key("initial_family", f"{m.group(1).lower()} {tok}")
            if sid is not None:
                mentions.append(Mention(m.start(), e1, "initial", (sid,), sid))
                consumed.add(fs)
                continue
    sender_name: str | None = None
    for fs, fe, tok in hits:
        if fs in consumed or tok not in tables.given:
            continue
        if sender_name is None:
            sender_name = ctx.sender_given_name()
        s, e, word = _word(ctx, fs, fe)
        sid = _first_name_ok(ctx, tok, s, e, word, sender_name)
        if sid is not None:
            consumed.add(fs)
            mentions.append(Mention(s, e, "first", (sid,), sid))
    # drop mentions contained in longer ones (e.g. "cruz" inside "de la cruz")
    mentions.sort(key=lambda m: (m.start, -(m.end - m.start)))
    out: list[Mention] = []
    for mm in mentions:
        if out and mm.start < out[-1].end:
            continue
        out.append(mm)
    return out


def _fold_pos(ctx: ScreenContext, orig: int) -> int:
    """Folded offset of an original offset (identity unless combining marks were dropped)."""
    return ctx.folded.to_folded(orig)


_FOLLOW = re.compile(r"[ \t]+([A-Z][a-z]+)\b")


def _longer_name_follows(text: str, end: int) -> bool:
    """'June Carter Cash', 'George Washington Carver': the match is part of a longer name."""
    m = _FOLLOW.match(text, end)
    return bool(
        m and m.group(1).lower() not in COMMON_WORDS and not is_sentence_start(text, m.start(1))
    )


def _quoted(text: str, s: int, e: int) -> bool:
    """A bare name in quotation marks is a title ("Olivia", the picture book)."""
    return text[s - 1 : s] in ('"', "\u201c", "'") and text[e : e + 1] in ('"', "\u201d", "'")


_LETTERS = string.ascii_letters


def _prev_word(text: str, start: int) -> tuple[str, int]:
    r"""The word before ``start`` and where it starts, or ("", -1): what group 1 of
    ``re.compile(r"([A-Za-z]+)\.?[ \t,]*$").search(text, start - 16, start)`` is (letters, an
    optional ".", then spaces, tabs or commas, and ``$``'s one final newline), found with string
    methods instead of a regex search that tries every position of the window. A test checks
    that both agree."""
    lo = max(0, start - 16)
    head = text[lo:start]
    if head.endswith("\n"):
        head = head[:-1]
    head = head.rstrip(" \t,")
    if head.endswith("."):
        head = head[:-1]
    cut = len(head.rstrip(_LETTERS))
    if cut == len(head):
        return "", -1
    return head[cut:], lo + cut


def _is_honorific(word: str) -> bool:
    return bool(word) and word[0].isupper() and word.lower() in HONORIFICS


def _HONORIFIC_BEFORE(text: str, start: int) -> bool:
    return _is_honorific(_prev_word(text, start)[0])


def _colleague_named(ctx: ScreenContext, key: str) -> bool:
    """Whether the full-name key is the sender's own name, a staff recipient's, or that of a
    staff member who works in one of the sender's buildings."""
    staff = as_tuple(ctx.index.mention_tables().staff_names.get(key))
    if not staff:
        return False
    msg = ctx.message
    if msg.sender.id in staff or any(r in staff for r in msg.audience.recipients):
        return True
    idx = ctx.index
    return not idx.staff_buildings(msg.sender.id).isdisjoint(idx.staff_name_buildings(key))


def _is_staff_recipient_name(ctx: ScreenContext, tok: str) -> bool:
    staff = ctx.index.mention_tables().staff
    for r in ctx.message.audience.recipients:
        rec = staff.get(r)
        if rec is not None and fold(rec.given_name) == tok:
            return True
    return False


def _unique(ctx: ScreenContext, tok: str) -> str | None:
    found = ctx.first_name_students(tok)
    return found[0] if len(found) == 1 else None


def _first_name_ok(
    ctx: ScreenContext, tok: str, s: int, e: int, word: str, sender_name: str
) -> str | None:
    """The one student in the message context that this first-name mention names, or None.

    The context-free checks run first; the context (class rosters) is consulted only when they
    pass, or when the next word might be the student's own family name."""
    text = ctx.text
    upper_ok = word.isupper() and len(word) > 1 and not text.isupper()  # "MARIA did it!"
    prev_word, prev_start = _prev_word(text, s)
    if _is_honorific(prev_word) or _quoted(text, s, e):
        return None
    # the sender's own first name near the end is a signature
    if tok == sender_name and len(text) - e < 40:
        return None
    nxt_m = _NEXT_WORD.match(text[e : e + 30])
    nxt = nxt_m.group(1) if nxt_m else ""
    possessive = text[e : e + 2] in ("'s", "’s")
    if nxt and nxt[:1].isupper() and not possessive and nxt != "I":
        sid = _unique(ctx, tok)
        if sid is None:
            return None
        if fold(nxt) not in ctx.index.families_of(sid):
            return None  # someone else's full name, or a place/organisation
    if _is_staff_recipient_name(ctx, tok):
        return None  # "Grace, can you ..." addresses the staff recipient
    if nxt.lower() in PLACE_WORDS and is_capitalised(nxt):
        return None
    start_of_sentence = is_sentence_start(text, s)
    if (
        prev_word
        and is_capitalised(prev_word)
        and not start_of_sentence
        and prev_word.lower() not in GREETINGS
        and not is_sentence_start(text, prev_start)
    ):
        return None  # inside a title-case phrase: "Lake Forest", "Grace Church"
    if not is_common(tok):
        return _unique(ctx, tok)
    # ordinary-word names need more evidence
    if prev_word.lower() in DETERMINERS:
        return None  # "the Dawn spacecraft", "a May pole"
    if not (is_title_case(word) or upper_ok):
        return None
    if tok in MONTHS_DAYS and (nxt[:1].isdigit() or (prev_word.lower() in TIME_PREPOSITIONS)):
        return None
    if nxt[:1].isdigit():
        return None
    if start_of_sentence:
        if prev_word.lower() in GREETINGS:
            return _unique(ctx, tok)
        if tok in MONTHS_DAYS and not possessive:
            return None  # "May is Asthma Awareness Month"
        if possessive or nxt.lower() in PERSON_NEXT and nxt.lower() not in NOT_AFTER_START:
            return _unique(ctx, tok)
        return None
    return _unique(ctx, tok)


_NAME_MESSAGE = _(
    "“%(name)s” names a student, and not every recipient is that student, their guardian or "
    "staff who work with them."
)
_NAME_OPTED_OUT = _(
    "“%(name)s” names a student, and not every recipient is that student, their guardian or "
    "staff who work with them. This family has opted out of directory information: the name "
    "must not be shared."
)
_NAME_HEAD, _NAME_TAIL = _NAME_MESSAGE.split("%(name)s")
_OPTED_OUT_HEAD, _OPTED_OUT_TAIL = _NAME_OPTED_OUT.split("%(name)s")
_NAME_FIX = _("Remove the name, or send this part privately to the student's family.")


def detect(ctx: ScreenContext) -> list[Finding]:
    if not ctx.staff_sender:
        return []
    mentions = ctx.mentions()
    if not mentions:
        return []
    out: list[Finding] = []
    clause = clause_for("student_name")
    for m in mentions:
        cands = (m.student,) if m.student else m.candidates
        if all(ctx.audience_may_see(c) for c in cands):
            continue
        opt_out = ctx.index.any_opted_out(cands)
        severity: Severity = "warn" if m.kind == "first" and not opt_out else "block"
        name = ctx.text[m.start : m.end]
        if opt_out:
            template = _NAME_OPTED_OUT
            msg = _OPTED_OUT_HEAD + name + _OPTED_OUT_TAIL
        else:
            template = _NAME_MESSAGE
            msg = _NAME_HEAD + name + _NAME_TAIL  # template % {"name": name}, without the dict
        out.append(
            Finding(
                detector="student_name",
                start=m.start,
                end=m.end,
                severity=severity,
                clause=clause,
                message=msg,
                fix=_NAME_FIX,
                student=m.student,
                opt_out=opt_out,
                extra={} if m.student or len(cands) < 2 else {"candidates": len(cands)},
                template=template,
                args=(("name", name),),
            )
        )
    return out


#: What ScreenContext.mentions() calls: the compiled finder when there is one, else the Python.
find_mentions: Callable[[ScreenContext], list[Mention]] = compiled_finder() or find_mentions_py
