"""The Board packet PDF (fpdf2): cover memo, table of contents, the changes by clause, the
redline against the current version, the clean text, the comments with their resolutions, the
participants and the meeting dates; page numbers on every page; the audit chain's head at the
time it was made on the cover.

``packet_pdf`` takes plain data (``PacketData``), so it can be built and measured without a
request; ``packet_data`` gathers it from a Board item."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from chalkline.policies.redline import RedlineOp, redline
from chalkline.policies.selectors import changes_since

_ASCII = str.maketrans(
    {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "...", "\u00a0": " "}
)


def _t(text: str) -> str:
    return text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")


@dataclass(frozen=True)
class PacketComment:
    clause_id: str
    author: str
    kind: str
    body: str
    quote: str
    proposed_text: str
    resolution: str
    reason: str
    replies: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PacketData:
    district: str
    policy: str  # "5:125 Personal Technology and Social Media; Usage and Conduct"
    base_label: str
    draft_label: str
    cover_memo: str
    made_at: datetime
    head_seq: int
    head_hash: str
    changes: list[tuple[str, str, str, str]]  # clause id, change, old text, new text
    ops: list[RedlineOp]
    clean_text: str
    comments: list[PacketComment]
    participants: list[tuple[str, str]]  # name, what they take part as
    meetings: list[tuple[str, str]]  # ("First reading", "October 19, 2026"), ...


def packet_data(item: Any, *, head_seq: int, head_hash: str, made_at: datetime) -> PacketData:
    """Gather a Board item's packet (``item``: a ``BoardItem``)."""
    review = item.review
    base, draft = review.base, review.draft
    change_set = changes_since(base, draft)
    old_text = dict(base.clauses.values_list("clause_id", "text"))
    new_text = dict(draft.clauses.values_list("clause_id", "text"))
    changes = [
        (c.clause_id, c.change, old_text.get(c.clause_id, ""), new_text.get(c.clause_id, ""))
        for c in change_set.clauses
    ]
    rows = list(review.comments.select_related("author").order_by("created_at", "pk"))
    replies: dict[int, list[tuple[str, str]]] = {}
    for c in rows:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append((_name(c.author), c.body))
    comments = [
        PacketComment(
            clause_id=c.clause_id,
            author=_name(c.author),
            kind=c.get_kind_display(),
            body=c.body,
            quote=c.quote,
            proposed_text=c.proposed_text,
            resolution=c.get_resolution_display(),
            reason=c.reason,
            replies=replies.get(c.pk, []),
        )
        for c in rows
        if c.parent_id is None
    ]
    participants = [
        (_name(p.user), p.get_kind_display())
        for p in review.participants.select_related("user").order_by("kind", "pk")
    ]
    meetings = [
        ("On the agenda since", _day(item.placed_at.date())),
        ("First reading", "waived" if item.first_reading_waived else _day(item.first_reading_on)),
        ("Second reading", _day(item.second_reading_on)),
        ("Adopted", _day(item.adopted_on)),
    ]
    policy = review.policy
    return PacketData(
        district=str(review.policy.district.name),
        policy=f"{policy.number_raw} {policy.title}",
        base_label=f"version {base.seq}",
        draft_label=f"version {draft.seq} (proposed)",
        cover_memo=item.cover_memo,
        made_at=made_at,
        head_seq=head_seq,
        head_hash=head_hash,
        changes=changes,
        ops=redline(base.canonical_text, draft.canonical_text),
        clean_text=draft.canonical_text,
        comments=comments,
        participants=participants,
        meetings=meetings,
    )


def _day(day: date | None) -> str:
    return f"{day:%B %-d, %Y}" if day else "-"


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.username)


def _toc(pdf: Any, outline: list[Any]) -> None:
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Contents", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font("Helvetica", "", 11)
    for section in outline:
        link = pdf.add_link(page=section.page_number)
        name = _t(section.name)
        pdf.cell(150, 8, name, link=link)
        pdf.cell(
            0, 8, str(section.page_number), align="R", link=link, new_x="LMARGIN", new_y="NEXT"
        )


