"""HTML → source lines with the stdlib parser. Input HTML is never rendered or passed on.

Scripts, styles, forms, navigation, hidden elements and page chrome are skipped; only text nodes
survive. When the page has a ``<main>``/``<article>`` (or ``role="main"``), only its text is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .lines import SrcLine, clean_text, parse_marker

_DROP_ALWAYS = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "head",
        "title",
        "nav",
        "aside",
        "form",
        "button",
        "select",
        "option",
        "textarea",
        "svg",
        "canvas",
        "iframe",
        "object",
        "embed",
        "audio",
        "video",
        "map",
        "dialog",
        "menu",
    ]
)
_CHROME = frozenset({"header", "footer"})
_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
    ]
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "blockquote",
        "pre",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "tr",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "address",
        "figure",
        "figcaption",
        "caption",
        "center",
        "fieldset",
        "hr",
        "br",
        "body",
        "html",
        "header",
        "footer",
        "details",
        "summary",
    ]
)
_CHROME_CLASS_RE = re.compile(
    r"(?:^|[\s_-])(?:breadcrumbs?|skip(?:-link|-to|link)?|cookies?|cookie-banner|navbar|"
    r"navigation|nav|menu|site-header|site-footer|global-footer|social|share|sharing|sr-only|"
    r"visually-hidden|screen-reader-text|print-only)(?:$|[\s_-])",
    re.IGNORECASE,
)
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_OL_TYPES = {"1": "decimal", "a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman"}
_OL_TYPES["I"] = "upper-roman"


@dataclass(slots=True)
class _List:
    ordered: bool
    style: str
    counter: int


@dataclass(slots=True)
class _State:
    lines: list[tuple[SrcLine, bool]] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    bold_chars: int = 0
    total_chars: int = 0


def _to_roman(n: int) -> str:
    out = ""
    for value, sym in (
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ):
        while n >= value:
            out += sym
            n -= value
    return out


def _ol_marker(style: str, n: int) -> str:
    if style == "lower-alpha":
        return (chr(96 + n) if 1 <= n <= 26 else str(n)) + "."
    if style == "upper-alpha":
        return (chr(64 + n) if 1 <= n <= 26 else str(n)) + "."
    if style == "lower-roman":
        return _to_roman(n) + "."
    if style == "upper-roman":
        return _to_roman(n).upper() + "."
    return f"{n}."


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.skip_depth: int | None = None
        self.main_depth: int | None = None
        self.saw_main = False
        self.lists: list[_List] = []
        self.state = _State()
        self.pending_marker: str | None = None
        self.heading_level = 0
        self.bold = 0
        self.pre = 0
        self.scripts_removed = 0
        self.cell_index = 0

    # -- helpers -----------------------------------------------------------------------------
    def _flush(self, *, blank: bool = True) -> None:
        st = self.state
        text = clean_text("".join(st.buf))
        if text:
            hint: str | None = None
            level = 0
            if self.heading_level:
                hint, level = "heading", self.heading_level
            elif st.total_chars and st.bold_chars >= 0.9 * st.total_chars and len(text) <= 150:
                hint, level = "heading", 7
            if self.pending_marker:
                hint = "li"
                if parse_marker(text) is None:
                    text = f"{self.pending_marker} {text}"
            depth = len(self.lists)
            indent = 2 * max(0, depth - 1) if self.pending_marker else 2 * depth
            in_main = self.main_depth is not None
            st.lines.append((SrcLine(text, indent, hint=hint, level=level), in_main))
            self.pending_marker = None
        if blank and (text or st.buf):
            st.lines.append((SrcLine(""), self.main_depth is not None))
        st.buf.clear()
        st.bold_chars = st.total_chars = 0

    def _skipping(self) -> bool:
        return self.skip_depth is not None

    # -- parser callbacks --------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        if tag in _VOID:
            if tag in {"br", "hr"} and not self._skipping():
                self._flush(blank=False)
            return
        self.stack.append(tag)
        if self._skipping():
            self.scripts_removed += tag == "script"
            return
        attr = {k.lower(): (v or "") for k, v in attrs}
        chrome_class = _CHROME_CLASS_RE.search(f"{attr.get('class', '')} {attr.get('id', '')}")
        hidden = (
            "hidden" in attr
            or attr.get("aria-hidden", "").lower() == "true"
            or _HIDDEN_STYLE_RE.search(attr.get("style", ""))
        )
        role = attr.get("role", "").lower()
        if (
            tag in _DROP_ALWAYS
            or hidden
            or chrome_class
            or role in {"navigation", "banner", "contentinfo", "search", "complementary"}
            or (tag in _CHROME and self.main_depth is None)
        ):
            if tag == "script":
                self.scripts_removed += 1
            self.skip_depth = len(self.stack) - 1
            return
        if (tag in {"main", "article"} or role == "main") and self.main_depth is None:
            self.main_depth = len(self.stack) - 1
            self.saw_main = True
        if tag in _BLOCK:
            self._flush()
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.heading_level = int(tag[1])
        elif tag in {"strong", "b"}:
            self.bold += 1
        elif tag == "pre":
            self.pre += 1
        elif tag in {"ol", "ul"}:
            style = _OL_TYPES.get(attr.get("type", "1"), "decimal") if tag == "ol" else "bullet"
            try:
                start = int(attr.get("start", "1")) - 1
            except ValueError:
                start = 0
            self.lists.append(_List(tag == "ol", style, start))
        elif tag == "li":
            if self.lists:
                lst = self.lists[-1]
                lst.counter += 1
                self.pending_marker = _ol_marker(lst.style, lst.counter) if lst.ordered else "•"
            else:
                self.pending_marker = "•"
        elif tag in {"td", "th"}:
            if self.cell_index:
                self.state.buf.append(" | ")
            self.cell_index += 1
        elif tag == "tr":
            self.cell_index = 0

    def handle_endtag(self, tag: str) -> None:
        tag = tag.lower()
        if tag in _VOID or tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            depth = len(self.stack)
            if self.skip_depth is not None and depth <= self.skip_depth:
                self.skip_depth = None
            elif self.skip_depth is None:
                self._close(open_tag)
            if self.main_depth is not None and depth <= self.main_depth:
                self._flush()
                self.main_depth = None
            if open_tag == tag:
                break

    def _close(self, tag: str) -> None:
        if tag in _BLOCK:
            self._flush()
        if tag in {"h1", "h2", "h3", "h4", "h5", "h6"}:
            self.heading_level = 0
        elif tag in {"strong", "b"}:
            self.bold = max(0, self.bold - 1)
        elif tag == "pre":
            self.pre = max(0, self.pre - 1)
        elif tag in {"ol", "ul"} and self.lists:
            self.lists.pop()

    def handle_data(self, data: str) -> None:
        if self._skipping():
            return
        if self.pre:
            for i, part in enumerate(data.split("\n")):
                if i:
                    self._flush(blank=False)
                self.state.buf.append(part)
            return
        self.state.buf.append(data)
        n = len(data.strip())
        self.state.total_chars += n
        if self.bold:
            self.state.bold_chars += n


def html_to_lines(text: str) -> tuple[list[SrcLine], int]:
    """Return the page's text lines and the number of ``<script>`` elements removed."""
    parser = _Extractor()
    parser.feed(text)
    parser.close()
    parser._flush()
    pairs = parser.state.lines
    if parser.saw_main and any(in_main and line.text for line, in_main in pairs):
        pairs = [(line, m) for line, m in pairs if m]
    return [line for line, _ in pairs], parser.scripts_removed
