"""Body structure: headed sections, paragraphs, definitions and nested lists with their actors."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .lines import LogicalLine, Marker, is_titleish
from .model import Actor, Block, Definition, Item, ItemList, Paragraph, Section

# -- definitions ------------------------------------------------------------------------------

_TERM = r"[\"“']?(?P<term>[A-Za-z][\w'’/&().,\- ]{0,60}?)[\"”']?"
_DASH_DEF_RE = re.compile(rf"^{_TERM}\s*(?:[–—]+|\s-{{1,2}}\s|\s-(?=[A-Z]))\s*(?P<text>\S.*)$")
_COLON_DEF_RE = re.compile(rf"^{_TERM}\s*:\s+(?P<text>\S.*)$")
_MEANS_DEF_RE = re.compile(
    r"^(?:(?:For\s+(?:the\s+)?purposes\s+of\s+this\s+(?:policy|section)|As\s+used\s+in\s+this\s+"
    r"(?:policy|section)),\s+)?(?:the\s+)?(?:term\s+)?"
    r"[\"“](?P<term>[^\"”]{1,60})[\"”]\s*,?\s+(?P<text>(?:means|refers\s+to|shall\s+mean|is\s+defined\s+as|"
    r"includes|shall\s+include)\b.*)$",
    re.IGNORECASE,
)
_PLAIN_MEANS_RE = re.compile(
    r"^(?P<term>[A-Z][\w'’/\- ]{0,50}?)\s+(?P<text>(?:means|refers\s+to|shall\s+mean|is\s+defined\s+as)\b.*)$"
)


def parse_definition(text: str, *, in_definitions: bool) -> Definition | None:
    m = _MEANS_DEF_RE.match(text)
    if m is None and in_definitions:
        m = _DASH_DEF_RE.match(text) or _COLON_DEF_RE.match(text) or _PLAIN_MEANS_RE.match(text)
    if m is None:
        return None
    term = m.group("term").strip(" \"“”'")
    if not term or len(term.split()) > 8 or term.endswith((",", ".")) and not term.endswith("etc."):
        return None
    return Definition(term=term, text=m.group("text").strip(), raw=text)


# -- actors -----------------------------------------------------------------------------------

_DIRECT_RE = re.compile(
    r"\b(?:Direct|Require|Instruct|Ask|Have|Authorize|Encourage|Expect|Train|Remind)\s+"
    r"(?:all\s+|each\s+|every\s+|the\s+)?(?P<actor>[A-Za-z][\w/\- ]{1,60}?)\s+to\b"
)
_MODAL_RE = re.compile(
    r"^(?P<subj>.{2,400}?)\s+(?:shall|must|will|should|may|agrees?\s+to|"
    r"(?:are|is)\s+(?:also\s+)?(?:expected|required|responsible|encouraged|prohibited|directed|"
    r"not\s+permitted|not\s+allowed|to))\b"
)
_INTRO_RE = re.compile(
    r"^(?:In\s+addition|Additionally|Furthermore|Moreover|Therefore|At\s+all\s+times|"
    r"(?:In|At|For|Upon|When|If|As|Before|After|During|Unless|Except|Under|Consistent|Pursuant|"
    r"Subject|Regardless|Whenever|While)\b[^,]{0,120}),\s*",
)
_DETERMINERS_RE = re.compile(r"^(?:all|each|every|any|the|a|an|such|these|those)\s+", re.IGNORECASE)
_NON_ACTORS = re.compile(
    r"\b(?:policy|this|it|they|there|procedures?|guidelines?|following)\b", re.I
)
_ROLE_KEYWORDS = (
    ("superintendent", "superintendent"),
    ("principal", "building_principal"),
    ("board", "board"),
    ("network administrator", "network_administrator"),
    ("system administrator", "network_administrator"),
    ("administrator", "administrator"),
    ("employee", "employee"),
    ("staff", "employee"),
    ("teacher", "employee"),
    ("educator", "employee"),
    ("personnel", "employee"),
    ("coach", "employee"),
    ("student", "student"),
    ("parent", "parent_guardian"),
    ("guardian", "parent_guardian"),
    ("volunteer", "volunteer"),
    ("contractor", "contractor"),
)


def actor_role(text: str) -> str | None:
    low = text.lower()
    for keyword, role in _ROLE_KEYWORDS:
        if keyword in low:
            return role
    return None


def actor_from_lead_in(text: str) -> Actor | None:
    """ "All District employees who ... shall:" → District employees; "Direct Building Principals
    to annually:" → Building Principals; "The Superintendent or designee shall:" → Superintendent..."""
    sentences = re.split(r"(?<=[.;])\s+(?=[A-Z])", text.strip())
    last = sentences[-1] if sentences else text
    m = _DIRECT_RE.search(last)
    if m:
        actor = _DETERMINERS_RE.sub("", m.group("actor").strip())
        if actor and not _NON_ACTORS.search(actor):
            return Actor(actor, actor_role(actor))
    m = _MODAL_RE.match(last)
    if not m or re.match(r"\s*(?:not\s+)?be\s+\w+(?:ed|en)\b", last[m.end() :]):
        return None  # passive voice names no actor: "Transportation shall be provided to:"
    subj = _INTRO_RE.sub("", m.group("subj").strip())
    subj = re.split(
        r",|\s+(?:who|that|which|whose|when|while|whenever|if|in\s+(?:the|their)|with)\b", subj
    )[0]
    subj = _DETERMINERS_RE.sub("", subj.strip())
    if (
        not subj
        or len(subj.split()) > 8
        or _NON_ACTORS.search(subj)
        or not re.search(r"[A-Za-z]", subj)
    ):
        return None
    return Actor(subj, actor_role(subj))


