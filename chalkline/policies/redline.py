"""Word-level redline between two policy texts.

Two-level diff for speed: paragraphs (lines) are aligned first, then only the changed regions are
diffed word by word. Output is a list of :class:`RedlineOp` and accessible HTML in which every change
is a ``<del>``/``<ins>`` element carrying visually hidden "deleted:"/"inserted:" text, so changes are
not shown by colour alone. All text is HTML-escaped.

Render the HTML inside an element styled ``white-space: pre-wrap`` (line breaks are kept as ``\\n``)
and define ``.visually-hidden`` in the site CSS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from typing import Literal

OpKind = Literal["equal", "insert", "delete"]

# Above this many token comparisons a region is diffed with difflib's autojunk heuristic on.
_AUTOJUNK_ABOVE = 4_000_000
_TOKEN_RE = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")


@dataclass(frozen=True, slots=True)
class RedlineOp:
    op: OpKind
    text: str

    def to_dict(self) -> dict[str, str]:
        return {"op": self.op, "text": self.text}


def _tokens(text: str) -> tuple[list[str], list[str]]:
    """Words/punctuation and the exact text each one covers (including trailing whitespace)."""
    keys: list[str] = []
    spans: list[str] = []
    matches = list(_TOKEN_RE.finditer(text))
    if not matches:
        return [], [text] if text else []
    lead = text[: matches[0].start()]
    for i, m in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        keys.append(m.group())
        spans.append((lead if i == 0 else "") + text[m.start() : end])
    return keys, spans


class _Ops:
    def __init__(self) -> None:
        self.ops: list[RedlineOp] = []

    def add(self, op: OpKind, text: str) -> None:
        if not text:
            return
        if self.ops and self.ops[-1].op == op:
            self.ops[-1] = RedlineOp(op, self.ops[-1].text + text)
        else:
            self.ops.append(RedlineOp(op, text))


def _word_diff(old: str, new: str, out: _Ops) -> None:
    ok, os_ = _tokens(old)
    nk, ns = _tokens(new)
    if not ok or not nk:
        out.add("delete", old)
        out.add("insert", new)
        return
    sm = SequenceMatcher(None, ok, nk, autojunk=len(ok) * len(nk) > _AUTOJUNK_ABOVE)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out.add("equal", "".join(ns[j1:j2]))
        else:
            out.add("delete", "".join(os_[i1:i2]))
            out.add("insert", "".join(ns[j1:j2]))


def redline(old: str, new: str) -> list[RedlineOp]:
    """Ops that turn ``old`` into ``new``; equal text is taken from ``new``."""
    out = _Ops()
    old_paras = old.splitlines(keepends=True)
    new_paras = new.splitlines(keepends=True)
    keys_old = [p.strip() for p in old_paras]
    keys_new = [p.strip() for p in new_paras]
    sm = SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            out.add("equal", "".join(new_paras[j1:j2]))
        elif tag == "delete":
            out.add("delete", "".join(old_paras[i1:i2]))
        elif tag == "insert":
            out.add("insert", "".join(new_paras[j1:j2]))
        else:
            _word_diff("".join(old_paras[i1:i2]), "".join(new_paras[j1:j2]), out)
    return out.ops


def render_html(ops: list[RedlineOp]) -> str:
    parts: list[str] = []
    for op in ops:
        text = escape(op.text, quote=True)
        if op.op == "equal":
            parts.append(text)
        elif op.op == "delete":
            parts.append(
                f'<del><span class="visually-hidden">[deleted: </span>{text}'
                '<span class="visually-hidden">]</span></del>'
            )
        else:
            parts.append(
                f'<ins><span class="visually-hidden">[inserted: </span>{text}'
                '<span class="visually-hidden">]</span></ins>'
            )
    return "".join(parts)


def redline_html(old: str, new: str) -> str:
    return render_html(redline(old, new))


def is_identical(ops: list[RedlineOp]) -> bool:
    return all(op.op == "equal" for op in ops)
