"""Per-message state shared by the detectors: folded text, audience rights, roster context."""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass
from types import ModuleType

from .. import prefilter
from ..index import RosterIndex
from ..names import COMMON_WORDS
from ..text import Folded, deaccent, fold
from ..triggers import triggered
from ..types import NO_LOGO_USE, NO_REGISTRY, ApprovedChannels, LogoUse, Message

_NONE: list[re.Pattern[str]] = []  # read-only: no pattern can match
_UNASKED: frozenset[int] = frozenset({-1})  # ScreenContext._prefiltered before the first question
_position_of = prefilter.position


@dataclass(slots=True)
class Mention:
    """A place in the text that names a student (before any audience check)."""

    start: int
    end: int
    kind: str  # "full" | "initial" | "first"
    candidates: Collection[str]  # a tuple, or the index's own list of namesakes (do not mutate)
    student: str | None


class ScreenContext:
    __slots__ = (
        "_ctx",
        "_plain",
        "approved",
        "logo",
        "_prefiltered",
        "staff_sender",
        "_triggered",
        "_unique_first",
        "_mentions",
        "folded",
        "index",
        "message",
        "text",
    )

    def __init__(
        self,
        message: Message,
        text: str,
        index: RosterIndex,
        approved: ApprovedChannels = NO_REGISTRY,
        logo: LogoUse = NO_LOGO_USE,
    ) -> None:
        self.message = message
        self.approved = approved
        self.logo = logo
        self.text = text
        self.index = index
        self.folded = Folded(text)
        self._mentions: list[Mention] | None = None
        self._ctx: tuple[tuple[str, ...], frozenset[str], frozenset[str]] | None = None
        self._unique_first: dict[str, tuple[str, ...]] = {}
        self._triggered: set[str] | None = None
        self.staff_sender = message.sender.is_staff  # asked by most detectors
        self._prefiltered: frozenset[int] | None = _UNASKED
        self._plain: str | None = None

    @property
    def plain(self) -> str:
        """The text with accented letters replaced by their ASCII base letter, same offsets
        (text.deaccent): what the Spanish patterns search. The text itself when it is ASCII."""
        plain = self._plain
        if plain is None:
            plain = self._plain = deaccent(self.text)
        return plain

    def triggered(self, name: str) -> bool:
        """Whether the message contains an anchor of the named regex family (see triggers.py)."""
        if self._triggered is None:
            self._triggered = triggered(self.folded.text)
        return name in self._triggered

    def _prefilter_hits(self) -> frozenset[int] | None:
        """prefilter.may_match(text), asked once per message."""
        found = self._prefiltered
        if found is _UNASKED:
            found = self._prefiltered = prefilter.may_match(self.text)
        return found

    def may_match(self, pattern: re.Pattern[str], family: str | None = None) -> bool:
        """False only when ``pattern`` certainly does not match the text. Answered by the
        Hyperscan prefilter (see prefilter.py) when there is one, else by the anchors of the
        named trigger ``family`` (see triggers.py), else True."""
        return self.may_match_at(_position_of(pattern), family)

    def may_match_at(self, pos: int | None, family: str | None = None) -> bool:
        """may_match() for the pattern at prefilter position ``pos`` (prefilter.position(), a
        module constant for the detectors: positions never change once registered), without
        the look-up on every message."""
        found = self._prefiltered
        if found is _UNASKED:
            found = self._prefilter_hits()
        if found is not None and pos is not None:
            return pos in found
        return family is None or self.triggered(family)

    def reported_none(self, positions: frozenset[int] | None) -> bool:
        """True when the prefilter ran and reported none of ``positions`` (a module constant of
        prefilter positions, see prefilter.position_set): no pattern at them can match, and a
        detector that needs one of them can stop before any other work. False without the
        prefilter, or when a position is unknown (None)."""
        found = self._prefiltered
        if found is _UNASKED:
            found = self._prefilter_hits()
        return found is not None and positions is not None and found.isdisjoint(positions)

    def possible(
        self, patterns: list[re.Pattern[str]], family: str | None = None
    ) -> list[re.Pattern[str]]:
        """The members of ``patterns`` that may match the text (see may_match)."""
        found = self._prefilter_hits()
        if found is not None:
            positions = prefilter.positions(patterns)
            if positions is not None:  # all registered: one C-level test for the common "none"
                if found.isdisjoint(prefilter.position_set(patterns)):  # type: ignore[arg-type]
                    return []
                return [p for p, pos in zip(patterns, positions, strict=True) if pos in found]
        return [p for p in patterns if self.may_match(p, family)]

    def possible_pair(
        self,
        english: list[re.Pattern[str]],
        spanish: list[re.Pattern[str]],
        both: frozenset[int] | None,
        family: str | None = None,
    ) -> tuple[list[re.Pattern[str]], list[re.Pattern[str]]]:
        """possible(english, family) and possible(spanish), answered with one set test in the
        common case that none of them can match (``both`` is
        ``prefilter.position_set(english + spanish)``, a module constant). The Spanish patterns
        have no anchors: without the prefilter they all run."""
        found = self._prefiltered
        if found is _UNASKED:
            found = self._prefilter_hits()
        if found is not None and both is not None and found.isdisjoint(both):
            return _NONE, _NONE
        return self.possible(english, family), self.possible(spanish)

    # ---- who may see what --------------------------------------------------------------------
    def audience_may_see(self, sid: str) -> bool:
        """True when every recipient has a right to information about student ``sid``."""
        aud = self.message.audience
        idx = self.index
        if aud.kind in ("public", "building", "class"):
            return False
        recipients = aud.recipients
        if aud.kind == "staff" and not recipients:
            return bool(aud.building_id) and aud.building_id in idx.student_buildings(sid)
        if not recipients:
            return False
        guardians = idx.guardians_of(sid)
        buildings: set[str] | None = None
        for r in recipients:
            if r == sid or r in guardians:
                continue
            if idx.is_staff(r):
                if idx.staff_teaches(r, sid):
                    continue
                # staff in the student's building have a legitimate interest in staff-only mail
                if buildings is None:
                    buildings = idx.student_buildings(sid)
                if buildings & idx.staff_buildings(r):
                    continue
            return False
        return True

    # ---- roster context for first-name-only mentions -----------------------------------------
    def _context(self) -> tuple[tuple[str, ...], frozenset[str], frozenset[str]]:
        """(classes, the same as a set, students named by recipients): the audience class and
        each class the sender teaches, and the student recipients with the children of guardian
        recipients. Kept as classes, not merged into one set of students: a question about the
        context is then answered per class from the index's class tables."""
        if self._ctx is None:
            idx = self.index
            msg = self.message
            aud = msg.audience
            classes = dict.fromkeys(idx.classes_taught_by(msg.sender.id))
            if aud.class_id:
                classes[aud.class_id] = None
            extra: list[str] = []
            for r in aud.recipients:
                if idx.is_student(r):
                    extra.append(r)
                else:
                    extra.extend(idx.children_of(r))
            self._ctx = (tuple(classes), frozenset(classes), frozenset(extra))
        return self._ctx

    def context_students(self) -> frozenset[str]:
        """Every student of the message's context, as one set."""
        classes, _, extra = self._context()
        idx = self.index
        return frozenset().union(extra, *(idx.class_students(c) for c in classes))

    def context_size(self) -> int:
        classes, _, extra = self._context()
        idx = self.index
        return len(extra) + sum(len(idx.class_students(c)) for c in classes)

    def in_context(self, sids: str | Collection[str]) -> set[str]:
        """The members of ``sids`` (one id, or a collection) that are in the message's context:
        a student recipient or child of one, or a student of one of the context's classes."""
        _, class_set, extra = self._context()
        idx = self.index
        if isinstance(sids, str):
            sids = (sids,)
        return {s for s in sids if s in extra or not class_set.isdisjoint(idx.classes_of(s))}

    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            self._mentions = _names_module().find_mentions(self)
        return self._mentions

    def first_name_students(self, tok: str) -> tuple[str, ...]:
        """Students in the message context whose given or preferred name (folded) is ``tok``."""
        found = self._unique_first.get(tok)
        if found is None:
            idx = self.index
            classes, _, extra = self._context()
            out: dict[str, None] = {}
            for c in classes:
                toks, owners = idx.class_names(c)
                n = toks.count(tok)  # C-level scans of shared name strings
                i = -1
                for _ in range(n):
                    i = toks.index(tok, i + 1)
                    out[owners[i]] = None
            for sid in extra:
                if tok in idx.givens_of(sid):
                    out[sid] = None
            found = self._unique_first[tok] = tuple(out)
        return found

    def sender_given_name(self) -> str:
        rec = self.index.staff(self.message.sender.id)
        return fold(rec.given_name) if rec and rec.given_name else ""

    def resolve_key(self, kind: str, key: str) -> str | None:
        """The one student with that name key in the district, or else the one in the message's
        context (see context_matches), or None."""
        bucket = self.index.name_bucket(kind, key)
        if not bucket:
            return None
        if isinstance(bucket, str):
            return bucket
        if len(bucket) == 1:
            return bucket[0]
        inside = self.context_matches(kind, key, bucket)
        return inside.pop() if len(inside) == 1 else None

    def context_matches(
        self, kind: str, key: str, bucket: tuple[str, ...] | list[str] | None = None
    ) -> set[str]:
        """The students of the message's context with that name key ("full", "given_initial" or
        "initial_family"). A name shared by thousands of students district-wide ("Liam Smith",
        "Maria G.") costs O(context), not O(namesakes): the context's students with that given
        name (see first_name_students) are checked against the key."""
        idx = self.index
        if kind == "given_initial":  # "liam s": context students named Liam whose family starts s
            initial = key[-1]
            return {
                s
                for s in self.first_name_students(key[:-2])
                if any(f[0] == initial for f in idx.families_of(s))
            }
        if kind == "full" and key.count(" ") == 1:  # "liam smith" ("mary jane smith" could be
            given, _, family = key.partition(" ")  # split two ways: the general path below)
            return {s for s in self.first_name_students(given) if family in idx.families_of(s)}
        if bucket is None:
            found = idx.name_bucket(kind, key)
            bucket = (found,) if isinstance(found, str) else (found or ())
        if len(bucket) > 16 * self.context_size():
            # a Python test per context student beats a look-up per namesake when the namesakes
            # are 16 times as many
            return {s for s in self.context_students() if idx.has_name_key(s, kind, key)}
        return self.in_context(bucket)


@functools.cache
def _names_module() -> ModuleType:
    # student_names imports this module; a function-level import on every message costs a
    # trip through the import machinery, so the module is resolved once. Its find_mentions is
    # read on each call: the compiled finder or the Python one (see student_names).
    from . import student_names

    return student_names


def is_common(tok: str) -> bool:
    return tok in COMMON_WORDS
