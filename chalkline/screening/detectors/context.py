"""Per-message state shared by the detectors: folded text, audience rights, roster context."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from ..index import RosterIndex
from ..names import COMMON_WORDS
from ..text import Folded, fold
from ..types import Message

# index -> (index version, sender, audience) -> the students in that message context. The context
# is only built when a message needs it (a first name or an ambiguous name), then kept in a small
# LRU per index: the same teacher writing to the same class again costs a dictionary look-up. Keyed
# by the index object itself (weakly), not id(index): a new index can reuse a freed one's id.
_ContextKey = tuple[int, str, str | None, tuple[str, ...]]
_CONTEXT_CACHE: WeakKeyDictionary[RosterIndex, OrderedDict[_ContextKey, frozenset[str]]] = (
    WeakKeyDictionary()
)
_CACHE_MAX = 1024


@dataclass(slots=True)
class Mention:
    """A place in the text that names a student (before any audience check)."""

    start: int
    end: int
    kind: str  # "full" | "initial" | "first"
    candidates: tuple[str, ...]
    student: str | None


class ScreenContext:
    __slots__ = (
        "_ctx_students",
        "_triggered",
        "_first_names",
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
        self._first_names: dict[str, tuple[str, ...]] | None = None
        self._mentions: list[Mention] | None = None
        self._ctx_students: frozenset[str] | None = None
        self._unique_first: dict[str, tuple[str, ...]] = {}
        self._triggered: set[str] | None = None

    def triggered(self, name: str) -> bool:
        """Whether the message contains an anchor of the named regex family (see triggers.py)."""
        if self._triggered is None:
            from ..triggers import triggered

            self._triggered = triggered(self.folded.text)
        return name in self._triggered

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
    def context_students(self) -> frozenset[str]:
        """The audience class, the classes the sender teaches, student recipients and the
        children of guardian recipients."""
        if self._ctx_students is not None:
            return self._ctx_students
        idx = self.index
        msg = self.message
        aud = msg.audience
        key = (idx.version, msg.sender.id, aud.class_id, aud.recipients)
        cache = _CONTEXT_CACHE.get(idx)
        if cache is None:
            cache = _CONTEXT_CACHE[idx] = OrderedDict()
        out = cache.get(key)
        if out is None:
            parts: list[frozenset[str] | tuple[str, ...]] = []
            if aud.class_id:
                parts.append(idx.class_students(aud.class_id))
            parts.extend(idx.class_students(cid) for cid in idx.classes_taught_by(msg.sender.id))
            extra: list[str] = []
            for r in aud.recipients:
                if idx.is_student(r):
                    extra.append(r)
                else:
                    extra.extend(idx.children_of(r))
            out = frozenset().union(*parts, extra)
            cache[key] = out
            if len(cache) > _CACHE_MAX:
                cache.popitem(last=False)
        else:
            cache.move_to_end(key)
        self._ctx_students = out
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
            found = tuple(self.context_students() & having) if having else ()
            self._unique_first[tok] = found
        return found

    def first_names(self) -> dict[str, tuple[str, ...]]:
        """Folded given/preferred name -> students in the sender's and audience's context."""
        if self._first_names is None:
            table: dict[str, list[str]] = {}
            for sid in self.context_students():
                for g in self.index.givens_of(sid):
                    table.setdefault(g, []).append(sid)
            self._first_names = {k: tuple(v) for k, v in table.items()}
        return self._first_names

    def sender_given_name(self) -> str:
        rec = self.index.staff(self.message.sender.id)
        return fold(rec.given_name) if rec and rec.given_name else ""

    def resolve_key(self, kind: str, key: str) -> str | None:
        """``resolve(index look-up of key)`` without materialising the candidates: the one student
        with that name key, or the one in the message's context. Works from the smaller side (see
        RosterIndex.name_matches_among), so a common name costs O(context), not O(roster)."""
        idx = self.index
        bucket = idx.name_bucket(kind, key)
        if not bucket:
            return None
        if bucket.__class__ is str:
            return bucket
        if len(bucket) == 1:
            return bucket[0]
        inside = idx.name_matches_among(kind, key, self.context_students())
        return inside[0] if len(inside) == 1 else None

    def resolve(self, candidates: tuple[str, ...]) -> str | None:
        """Pick the one candidate that is in the message's context, if exactly one is."""
        if len(candidates) == 1:
            return candidates[0]
        # one C-level pass over the candidates (a common full name can have hundreds at district
        # scale); only the count and, when it is one, the member matter
        inside = self.context_students().intersection(candidates)
        return next(iter(inside)) if len(inside) == 1 else None


def is_common(tok: str) -> bool:
    return tok in COMMON_WORDS
