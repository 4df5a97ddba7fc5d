"""One Hyperscan pass that tells which of the detectors' regular expressions can match a message.

Python's ``re`` tries every pattern at every position: the conduct, record, id and phone patterns
together cost hundreds of microseconds on a 400-character message, although almost every message
matches none of them. Hyperscan (https://github.com/intel/hyperscan, through the ``hyperscan``
package) compiles all of them into one automaton that scans the message once. It runs here in
*prefilter* mode, which Hyperscan documents as never missing a match of the pattern (unsupported
constructs such as look-behind are replaced by looser ones), so a pattern it does not report
certainly does not match; the detectors then run only the reported patterns with ``re``, which
still produces every span. The findings are therefore exactly those of running every pattern.

The database is compiled in ASCII mode and scans an ASCII image of the text, one character for
one character (see ``ascii_image``): every non-ASCII character becomes an ASCII one of the same
kind to ``re`` (letter or digit, decimal digit, space, or other), and the four non-ASCII letters
that ``re.IGNORECASE`` equates with an ASCII one become that letter. The patterns are ASCII, so
whatever ``re`` matches in the text, the same pattern matches in the image: no match is lost.
An accented Latin letter becomes its base letter (é -> e), not just any letter: the Spanish
patterns search ``text.deaccent(text)``, whose image is the text's image, so a Spanish match is
not lost either. (For the other patterns a letter is a letter: no registered pattern names a
non-ASCII letter, and none has a negated class that names an ASCII letter.)

If the ``hyperscan`` package is missing (a platform without a wheel) or compiling fails, the
detectors fall back to the anchor scan of triggers.py.

Patterns are registered by the detector modules at import time. Compiling takes about a second,
so the compiled database is kept in a private cache directory (``CHALKLINE_CACHE_DIR``, else
``$XDG_CACHE_HOME/chalkline`` or ``~/.cache/chalkline``), named by a digest of the patterns,
their flags and the Hyperscan version; a file that does not load is compiled again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from .necessary import necessary
from .text import TABLE_MAX, base_letter

log = logging.getLogger(__name__)

_hs: Any
try:  # pragma: no cover - exercised by whichever branch the platform takes
    import hyperscan as _hs
except ImportError:  # pragma: no cover
    _hs = None

#: The non-ASCII characters that re.IGNORECASE matches to an ASCII letter.
_CASE_FOLDS = {"\u212a": "k", "\u017f": "s", "\u0130": "i", "\u0131": "i"}


class _AsciiImage(dict[int, str]):
    """str.translate table: each character to an ASCII character that the patterns' classes
    treat alike (filled lazily, up to TABLE_MAX distinct characters)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if code < 128 and not 0x1C <= code <= 0x1F:
            out = ch  # ASCII stands for itself (but for four controls: see below)
        elif ch in _CASE_FOLDS:
            out = _CASE_FOLDS[ch]
        elif ch.isspace():  # re's \s (includes \x1c-\x1f, which Hyperscan's ASCII \s does not)
            out = " "
        elif ch.isdecimal():  # re's \d, and \w
            out = "0"
        elif ch.isalnum():  # re's \w: an accented Latin letter becomes its base letter (as in
            # text.deaccent, which the Spanish patterns search), any other letter or digit "a"
            out = base_letter(ch) or "a"
        else:  # neither: and in none of the patterns' negated classes
            out = "~"
        if len(self) < TABLE_MAX:  # bounded: a message could hold every code point
            self[code] = out
        return out


_IMAGE = _AsciiImage()


def ascii_image(text: str) -> str:
    """``text`` with every character that is not plain ASCII replaced as described above; the
    same length, so every ``re`` match in ``text`` has a Hyperscan match in the image."""
    # \x1c-\x1f are ASCII, yet \s to re and not to Hyperscan. Four memchr scans: a generator
    # over the four cost more than all of them (0.66 -> 0.25 us a message with the encode).
    if (
        text.isascii()
        and "\x1c" not in text
        and "\x1d" not in text
        and "\x1e" not in text
        and "\x1f" not in text
    ):
        return text
    return text.translate(_IMAGE)


_registered: list[re.Pattern[str]] = []
# id(pattern) -> its position in _registered. Patterns are module constants, alive for the whole
# process; keyed by identity because hashing a compiled pattern hashes its whole program.
_position: dict[int, int] = {}
_lock = threading.Lock()
_state: dict[str, Any] = {}  # "db": the _Compiled database; "failed": True


