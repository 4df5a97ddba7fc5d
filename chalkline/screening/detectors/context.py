"""Per-message state shared by the detectors: folded text, audience rights, roster context."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from .. import prefilter
from ..index import RosterIndex
from ..names import COMMON_WORDS
from ..text import Folded, fold
from ..types import Message


@dataclass(slots=True)
class Mention:
    """A place in the text that names a student (before any audience check)."""

    start: int
    end: int
    kind: str  # "full" | "initial" | "first"
    candidates: Collection[str]  # a tuple, or the index's own set of namesakes (do not mutate)
    student: str | None


class ScreenContext:
    __slots__ = (
        "_parts",
        "_prefiltered",
        "_triggered",
        "_unique_first",
        "_mentions",
        "folded",
        "index",
        "message",
        "text",
    )

    def __init__(self, message: Message, text: str, index: RosterIndex) -> None:
        self.message = message
        self.text = text
        self.index = index
        self.folded = Folded(text)
        self._mentions: list[Mention] | None = None
        self._parts: tuple[frozenset[str], ...] | None = None
        self._unique_first: dict[str, tuple[str, ...]] = {}
        self._triggered: set[str] | None = None
        self._prefiltered: frozenset[int] | None | bool = False  # False: not asked yet

    def triggered(self, name: str) -> bool:
        """Whether the message contains an anchor of the named regex family (see triggers.py)."""
        if self._triggered is None:
            from ..triggers import triggered

            self._triggered = triggered(self.folded.text)
        return name in self._triggered

    def may_match(self, pattern: re.Pattern[str], family: str | None = None) -> bool:
        """False only when ``pattern`` certainly does not match the text. Answered by the
        Hyperscan prefilter (see prefilter.py) when it can answer exactly, else by the anchors of
        the named trigger ``family`` (see triggers.py), else True."""
        found = self._prefiltered
        if found is False:
            found = self._prefiltered = prefilter.may_match(self.text)
        if found is not None:
            pos = prefilter.position(pattern)
            if pos is not None:
                return pos in found  # type: ignore[operator]
        return family is None or self.triggered(family)

    def possible(
        self, patterns: list[re.Pattern[str]], family: str | None = None
    ) -> list[re.Pattern[str]]:
        """The members of ``patterns`` that may match the text (see may_match)."""
        return [p for p in patterns if self.may_match(p, family)]

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
    def context_parts(self) -> tuple[frozenset[str], ...]:
        """The message's context as a few sets of students: the audience class, each class the
        sender teaches, and the student recipients with the children of guardian recipients.

        They are kept apart, not merged: each class's set is built once by the index, and a
        question about the context ("which of these 3,000 Liams?") is one C-level intersection
        per part that compares stored hashes and pointers. Merging them would read every id
        string of the context, scattered over a district-sized heap, for every message."""
        if self._parts is None:
            idx = self.index
            msg = self.message
            aud = msg.audience
            parts = []
            if aud.class_id:
                parts.append(idx.class_set(aud.class_id))
            parts.extend(
                idx.class_set(cid)
                for cid in idx.classes_taught_by(msg.sender.id)
                if cid != aud.class_id
            )
            if aud.recipients:
                extra: list[str] = []
                for r in aud.recipients:
                    if idx.is_student(r):
                        extra.append(r)
                    else:
                        extra.extend(idx.children_of(r))
                parts.append(frozenset(extra))
            self._parts = tuple(p for p in parts if p)
        return self._parts

    def context_students(self) -> frozenset[str]:
        """Every student of the message's context (see context_parts), merged."""
        return frozenset().union(*self.context_parts())

    def in_context(self, sids: str | tuple[str, ...] | set[str] | frozenset[str]) -> set[str]:
        """The members of ``sids`` (one id, a tuple or a set) that are in the message's context."""
        parts = self.context_parts()
        if sids.__class__ is str:
            return {sids} if any(sids in p for p in parts) else set()
        if sids.__class__ is tuple:  # small: check each id (its hash is read once)
            return {s for s in sids if any(s in p for p in parts)}
        out: set[str] = set()
        for p in parts:  # sets: each test iterates the smaller side, without reading the strings
            if not p.isdisjoint(sids):  # most parts share no one: no set is made for them
                out |= p & sids  # type: ignore[operator]
        return out

    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            from .student_names import find_mentions

            self._mentions = find_mentions(self)
        return self._mentions

    def first_name_students(self, tok: str) -> tuple[str, ...]:
        """Students in the message context whose given or preferred name (folded) is ``tok``."""
        found = self._unique_first.get(tok)
        if found is None:
            having = self.index.students_with_given(tok)
            found = tuple(self.in_context(having)) if having else ()
            self._unique_first[tok] = found
        return found

    def sender_given_name(self) -> str:
        rec = self.index.staff(self.message.sender.id)
        return fold(rec.given_name) if rec and rec.given_name else ""

    def resolve_key(self, kind: str, key: str) -> str | None:
        """The one student with that name key in the district, or else the one in the message's
        context, or None. Costs O(min(bucket, context)), not O(roster)."""
        bucket = self.index.name_bucket(kind, key)
        if not bucket:
            return None
        if bucket.__class__ is str:
            return bucket
        if len(bucket) == 1:
            return next(iter(bucket))
        inside = self.in_context(bucket)
        return inside.pop() if len(inside) == 1 else None

    def resolve(self, candidates: tuple[str, ...]) -> str | None:
        """Pick the one candidate that is in the message's context, if exactly one is."""
        if len(candidates) == 1:
            return candidates[0]
        inside = self.in_context(candidates)
        return inside.pop() if len(inside) == 1 else None


def is_common(tok: str) -> bool:
    return tok in COMMON_WORDS
