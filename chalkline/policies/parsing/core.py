"""``parse_policy``: bytes as a district publishes them → :class:`ParsedPolicy`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .boilerplate import drop_boilerplate, is_boilerplate
from .dates import is_history_line, parse_history_line
from .decode import decode
from .head import extract_head
from .limits import DEFAULT_LIMITS, ParseLimits
from .lines import LogicalLine, to_logical
from .model import (
    CrossReference,
    Definition,
    HistoryEvent,
    ItemList,
    LegalReference,
    Paragraph,
    ParsedPolicy,
    ParseWarning,
    PolicyParseError,
    ReferenceBlock,
    Section,
    render_canonical,
)
from .numbering import infer_section, number_from_filename
from .refs import (
    CITATION_HINT_RE,
    block_label,
    find_block_legal_references,
    find_cross_references,
    find_legal_references,
    merge_cross_references,
    merge_legal_references,
)
from .structure import build_sections


def parse_policy(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    limits: ParseLimits = DEFAULT_LIMITS,
) -> ParsedPolicy:
    """Parse plain text, HTML or text-layer PDF. Raises :class:`PolicyParseError` on bad input.

    ``limits`` bound the text and each PDF stream and page count; only a child process
    (``sandbox.parse_in_child``) can also bound the time and memory."""
    decoded = decode(data, filename=filename, content_type=content_type, limits=limits)
    warnings = list(decoded.warnings)
    src, dropped = drop_boilerplate(decoded.lines)
    logical: list[LogicalLine] = []
    for line in to_logical(src):
        if is_boilerplate(line.text):
            dropped.append(line.text)
        else:
            logical.append(line)
    if not logical:
        raise PolicyParseError("The file contains no policy text.")

    head = extract_head(logical)
    number = head.number
    if number is None:
        number = number_from_filename(filename)
        if number is not None:
            warnings.append(
                ParseWarning(
                    "number_from_filename",
                    f"Policy number {number.raw} was taken from the file name.",
                )
            )
        else:
            warnings.append(
                ParseWarning("no_number", "No policy number was found; please enter it.")
            )
    section = head.section or infer_section(number)
    if head.title is None:
        warnings.append(ParseWarning("no_title", "No policy title was found; please enter it."))

    body: list[LogicalLine] = []
    history: list[HistoryEvent] = []
    history_lines: list[str] = []
    blocks: list[ReferenceBlock] = []
    for i in head.preamble:
        logical[i].hint = "para"
    rest = [line for i, line in enumerate(logical) if i not in head.consumed]
    i = 0
    while i < len(rest):
        line = rest[i]
        if line.marker is None and is_history_line(line.text):
            events, warns = parse_history_line(line.text)
            history.extend(events)
            warnings.extend(warns)
            history_lines.append(line.text)
            i += 1
            continue
        label = block_label(line.text) if line.marker is None else None
        if label is not None:
            block_text, i = _collect_block(rest, i)
            blocks.append(ReferenceBlock(label[0], label[1], block_text))
            continue
        body.append(line)
        i += 1

    sections = build_sections(body)
    if not any(s.blocks for s in sections) and not any(s.heading for s in sections):
        warnings.append(ParseWarning("no_body", "No policy body text was found."))

    texts = list(_body_texts(sections))
    cross: list[CrossReference] = []
    legal: list[LegalReference] = []
    for text in texts:
        cross.extend(find_cross_references(text, own=number))
        legal.extend(find_legal_references(text))
    for block in blocks:
        if block.kind == "legal":
            legal.extend(find_block_legal_references(block.text, block.label))
        else:
            cross.extend(find_cross_references(block.text, own=number, in_block=True))

    policy = ParsedPolicy(
        source_format=decoded.source_format,
        encoding=decoded.encoding,
        filename=filename,
        number=number,
        number_label=head.number_label,
        title=head.title,
        section=section,
        sections=sections,
        cross_references=merge_cross_references(cross),
        legal_references=merge_legal_references(legal),
        reference_blocks=blocks,
        history=history,
        history_lines=history_lines,
        metadata=head.metadata,
        header_lines=[logical[i].text for i in sorted(head.consumed)],
        dropped_boilerplate=dropped,
        warnings=warnings,
    )
    policy.canonical_text = render_canonical(policy)
    return policy


def _collect_block(lines: list[LogicalLine], start: int) -> tuple[str, int]:
    """A LEGAL REF./CROSS REF. block runs until the next label, history line or prose."""
    parts = [lines[start].text]
    i = start + 1
    while i < len(lines):
        line = lines[i]
        if block_label(line.text) or is_history_line(line.text):
            break
        citation_like = bool(CITATION_HINT_RE.search(line.text)) and len(line.text) < 300
        if not (citation_like or (line.indent > 0 and not line.blank_before)):
            break
        parts.append(line.text)
        i += 1
    return "\n".join(parts), i


def _body_texts(sections: list[Section]) -> Iterator[str]:
    def walk(lst: ItemList) -> Iterator[str]:
        for item in lst.items:
            yield item.text
            if item.sublist:
                yield from walk(item.sublist)

    for section in sections:
        if section.heading:
            yield section.heading
        for block in section.blocks:
            if isinstance(block, Paragraph | Definition):
                yield block.raw if isinstance(block, Definition) else block.text
            elif isinstance(block, ItemList):
                yield from walk(block)


def policy_to_json(
    data: bytes, *, filename: str | None = None, content_type: str | None = None
) -> dict[str, Any]:
    """What ``chalkline import-policy FILE --json`` prints: the parse plus its clause ids."""
    return parsed_to_json(parse_policy(data, filename=filename, content_type=content_type))


def parsed_to_json(policy: ParsedPolicy) -> dict[str, Any]:
    """The parse plus its clause ids, as ``import-policy --json`` prints them."""
    from ..clauses import clauses_for

    out = policy.to_json()
    out["clauses"] = [c.to_dict() for c in clauses_for(policy)]
    return out
