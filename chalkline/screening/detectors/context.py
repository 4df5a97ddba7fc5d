"""Per-message state shared by the detectors: folded text, audience rights, roster context."""

from __future__ import annotations

from dataclasses import dataclass

from ..index import RosterIndex
from ..names import COMMON_WORDS
from ..text import Folded, fold
from ..types import Message

_CONTEXT_CACHE: dict[tuple[int, int, str, str], dict[str, tuple[str, ...]]] = {}
_CACHE_MAX = 4096


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
        self._ctx_students: set[str] | None = None
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
    def context_students(self) -> set[str]:
        if self._ctx_students is not None:
            return self._ctx_students
        idx = self.index
        aud = self.message.audience
        out: set[str] = set()
        if aud.class_id:
            out |= idx.class_students(aud.class_id)
        for cid in idx.classes_taught_by(self.message.sender.id):
            out |= idx.class_students(cid)
        for r in aud.recipients:
            if idx.is_student(r):
                out.add(r)
            else:
                out.update(idx.children_of(r))
        self._ctx_students = out
        return out

    def mentions(self) -> list[Mention]:
        if self._mentions is None:
            from .student_names import find_mentions

            self._mentions = find_mentions(self)
        return self._mentions

    def first_names(self) -> dict[str, tuple[str, ...]]:
        """Folded given/preferred name -> students in the sender's and audience's context."""
        if self._first_names is not None:
            return self._first_names
        msg = self.message
        idx = self.index
        key = (
            id(idx),
            idx.version,
            msg.sender.id,
            f"{msg.audience.class_id}|{','.join(msg.audience.recipients)}",
        )
        cached = _CONTEXT_CACHE.get(key)
        if cached is None:
            table: dict[str, list[str]] = {}
            for sid in self.context_students():
                for g in idx.givens_of(sid):
                    table.setdefault(g, []).append(sid)
            cached = {k: tuple(v) for k, v in table.items()}
            if len(_CONTEXT_CACHE) >= _CACHE_MAX:
                _CONTEXT_CACHE.clear()
            _CONTEXT_CACHE[key] = cached
        self._first_names = cached
        return cached

    def sender_given_name(self) -> str:
        rec = self.index.staff(self.message.sender.id)
        return fold(rec.given_name) if rec and rec.given_name else ""

    def resolve(self, candidates: tuple[str, ...]) -> str | None:
        """Pick the one candidate that is in the message's context, if exactly one is."""
        if len(candidates) == 1:
            return candidates[0]
        ctx = self.context_students()
        inside = [c for c in candidates if c in ctx]
        return inside[0] if len(inside) == 1 else None


def is_common(tok: str) -> bool:
    return tok in COMMON_WORDS
