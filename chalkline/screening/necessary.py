"""What every match of a regular expression must contain: a small, looser expression for a gate.

``necessary(pattern)`` reads the pattern's parse tree (``re._parser``) and returns a list of
short expressions built from literal characters, ``\\b`` and ``\\s`` runs, such that wherever
``pattern`` matches, one of them matches inside that match. The prefilter (prefilter.py) compiles
them into one cheap gate for a group of patterns: a text the gate does not match cannot match any
pattern of the group, so the group's own, larger database is scanned only for the few texts the
gate lets through. It is the "necessary substrings" analysis of code search engines (Russ Cox,
"Regular Expression Matching with a Trigram Index", 2012), keeping word boundaries and spaces.

How each construct is read (every step may only loosen, never narrow, what is required):

- a literal character is itself, lower-cased (the gate is compiled case-insensitively);
- a class of a few literal characters is the alternation of them; ``\\s`` is ``\\s``; any other
  class (``\\w``, ``.``, negated classes) could be anything, so it ends the current run;
- ``\\b`` is kept; other zero-width assertions (``^``, look-ahead, look-behind) are dropped,
  which only loosens;
- a sequence concatenates its members' alternatives while they stay few (at most ``LIMIT``);
  where it cannot, it keeps the most selective of the runs it found (any one is necessary);
- an alternation is the union of its branches' requirements (each branch is necessary for
  itself, so their union is necessary for the whole); one branch without a requirement gives the
  whole none;
- ``x?`` adds the empty alternative; ``x*`` (minimum 0) requires nothing; ``x+`` and ``x{m,n}``
  with m >= 1 require what ``x`` requires (a run of ``\\s`` stays ``\\s+`` or ``\\s*``).

``None`` means no requirement was found (the pattern could match text without any literal); a
caller must then treat the pattern as always possible.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

# CPython's own regular-expression parser (private modules: typeshed has stubs for them in some
# versions and not others, so they are loaded as untyped modules).
C: Any = importlib.import_module("re._constants")
P: Any = importlib.import_module("re._parser")

#: At most this many alternatives are kept for a sequence (cross products stop there), and for
#: an alternation of literal branches.
LIMIT = 16
BRANCH_LIMIT = 256

Alt = tuple[str, ...]  # one alternative: a sequence of expression tokens
_B, _S, _SPLUS, _SSTAR = r"\b", r"\s", r"\s+", r"\s*"
_SPACES = frozenset({_S, _SPLUS, _SSTAR})
_STRUCTURAL = frozenset({_B, *_SPACES})


class _Info:
    """``exact``: alternatives whose union matches every string the construct matches (or
    None: too many, or not representable); ``need``: alternatives one of which matches inside
    every match (or None: nothing is required)."""

    __slots__ = ("exact", "need")

    def __init__(self, exact: set[Alt] | None = None, need: set[Alt] | None = None) -> None:
        self.exact = exact
        self.need = need

    def required(self) -> set[Alt] | None:
        if self.exact is not None:
            return self.exact if _useful(self.exact) else None
        return self.need


def _literal_count(alt: Alt) -> int:
    return sum(tok not in _STRUCTURAL for tok in alt)


def _useful(alts: set[Alt]) -> bool:
    """Each alternative holds a literal character: an alternative of only spaces and boundaries
    (or the empty one) matches nearly every text, which requires nothing."""
    return bool(alts) and all(_literal_count(a) for a in alts)


#: Words so frequent in English mail that requiring one of them filters next to nothing.
FREQUENT = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "back",
        "be",
        "because",
        "been",
        "before",
        "being",
        "but",
        "by",
        "can",
        "come",
        "could",
        "day",
        "did",
        "do",
        "does",
        "don",
        "done",
        "down",
        "each",
        "even",
        "every",
        "for",
        "from",
        "get",
        "give",
        "go",
        "going",
        "good",
        "got",
        "had",
        "has",
        "have",
        "he",
        "her",
        "here",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "know",
        "let",
        "like",
        "look",
        "made",
        "make",
        "many",
        "me",
        "more",
        "most",
        "much",
        "must",
        "my",
        "need",
        "new",
        "next",
        "no",
        "not",
        "now",
        "of",
        "off",
        "on",
        "one",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "please",
        "see",
        "she",
        "should",
        "so",
        "some",
        "take",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "time",
        "to",
        "too",
        "up",
        "us",
        "use",
        "very",
        "want",
        "was",
        "way",
        "we",
        "week",
        "well",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "would",
        "year",
        "yes",
        "you",
        "your",
    ]
)


def _score(alt: Alt) -> int:
    """How rare text matching ``alt`` is, roughly: its literal letters, where a word that is
    among the most frequent in English counts one."""
    return sum(_word_score(w) for _i, _j, w in _words(alt))


def _word_score(word: str) -> int:
    return 1 if len(word) <= 2 or word in FREQUENT else len(word)


_WORD_CHAR = re.compile(r"[a-z0-9_]")


def _is_word(tok: str) -> bool:
    return len(tok) == 1 and _WORD_CHAR.match(tok) is not None


def _words(alt: Alt) -> list[tuple[int, int, str]]:
    """(first token, token after the last, word) of each run of literal word characters."""
    out: list[tuple[int, int, str]] = []
    i = 0
    while i < len(alt):
        if not _is_word(alt[i]):
            i += 1
            continue
        j = i
        while j < len(alt) and _is_word(alt[j]):
            j += 1
        out.append((i, j, "".join(alt[i:j])))
        i = j
    return out


def _boundary(alt: Alt, k: int) -> bool:
    """Whether token ``k`` of ``alt``, next to a word character, makes a word boundary there:
    ``\\b`` itself, a space, or a literal character that is not a word character."""
    if not 0 <= k < len(alt):
        return False  # the alternative's edge: whatever precedes or follows is unknown
    tok = alt[k]
    if tok in (_B, _S, _SPLUS):
        return True
    if tok == _SSTAR:
        return False
    return not _is_word(tok.replace("\\", ""))


def _rarest_word(alt: Alt) -> str:
    """The alternative reduced to its rarest word, with ``\\b`` on each side where the
    alternative implies one; the whole alternative when no word of it scores 4. Looser (every
    text the alternative matches holds the word) and much cheaper for Hyperscan, which then
    matches a literal instead of spaces and boundaries around short words."""
    words = _words(alt)
    best = max(words, key=lambda w: _word_score(w[2]), default=None)
    if best is None or _word_score(best[2]) < 4:
        return "".join(alt)
    i, j, word = best
    return (_B if _boundary(alt, i - 1) else "") + word + (_B if _boundary(alt, j) else "")


def _quality(alts: set[Alt]) -> tuple[int, int]:
    """Prefer the candidate whose least rare alternative is rarest, then fewer alternatives."""
    return (min(_score(a) for a in alts), -len(alts))


def _squeeze(alt: Alt) -> Alt:
    """Adjacent space tokens merged into one run (``\\s+`` when either needs a space, which
    can only loosen: ``\\s\\s+`` needs two)."""
    out: list[str] = []
    for tok in alt:
        if out and tok in _SPACES and out[-1] in _SPACES:
            out[-1] = _SSTAR if tok == out[-1] == _SSTAR else _SPLUS
            continue
        out.append(tok)
    return tuple(out)


def _edge(ends: Any) -> str | None:
    """``\\s`` when every alternative has a space at that end, ``\\b`` when every one has a
    boundary there, else None."""
    kinds = {e[0] if e else None for e in ends}
    if kinds and kinds <= {_S, _SPLUS}:
        return _S
    if kinds == {_B}:
        return _B
    return None


def _seq(items: Any) -> _Info:
    cur: set[Alt] = {()}
    candidates: list[set[Alt]] = []
    all_exact = True
    for item in items:
        info = _node(item)
        if info.exact is not None and len(cur) * len(info.exact) <= LIMIT:
            cur = {_squeeze(a + b) for a in cur for b in info.exact}
            continue
        all_exact = False
        if info.exact is not None:
            # Too many to combine: keep what each side says about the edge between them (a
            # space or a boundary that all the alternatives on one side put there).
            after = _edge(a[:1] for a in info.exact)
            if after and _useful(cur):
                cur = {_squeeze((*a, after)) for a in cur}
            if _useful(cur):
                candidates.append(cur)
            before = _edge(a[-1:] for a in cur)
            cur = {_squeeze((before, *a)) if before else a for a in info.exact}
        else:
            if _useful(cur):
                candidates.append(cur)
            if info.need:
                candidates.append(info.need)
            cur = {()}
    if all_exact:
        return _Info(cur)
    if _useful(cur):
        candidates.append(cur)
    if not candidates:
        return _Info()
    return _Info(None, max(candidates, key=_quality))


def _class(items: Any) -> _Info:
    chars: set[Alt] = set()
    for op, av in items:
        if op is C.LITERAL:
            chars.add((re.escape(chr(av).lower()),))
        elif op is C.RANGE and av[1] - av[0] < 10:
            chars.update((re.escape(chr(c).lower()),) for c in range(av[0], av[1] + 1))
        elif op is C.CATEGORY and av is C.CATEGORY_SPACE and len(items) == 1:
            return _Info({(_S,)})
        else:
            return _Info()
    return _Info(chars)


def _node(node: Any) -> _Info:
    op, av = node
    if op is C.LITERAL:
        return _Info({(re.escape(chr(av).lower()),)})
    if op is C.IN:
        return _class(av)
    if op is C.AT:
        if av in (C.AT_BOUNDARY, C.AT_UNI_BOUNDARY, C.AT_LOC_BOUNDARY):
            return _Info({(_B,)})
        return _Info({()})
    if op in (C.ASSERT, C.ASSERT_NOT):
        return _Info({()})
    if op is C.SUBPATTERN:
        return _seq(av[-1])
    if op is C.BRANCH:
        infos = [_seq(b) for b in av[1]]
        if all(i.exact is not None for i in infos):
            union: set[Alt] = set().union(*(i.exact for i in infos if i.exact is not None))
            if len(union) <= BRANCH_LIMIT:
                return _Info(union)
        needs = [i.required() for i in infos]
        if any(n is None for n in needs):
            return _Info()
        return _Info(None, set().union(*(n for n in needs if n is not None)))
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
        lo, hi, sub = av
        info = _seq(sub)
        if lo == 0:
            if hi == 1 and info.exact is not None:
                return _Info(info.exact | {()})
            return _Info({(_SSTAR,)}) if info.exact in ({(_S,)}, {(_SPLUS,)}) else _Info()
        if lo == 1 and hi == 1:
            return info
        if info.exact in ({(_S,)}, {(_SPLUS,)}):
            return _Info({(_SPLUS,)})
        return _Info(None, info.required())
    return _Info()


def necessary(pattern: re.Pattern[str]) -> list[str] | None:
    """Expressions one of which matches inside every match of ``pattern`` (compile them
    case-insensitively, in ASCII mode), or None when no requirement was found or the pattern
    is not ASCII."""
    if not pattern.pattern.isascii():
        return None  # the gate scans an ASCII image (prefilter.ascii_image); not analysed
    info = _seq(P.parse(pattern.pattern, pattern.flags))
    found = info.required()
    if found is None:
        return None
    return sorted({_rarest_word(alt) for alt in found})