def packet_pdf(data: PacketData) -> bytes:
    from fpdf import FPDF

    class Packet(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("Helvetica", "", 8)
            self.set_text_color(80, 80, 80)
            self.cell(0, 8, _t(f"{data.policy[:70]} - Board packet"), align="L")
            self.set_x(self.l_margin)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="R")
            self.set_text_color(0, 0, 0)

    pdf = Packet(format="Letter")
    pdf.set_title(_t(f"Board packet: {data.policy}"))
    pdf.set_margins(20, 18, 20)
    pdf.set_auto_page_break(True, margin=20)
    pdf.alias_nb_pages()

    def heading(title: str) -> None:
        if pdf.get_y() > pdf.t_margin + 1:  # the placeholder already opened a fresh page
            pdf.add_page()
        pdf.start_section(_t(title))
        pdf.set_font("Helvetica", "B", 16)
        pdf.multi_cell(0, 9, _t(title), align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    widths: dict[tuple[str, int, str], float] = {}

    def width(word: str, size: int, style: str) -> float:
        key = (word, size, style)
        if key not in widths:
            widths[key] = pdf.get_string_width(word)
        return widths[key]

    def para(text: str, size: int = 10, style: str = "") -> None:
        """Wrap the text ourselves (greedy, word widths cached) and write one cell per line:
        fpdf2's own line breaking measures every prefix of a line again for each character,
        which made a 90-page packet take several seconds."""
        pdf.set_font("Helvetica", style, size)
        room = pdf.epw
        space = width(" ", size, style)
        for source in text.split("\n"):
            line: list[str] = []
            used = 0.0
            for word in _t(source).split(" "):
                w = width(word, size, style)
                if line and used + space + w > room:
                    pdf.cell(0, 5, " ".join(line), new_x="LMARGIN", new_y="NEXT")
                    line, used = [], 0.0
                if w > room:  # a word longer than the line: let fpdf2 break it
                    pdf.multi_cell(0, 5, word, align="L", new_x="LMARGIN", new_y="NEXT")
                    continue
                used += (space if line else 0.0) + w
                line.append(word)
            pdf.cell(0, 5, " ".join(line) or " ", new_x="LMARGIN", new_y="NEXT")

    # Cover memo
    pdf.add_page()
    pdf.start_section("Cover memo")
    pdf.set_font("Helvetica", "B", 18)
    pdf.multi_cell(
        0, 10, _t(f"Board packet: Policy {data.policy}"), align="L", new_x="LMARGIN", new_y="NEXT"
    )
    para(data.district, 12, "B")
    pdf.ln(2)
    para(f"Proposed {data.draft_label} against the current {data.base_label}.")
    para(f"Made {data.made_at:%B %-d, %Y at %H:%M} UTC.")
    para(f"Audit chain head when made: event {data.head_seq}, hash {data.head_hash}", 8)
    pdf.ln(4)
    para("Cover memo", 13, "B")
    pdf.ln(1)
    para(data.cover_memo or "(No cover memo.)")
    pdf.add_page()
    pdf.insert_toc_placeholder(_toc, pages=1)

    heading("Summary of changes by clause")
    if not data.changes:
        para("The proposed text makes no change.")
    for clause_id, change, old, new in data.changes:
        para(f"{clause_id} ({change})", 10, "B")
        if old:
            para(f"Now: {old}", 9)
        if new:
            para(f"Proposed: {new}", 9)
        pdf.ln(2)

    heading("Redline against the current version")
    para("Inserted words are underlined; deleted words are struck through and in brackets.", 8, "I")
    pdf.ln(2)

    def piece(text: str) -> None:
        # Written line by line and in runs of words (see ``para``); a newline starts a line.
        lines = text.split("\n")
        for n, line in enumerate(lines):
            words = line.split(" ")
            for start in range(0, len(words), 40):
                chunk = " ".join(words[start : start + 40])
                if start + 40 < len(words):
                    chunk += " "
                if chunk:
                    pdf.write(5, _t(chunk))
            if n < len(lines) - 1:
                pdf.ln(5)

    for op in data.ops:
        if op.op == "insert":
            pdf.set_font("Helvetica", "U", 10)
            pdf.set_text_color(0, 90, 0)
            piece(op.text)
        elif op.op == "delete":
            pdf.set_font("Helvetica", "S", 10)
            pdf.set_text_color(160, 0, 0)
            core = op.text.rstrip()
            piece(f"[{core}]")
            pdf.set_font("Helvetica", "", 10)
            piece(op.text[len(core) :])
        else:
            pdf.set_font("Helvetica", "", 10)
            pdf.set_text_color(0, 0, 0)
            piece(op.text)
    pdf.set_text_color(0, 0, 0)
    pdf.ln(6)

    heading("Clean text")
    para(data.clean_text)

    heading("Comments and their resolutions")
    if not data.comments:
        para("No comments.")
    for c in data.comments:
        para(f"{c.clause_id} - {c.kind} by {c.author}", 10, "B")
        if c.quote:
            para(f'On the words: "{c.quote}"', 9, "I")
        para(c.body, 9)
        if c.proposed_text:
            para(f"Proposed wording: {c.proposed_text}", 9)
        for who, body in c.replies:
            para(f"Reply by {who}: {body}", 9)
        outcome = f"Resolution: {c.resolution}" + (f" - {c.reason}" if c.reason else "")
        para(outcome, 9, "B")
        pdf.ln(2)

    heading("Participants and meeting dates")
    para("Reviewed with", 11, "B")
    for name, kind in data.participants or [("(none)", "")]:
        para(f"{name}" + (f" ({kind})" if kind else ""))
    pdf.ln(3)
    para("Meetings", 11, "B")
    for label, day in data.meetings:
        para(f"{label}: {day}")
    return bytes(pdf.output())