def register(*patterns: re.Pattern[str]) -> None:
    """Add patterns to the prefilter. The detector modules call it when imported, before any
    message is screened (screen() and warm_up() import them); if the registry grows later, the
    database is compiled again on the next message."""
    with _lock:
        for p in patterns:
            if id(p) not in _position:
                _position[id(p)] = len(_registered)
                _registered.append(p)


# id(pattern) -> the looser expression the database compiles for it (see register_gated)
_gates: dict[int, str] = {}


def register_gated(pattern: re.Pattern[str], gate: str) -> None:
    """Register ``pattern`` but compile ``gate`` for it: an expression that matches wherever
    ``pattern`` matches (typically a prefix every match starts with). Long alternations in
    sequence multiply into large Hyperscan databases, and a larger database is a colder one
    (cache misses cost more than its scan); a report of the gate only means the pattern runs
    in ``re``, so findings are unchanged. The prefilter tests check the superset property."""
    register(pattern)
    with _lock:
        _gates[id(pattern)] = gate


# id(pattern) -> the name of its group (see register_group)
_group_of: dict[int, str] = {}
# The first Hyperscan id of the group gates in the main database (pattern ids are positions).
_GATE_BASE = 1 << 30


def register_group(group: str, *patterns: re.Pattern[str]) -> None:
    """Register ``patterns`` as a group behind one gate. The main database holds, instead of
    the group's patterns, one gate built from what every match of each must contain (see
    necessary.py: mostly literal words); the group's patterns, with their register_gated
    gates, form a database of their own, scanned only when the gate matches. A group of
    patterns that ordinary text rarely matches (the Spanish ones, in English mail) then costs
    the main scan a few literals instead of their automata. The positions and may_match()
    answers are the same as for register(): a gate that does not match means no pattern of
    the group can. A group where some pattern requires nothing is compiled into the main
    database as registered patterns."""
    register(*patterns)
    with _lock:
        for p in patterns:
            _group_of[id(p)] = group


# id(list of patterns) -> (the list, kept alive so its id is never reused, and its positions)
_positions: dict[int, tuple[list[re.Pattern[str]], tuple[int, ...] | None]] = {}


def positions(patterns: list[re.Pattern[str]]) -> tuple[int, ...] | None:
    """position() of each of a detector's patterns, or None when one of them is not
    registered. Meant for module-level lists: the answer is kept per list (by identity)."""
    entry = _positions.get(id(patterns))
    if entry is None:
        pos = [_position.get(id(p)) for p in patterns]
        entry = _positions[id(patterns)] = (
            patterns,
            None if None in pos else tuple(p for p in pos if p is not None),
        )
    return entry[1]


_position_sets: dict[int, tuple[list[re.Pattern[str]], frozenset[int] | None]] = {}


def position_set(patterns: list[re.Pattern[str]]) -> frozenset[int] | None:
    """positions(patterns) as a set: ``found.isdisjoint(it)`` then walks the smaller of the two
    (usually the few reported patterns) instead of every position of the list."""
    entry = _position_sets.get(id(patterns))
    if entry is None:
        pos = positions(patterns)
        entry = _position_sets[id(patterns)] = (patterns, None if pos is None else frozenset(pos))
    return entry[1]


def position(pattern: re.Pattern[str]) -> int | None:
    """The pattern's number in the sets may_match() returns; None when it is not registered."""
    return _position.get(id(pattern))


def available() -> bool:
    return _hs is not None and not _state.get("failed")


def _flags(pattern: re.Pattern[str]) -> int:
    flags = _hs.HS_FLAG_PREFILTER | _hs.HS_FLAG_SINGLEMATCH | _hs.HS_FLAG_ALLOWEMPTY
    if pattern.flags & re.IGNORECASE:
        flags |= _hs.HS_FLAG_CASELESS
    if pattern.flags & re.DOTALL:
        flags |= _hs.HS_FLAG_DOTALL
    if pattern.flags & re.MULTILINE:
        flags |= _hs.HS_FLAG_MULTILINE
    return int(flags)


def cache_dir() -> Path:
    explicit = os.environ.get("CHALKLINE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "chalkline"


def _compile(exprs: list[bytes], flags: list[int], ids: list[int]) -> Any:
    digest = hashlib.sha256(
        repr((getattr(_hs, "__version__", "?"), exprs, flags, ids)).encode()
    ).hexdigest()[:32]
    path = cache_dir() / f"prefilter-{digest}.hsdb"
    try:
        return _hs.loadb(path.read_bytes(), _hs.HS_MODE_BLOCK)
    except FileNotFoundError:
        pass
    except Exception:
        log.warning("screening prefilter cache %s did not load; compiling again", path.name)
    db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
    db.compile(expressions=exprs, ids=ids, elements=len(exprs), flags=flags)
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".prefilter-")
    except OSError as exc:  # a read-only home: the database still works, uncached
        log.info("screening prefilter not cached: %s", exc.strerror)
        return db
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_hs.dumpb(db))
        os.replace(tmp, path)  # readers see the whole file or none
    except OSError as exc:  # a full disk: no partial file is left behind
        Path(tmp).unlink(missing_ok=True)
        log.info("screening prefilter not cached: %s", exc.strerror)
    return db