# -- slugs ------------------------------------------------------------------------------------


def slugify(text: str, *, max_len: int = 80) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("’", "").replace("'", "")).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "section"


def is_definitions_heading(heading: str | None) -> bool:
    return bool(
        heading and re.search(r"\bdefinition|\bterms\b|\bglossary\b", heading, re.IGNORECASE)
    )


# -- headings ---------------------------------------------------------------------------------

_MODAL_WORD_RE = re.compile(r"\b(?:shall|must|will|may|should|are|is|agrees?)\b", re.I)
_HEADING_MARKER_STYLES = ("upper-roman", "upper-alpha", "decimal")


def _heading_kind(line: LogicalLine, nxt: LogicalLine | None) -> str | None:
    """ "heading", "leadin" (a short "X shall:" above a list) or None."""
    text = line.text
    if line.hint == "heading":
        ok = len(text) <= 200 and not (line.level == 7 and text.endswith((".", ";", ",")))
        return "heading" if ok else None
    if line.hint in {"li", "para"} or nxt is None:
        return None
    return "heading" if _is_heading(line, nxt) else None


def _is_heading(line: LogicalLine, nxt: LogicalLine) -> bool:
    text = line.text
    words = text.split()
    if len(words) > 14 or len(text) > 120 or text.endswith((".", ",", ";", "?", "!")):
        return False
    if line.marker is not None:
        body = line.body
        return (
            line.marker.candidates[0][0].startswith(_HEADING_MARKER_STYLES)
            and len(body.split()) <= 6
            and is_titleish(body)
            and not body.endswith(":")
            and nxt.marker is None
            and len(nxt.text.split()) > len(body.split()) + 6
        )
    if _DASH_DEF_RE.match(text) and not is_titleish(text):
        return False
    if text.endswith(":"):
        return (len(words) <= 10 and nxt.marker is not None) or (
            len(words) <= 3 and is_titleish(text)
        )
    if is_titleish(text) or text.isupper():
        return True
    return line.blank_before and line.blank_after and len(words) <= 8 and len(nxt.text.split()) > 12


# -- builder ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Open:
    lst: ItemList
    style: str
    indent: int
    last: int
    parent: Item | None


def _label_key(marker: Marker, ordinal: int) -> str:
    if not marker.label:
        return str(ordinal)
    return marker.label.lower().lstrip("0") or "0"


class _Builder:
    def __init__(self) -> None:
        self.sections: list[Section] = []
        self.stack: list[_Open] = []
        self.used_slugs: set[str] = set()
        self.used_paths: set[str] = set()
        self.list_count = 0

    @property
    def section(self) -> Section:
        if not self.sections:
            self.sections.append(Section(heading=None, slug="", level=0))
        return self.sections[-1]

    def in_definitions(self) -> bool:
        return is_definitions_heading(self.section.heading)

    def new_section(self, line: LogicalLine) -> None:
        self.stack.clear()
        heading = line.text
        slug_src = line.body if line.marker else heading
        slug = base = slugify(slug_src)
        n = 2
        while slug in self.used_slugs:
            slug, n = f"{base}-{n}", n + 1
        self.used_slugs.add(slug)
        self.sections.append(Section(heading=heading, slug=slug, level=line.level or 2))
        self.used_paths = set()
        self.list_count = 0

    def add_paragraph(self, text: str) -> None:
        self.stack.clear()
        definition = parse_definition(text, in_definitions=self.in_definitions())
        self.section.blocks.append(definition or Paragraph(text))

    # -- items --------------------------------------------------------------------------------
    def _path(self, marker: Marker, ordinal: int, parent: Item | None) -> str:
        key = _label_key(marker, ordinal)
        if parent is None:
            path = key if self.list_count <= 1 else f"l{self.list_count}.{key}"
        elif marker.candidates[0][0] == "dotted" and key.startswith(parent.path + "."):
            path = key
        else:
            path = f"{parent.path}.{key}"
        base, n = path, 2
        while path in self.used_paths:
            path, n = f"{base}-{n}", n + 1
        self.used_paths.add(path)
        return path

    def _append(self, level: _Open, marker: Marker, ordinal: int, line: LogicalLine) -> None:
        item = Item(marker.raw, marker.label, self._path(marker, ordinal, level.parent), line.body)
        level.lst.items.append(item)
        level.last = ordinal

    def _start(
        self, marker: Marker, line: LogicalLine, parent: Item | None, parent_actor: Actor | None
    ) -> None:
        style, ordinal = min(marker.candidates, key=lambda c: c[1])
        if style == "bullet":
            style, ordinal = f"bullet{marker.raw}", 1
        lst = ItemList(style=style)
        if parent is None:
            self.list_count += 1
            lst.ordinal = self.list_count
            lst.lead_in = self._lead_in()
            self.section.blocks.append(lst)
        else:
            parent.sublist = lst
            lst.lead_in = parent.text
        lst.actor = (actor_from_lead_in(lst.lead_in) if lst.lead_in else None) or parent_actor
        level = _Open(lst, style, line.indent, 0, parent)
        self.stack.append(level)
        self._append(level, marker, ordinal, line)

    def _lead_in(self) -> str | None:
        blocks = self.section.blocks
        if blocks and isinstance(blocks[-1], Paragraph):
            return blocks[-1].text
        if not blocks and self.section.heading and self.section.heading.rstrip().endswith(":"):
            return self.section.heading
        return None

    @staticmethod
    def _continues(level: _Open, marker: Marker) -> int | None:
        if level.style.startswith("bullet"):
            return level.last + 1 if level.style == f"bullet{marker.raw}" else None
        for style, ordinal in marker.candidates:
            if style == level.style and level.last < ordinal <= level.last + 2:
                return ordinal
        return None

    def add_item(self, line: LogicalLine) -> bool:
        marker = line.marker
        assert marker is not None  # noqa: S101 - caller guarantees
        if not self.stack:
            if not any(o == 1 for _, o in marker.candidates) and marker.candidates[0][0] not in {
                "bullet",
                "dotted",
            }:
                return False  # "P.L. 106-554" is not item P of a list
            self._start(marker, line, None, None)
            return True
        indent = line.indent
        top = self.stack[-1]
        if indent >= top.indent + 2 and top.lst.items:
            self._start(marker, line, top.lst.items[-1], top.lst.actor)
            return True
        while len(self.stack) > 1 and indent <= self.stack[-1].indent - 2:
            self.stack.pop()
        top = self.stack[-1]
        band = [lvl for lvl in self.stack if abs(lvl.indent - indent) <= 1]
        cont = [(lvl, o) for lvl in band if (o := self._continues(lvl, marker)) is not None]
        if cont:
            chosen, ordinal = cont[-1]
            same_style_outer = [c for c in cont[:-1] if c[0].style == top.style]
            if same_style_outer and chosen is top and top.parent is not None:
                chosen, ordinal = same_style_outer[-1]
            while self.stack[-1] is not chosen:
                self.stack.pop()
            self._append(chosen, marker, ordinal, line)
            return True
        is_first = any(o == 1 for _, o in marker.candidates) or marker.candidates[0][0] == "bullet"
        last_item = top.lst.items[-1]
        new_style = all(s != top.style for s, _ in marker.candidates)
        if is_first and (last_item.text.rstrip().endswith(":") or new_style):
            self._start(marker, line, last_item, top.lst.actor)
            return True
        if is_first and len(self.stack) == 1:
            self.stack.clear()
            self._start(marker, line, None, None)
            return True
        for style, ordinal in marker.candidates:
            if style == top.style and ordinal > top.last:
                self._append(top, marker, ordinal, line)
                return True
        return False

    def continue_item(self, text: str, indent: int) -> None:
        target = self.stack[-1]
        for level in reversed(self.stack):
            if level.indent < indent:
                target = level
                break
        item = target.lst.items[-1]
        item.text = f"{item.text}\n{text}"

    def next_continues(self, nxt: LogicalLine | None) -> bool:
        if nxt is None or nxt.marker is None:
            return False
        return any(self._continues(level, nxt.marker) is not None for level in self.stack)