def _entry(p: re.Pattern[str]) -> bytes:
    return _gates.get(id(p), p.pattern).encode("ascii")


class _Compiled:
    """The databases over a snapshot of the registered patterns: the main one (ungrouped
    patterns and one gate per group) and one per group (see register_group)."""

    __slots__ = ("db", "groups", "patterns", "local")

    def __init__(self, patterns: list[re.Pattern[str]]) -> None:
        if not all(_gates.get(id(p), p.pattern).isascii() for p in patterns):
            raise ValueError("prefilter patterns must be ASCII (see ascii_image)")
        self.patterns = patterns
        members: dict[str, list[int]] = {}
        for i, p in enumerate(patterns):
            group = _group_of.get(id(p))
            if group is not None:
                members.setdefault(group, []).append(i)
        exprs: list[bytes] = []
        flags: list[int] = []
        ids: list[int] = []
        gated: set[int] = set()
        groups: list[tuple[int, Any]] = []
        caseless = int(_hs.HS_FLAG_CASELESS | _hs.HS_FLAG_SINGLEMATCH)
        for _name, positions in sorted(members.items()):
            needs = [necessary(patterns[i]) for i in positions]
            if any(n is None for n in needs):
                continue  # a pattern that requires nothing: the group's patterns go in the main
            gate_id = _GATE_BASE + len(groups)
            for need in dict.fromkeys("|".join(n) for n in needs if n):  # one per pattern
                exprs.append(need.encode("ascii"))  # (a single one is too long to compile)
                flags.append(caseless)
                ids.append(gate_id)
            db = _compile(
                [_entry(patterns[i]) for i in positions],
                [_flags(patterns[i]) for i in positions],
                positions,
            )
            groups.append((gate_id, db))
            gated.update(positions)
        for i, p in enumerate(patterns):
            if i not in gated:
                exprs.append(_entry(p))
                flags.append(_flags(p))
                ids.append(i)
        self.db = _compile(exprs, flags, ids)
        self.groups = tuple(groups)
        self.local = threading.local()  # Hyperscan scratch space may not be shared by threads

    def _scratch(self) -> list[Any]:
        scratch: list[Any] = [_hs.Scratch(self.db)]
        scratch.extend(_hs.Scratch(db) for _gate, db in self.groups)
        self.local.scratch = scratch
        return scratch

    def scan(self, data: bytes) -> list[int]:
        scratch = getattr(self.local, "scratch", None) or self._scratch()
        found: list[int] = []
        self.db.scan(data, match_event_handler=_on_match, context=found, scratch=scratch[0])
        if found and self.groups:
            for n, (gate_id, db) in enumerate(self.groups, 1):
                if gate_id in found:
                    found.remove(gate_id)
                    db.scan(data, match_event_handler=_on_match, context=found, scratch=scratch[n])
        return found


def _database() -> _Compiled | None:
    compiled: _Compiled | None = _state.get("db")
    if compiled is not None and len(compiled.patterns) == len(_registered):
        return compiled
    if _hs is None or _state.get("failed"):
        return None
    with _lock:
        compiled = _state.get("db")
        if compiled is None or len(compiled.patterns) != len(_registered):
            try:
                compiled = _Compiled(list(_registered))
            except Exception:
                log.exception("screening prefilter did not compile; using the anchor scan")
                _state["failed"] = True
                return None
            _state["db"] = compiled
        return compiled


def warm_up() -> bool:
    """Compile (or load) the database now rather than on the first message. True when ready."""
    from . import detectors  # noqa: F401 - they register their patterns when imported

    return _database() is not None


def may_match(text: str) -> frozenset[int] | None:
    """The positions (see position()) of the registered patterns that may match ``text``; every
    other registered pattern certainly does not. None when there is no prefilter (the caller
    must then treat every pattern as possible)."""
    compiled = _database()
    if compiled is None:
        return None
    return frozenset(compiled.scan(ascii_image(text).encode("ascii")))


def _on_match(pid: int, _start: int, _end: int, _flags: int, found: list[int]) -> None:
    found.append(pid)  # SINGLEMATCH: each pattern is reported at most once per scan