def build_sections(lines: list[LogicalLine]) -> list[Section]:
    b = _Builder()
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        kind = _heading_kind(line, nxt)
        # "Students shall:" right under a heading is that section's lead-in, not a new section
        if (
            kind == "heading"
            and line.text.endswith(":")
            and line.marker is None
            and line.hint is None
            and b.sections
            and b.section.heading is not None
            and not b.section.blocks
            and (_MODAL_WORD_RE.search(line.text) or len(line.text.split()) > 3)
        ):
            kind = None
        if kind == "heading":
            b.new_section(line)
            continue
        if line.marker is not None and b.add_item(line):
            continue
        if b.stack and line.hint != "heading":
            top = b.stack[-1]
            if line.indent >= top.indent + 2 or b.next_continues(nxt):
                b.continue_item(line.text, line.indent)
                continue
        b.add_paragraph(line.text)
    for section in b.sections:
        if is_definitions_heading(section.heading):
            section.blocks = _definition_lists(section.blocks)
    return [s for s in b.sections if s.heading is not None or s.blocks]


def _definition_lists(blocks: list[Block]) -> list[Block]:
    """In a Definitions section, a list whose every item is "Term – text" becomes definitions."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, ItemList) and block.items:
            defs = [parse_definition(i.text, in_definitions=True) for i in block.items]
            if all(d is not None for d in defs) and not any(i.sublist for i in block.items):
                for item, d in zip(block.items, defs, strict=True):
                    assert d is not None  # noqa: S101 - checked above
                    out.append(Definition(d.term, d.text, f"{item.marker} {item.text}"))
                continue
        out.append(block)
    return out
