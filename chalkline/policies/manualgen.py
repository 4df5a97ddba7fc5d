"""Synthetic policy manuals in many districts' publishing styles (demo data, tests, benchmarks).

Deterministic for a given seed. Each generated policy carries the facts a correct import must
recover (:class:`Expected`), so tests can measure robustness across styles.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

SECTIONS = {
    "1": "School District Organization",
    "2": "Board of Education",
    "3": "General School Administration",
    "4": "Operational Services",
    "5": "General Personnel",
    "6": "Instruction",
    "7": "Students",
    "8": "Community Relations",
}
_ALPHA = {"5": "G", "6": "I", "7": "J", "4": "E", "2": "B", "3": "C", "8": "K", "1": "A"}
_TOPICS = [
    "Personal Technology",
    "Social Media",
    "Electronic Networks",
    "Student Records",
    "Copyright",
    "Workplace Harassment",
    "Staff Ethics",
    "Field Trips",
    "Attendance",
    "Transportation",
    "Food Service",
    "Visitors",
    "Public Complaints",
    "Grading",
    "Homework",
    "Emergency Drills",
    "Wellness",
    "Fundraising",
    "Volunteers",
    "Video Recording",
    "Data Privacy",
    "Bullying Prevention",
]
_TOPIC_TAILS = ["and Conduct", "Use", "Guidelines", "Responsibilities", "Procedures", "", "Program"]
_SUBJECTS = [
    ("All District employees", "employee"),
    ("The Superintendent or designee", "superintendent"),
    ("Each Building Principal", "building_principal"),
    ("Staff members", "employee"),
    ("Teachers and other staff", "employee"),
    ("The Board of Education", "board"),
]
_VERBS = [
    "review",
    "maintain",
    "report",
    "document",
    "communicate",
    "provide",
    "monitor",
    "approve",
    "distribute",
    "retain",
    "publish",
    "evaluate",
    "protect",
    "disclose",
    "coordinate",
]
_OBJECTS = [
    "records of each request",
    "the approved list of applications",
    "information about students",
    "written guidelines for parents and guardians",
    "copies of signed acknowledgments",
    "procedures for reporting concerns",
    "training materials for new staff",
    "the schedule of annual reviews",
    "communications with families",
    "any suspected violation",
]
_TAILS = [
    "in a timely manner",
    "consistent with State and federal law",
    "at least once each school year",
    "using District-approved accounts",
    "as directed by the Superintendent",
    "without disclosing personally identifiable information",
    "before the start of each semester",
]
_TERMS = [
    "Social media",
    "Personal technology",
    "Electronic communication",
    "Approved account",
    "School day",
    "Personally identifiable information",
    "Designee",
    "Work hours",
]
_ACTS = [
    "Abused and Neglected Child Reporting Act",
    "Illinois School Student Records Act",
    "Family Educational Rights and Privacy Act",
    "Children's Internet Protection Act",
]
_LEGAL_BLOCK = [
    "105 ILCS 5/10-20.5",
    "105 ILCS 5/10-21.9",
    "820 ILCS 55/10",
    "23 Ill.Admin.Code §22.20",
    "20 U.S.C. §1232g",
    "34 C.F.R. Part 99",
    "47 U.S.C. §254(h)",
]
_DATE_FORMATS = ["%B %-d, %Y", "%-m/%-d/%Y", "%Y-%m-%d", "%b. %-d, %Y", "%-d %B %Y", "%m/%d/%Y"]
_BOILER_TOP = ["Skip to content", "Home > Board of Education > Board Policies", "Print", "Search"]
_BOILER_BOTTOM = [
    "Back to top",
    "Website by Finalsite Presence.",
    "© 2024 Springfield School District. All rights reserved.",
]


@dataclass(slots=True)
class Expected:
    number: str  # normalized
    title: str
    items: int  # all list items, nested included
    definitions: int
    cross_refs: set[str] = field(default_factory=set)
    history: int = 0
    actor_roles: set[str] = field(default_factory=set)


@dataclass(slots=True)
class GeneratedPolicy:
    data: bytes
    filename: str
    content_type: str
    expected: Expected
    style: dict[str, str]


def _number(rng: random.Random, style: str, sec: str, idx: int) -> tuple[str, str]:
    item = 10 + (idx * 5) % 985
    if style == "press":
        return f"{sec}:{item}", f"{sec}:{item:03d}"
    if style == "dotted":
        return f"{sec}.{item:03d}", f"{sec}:{item:03d}"
    if style == "dashed":
        return f"{sec}-{item:03d}", f"{sec}:{item:03d}"
    if style == "numeric":
        n = f"{sec}{item % 1000:03d}"
        return n, n
    if style == "neola":
        n = f"{sec}{item // 10:03d}.{item % 10:02d}"
        return n, n
    letters = "ABCDEFGHIJKL"
    code = _ALPHA[sec] + letters[idx % 12] + letters[(idx // 12) % 12] + letters[(idx // 144) % 12]
    return code, code


def _sentence(rng: random.Random) -> str:
    subj = rng.choice(_SUBJECTS)[0]
    return f"{subj} shall {rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}."


def _item_text(rng: random.Random) -> str:
    text = f"{rng.choice(_VERBS).capitalize()} {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}"
    if rng.random() < 0.3:
        text += f"; the District {rng.choice(_VERBS)}s {rng.choice(_OBJECTS)} {rng.choice(_TAILS)}"
    return text + "."


def _marker(style: str, n: int) -> str:
    if style == "decimal":
        return f"{n}."
    if style == "paren":
        return f"({chr(96 + n)})"
    if style == "alpha":
        return f"{chr(96 + n)}."
    if style == "decimal)":
        return f"{n})"
    return "•"


def generate_policy(seed: int, idx: int = 0) -> GeneratedPolicy:
    rng = random.Random(seed * 7919 + idx)
    num_style = rng.choice(["press", "press", "dotted", "dashed", "numeric", "neola", "alpha"])
    header = rng.choice(["iasb", "board", "title_first", "fields", "caps"])
    heading_case = rng.choice(["title", "title", "upper", "colon"])
    list_style = rng.choice(["decimal", "decimal", "alpha", "paren", "decimal)", "bullet"])
    def_style = rng.choice(["dash", "colon", "means"])
    fmt = rng.choice(["text", "text", "text", "html"])
    sec = rng.choice(list(SECTIONS))
    raw_num, norm = _number(rng, num_style, sec, idx)
    title = f"{rng.choice(_TOPICS)} {rng.choice(_TOPIC_TAILS)}".strip()
    title = title.upper() if header == "caps" else title
    expected = Expected(norm, title, 0, 0)

    def heading(text: str) -> str:
        if heading_case == "upper":
            return text.upper()
        return text + (":" if heading_case == "colon" and len(text.split()) <= 2 else "")

    blocks: list[tuple[str, object]] = []  # (kind, payload)
    blocks.append(("h", heading("Purpose")))
    blocks.append(("p", " ".join(_sentence(rng) for _ in range(rng.randint(2, 5)))))
    if rng.random() < 0.8:
        blocks.append(("h", heading("Definitions")))
        for term in rng.sample(_TERMS, rng.randint(2, 4)):
            body = f"{rng.choice(_OBJECTS).capitalize()} {rng.choice(_TAILS)}."
            if def_style == "dash":
                blocks.append(("p", f"{term} – {body}"))
            elif def_style == "colon":
                blocks.append(("p", f"{term}: {body}"))
            else:
                blocks.append(("p", f"“{term}” means {body[0].lower()}{body[1:]}"))
            expected.definitions += 1
    for _ in range(rng.randint(1, 2)):
        subj, role = rng.choice(_SUBJECTS)
        blocks.append(
            ("h", heading(f"{rng.choice(_TOPICS)} {rng.choice(['Requirements', 'Duties', 'Use'])}"))
        )
        blocks.append(
            (
                "p",
                f"{subj} {rng.choice(['who use District technology', 'at every building', ''])} shall:".replace(
                    "  ", " "
                ),
            )
        )
        expected.actor_roles.add(role)
        items: list[tuple[str, list[str]]] = []
        for _ in range(rng.randint(3, 10)):
            subs = (
                [_item_text(rng) for _ in range(rng.randint(2, 3))] if rng.random() < 0.15 else []
            )
            items.append((_item_text(rng), subs))
            expected.items += 1 + len(subs)
        blocks.append(("list", items))
    other = _number(rng, num_style, rng.choice(list(SECTIONS)), (idx + 7) % 150)
    if other[1] != norm and num_style != "alpha":
        blocks.append(
            (
                "p",
                f"Employees shall follow Board Policy {other[0]}, Ethics and Conduct, and the {rng.choice(_ACTS)}.",
            )
        )
        expected.cross_refs.add(other[1])
    legal = rng.sample(_LEGAL_BLOCK, 3) if rng.random() < 0.5 else []
    y = rng.randint(2005, 2020)
    dates = [
        f"{y}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        f"{y + 2}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
    ]
    dfmt = rng.choice(_DATE_FORMATS)
    from datetime import date as _date

    shown = [_date.fromisoformat(d).strftime(dfmt) for d in dates]
    history = [f"Adopted: {shown[0]}", f"Revised: {shown[1]}"]
    expected.history = 2
    style = {
        "number": num_style,
        "header": header,
        "heading": heading_case,
        "list": list_style,
        "definitions": def_style,
        "format": fmt,
    }
    if fmt == "html":
        data = _render_html(rng, raw_num, title, sec, header, blocks, list_style, legal, history)
        return GeneratedPolicy(data, f"policy-{idx}.html", "text/html", expected, style)
    text = _render_text(rng, raw_num, title, sec, header, blocks, list_style, legal, history)
    return GeneratedPolicy(text.encode(), f"policy-{idx}.txt", "text/plain", expected, style)


def _head_lines(raw_num: str, title: str, sec: str, header: str) -> list[str]:
    if header == "iasb":
        return [f"{raw_num} - {title}", f"Policy {raw_num}", SECTIONS[sec], title]
    if header == "board":
        return [f"Board Policy {raw_num}", title]
    if header == "title_first":
        return [title, f"Policy No. {raw_num}"]
    if header == "fields":
        return [
            "Book: Policy Manual",
            f"Section: {SECTIONS[sec]}",
            f"Title: {title}",
            f"Code: {raw_num}",
            "Status: Active",
        ]
    return [f"{raw_num} – {title}" if raw_num.isalpha() else f"{raw_num} {title}"]


def _render_text(
    rng: random.Random,
    raw_num: str,
    title: str,
    sec: str,
    header: str,
    blocks: list[tuple[str, object]],
    list_style: str,
    legal: list[str],
    history: list[str],
) -> str:
    out: list[str] = []
    if rng.random() < 0.5:
        out += rng.sample(_BOILER_TOP, 2)
    out += _head_lines(raw_num, title, sec, header)
    for kind, payload in blocks:
        if kind == "list":
            assert isinstance(payload, list)  # noqa: S101 - generator invariant
            for n, (text, subs) in enumerate(payload, 1):
                out.append(f"  {_marker(list_style, n)} {text}")
                sub_style = "alpha" if list_style != "alpha" else "decimal)"
                if list_style == "bullet":
                    sub_style = "bullet"
                for k, sub in enumerate(subs, 1):
                    marker = "o" if sub_style == "bullet" else _marker(sub_style, k)
                    out.append(f"      {marker} {sub[0].upper()}{sub[1:]}")
        else:
            out.append(str(payload))
    if legal:
        out.append("LEGAL REF.: " + legal[0])
        out += [f"            {ref}" for ref in legal[1:]]
    out += history
    if rng.random() < 0.6:
        out += rng.sample(_BOILER_BOTTOM, 2)
    return "\n\n".join(out) + "\n"


def _render_html(
    rng: random.Random,
    raw_num: str,
    title: str,
    sec: str,
    header: str,
    blocks: list[tuple[str, object]],
    list_style: str,
    legal: list[str],
    history: list[str],
) -> bytes:
    e = html.escape
    head = _head_lines(raw_num, title, sec, header)
    body = [f"<h1>{e(head[0])}</h1>"] + [f"<p>{e(line)}</p>" for line in head[1:]]
    ol_type = {"alpha": "a", "paren": "a"}.get(list_style, "1")
    for kind, payload in blocks:
        if kind == "h":
            body.append(f"<h2>{e(str(payload))}</h2>")
        elif kind == "p":
            body.append(f"<p>{e(str(payload))}</p>")
        else:
            assert isinstance(payload, list)  # noqa: S101 - generator invariant
            tag = "ul" if list_style == "bullet" else "ol"
            lis = []
            for text, subs in payload:
                sub = "".join(f"<li>{e(s)}</li>" for s in subs)
                lis.append(f"<li>{e(text)}" + (f'<ol type="i">{sub}</ol>' if sub else "") + "</li>")
            attr = f' type="{ol_type}"' if tag == "ol" else ""
            body.append(f"<{tag}{attr}>{''.join(lis)}</{tag}>")
    if legal:
        body.append("<p>LEGAL REF.: " + "<br>".join(e(x) for x in legal) + "</p>")
    body += [f"<p>{e(h)}</p>" for h in history]
    page = (
        "<!DOCTYPE html><html><head><title>Board Policy</title><style>p{color:red}</style>"
        "<script>alert('x')</script></head><body>"
        '<a class="skip-link" href="#main">Skip to content</a>'
        "<nav><ul><li>Home</li><li>Board</li><li>Policies</li></ul></nav>"
        '<div class="breadcrumb">Home &gt; Board &gt; Policies</div>'
        f'<main id="main">{"".join(body)}<p><a href="#">Print</a></p></main>'
        "<footer><p>Website by Finalsite</p><p>&copy; 2024 District</p></footer>"
        "<script>track()</script></body></html>"
    )
    return page.encode()


def generate_manual(count: int = 400, *, seed: int = 125) -> list[GeneratedPolicy]:
    return [generate_policy(seed, i) for i in range(count)]


def long_policy_text(words: int = 10_000, *, seed: int = 20) -> str:
    """A ~20-page policy body (``words`` words) for redline benchmarks."""
    rng = random.Random(seed)
    paras: list[str] = []
    total = 0
    n = 0
    while total < words:
        n += 1
        if n % 12 == 1:
            paras.append(f"Section {n // 12 + 1}: {rng.choice(_TOPICS)}")
        para = f"{n}. " + " ".join(_sentence(rng) for _ in range(rng.randint(4, 9)))
        paras.append(para)
        total += len(para.split())
    return "\n".join(paras)


def edit_text(text: str, *, rate: float = 0.05, seed: int = 21) -> str:
    """A plausible revision: word substitutions, an inserted and a deleted paragraph."""
    rng = random.Random(seed)
    paras = text.split("\n")
    out: list[str] = []
    for para in paras:
        roll = rng.random()
        if roll < rate / 3:
            continue
        if roll < rate:
            words = para.split()
            for _ in range(max(1, len(words) // 20)):
                words[rng.randrange(len(words))] = rng.choice(_VERBS)
            para = " ".join(words)
        out.append(para)
        if rng.random() < rate / 3:
            out.append(_sentence(rng))
    return "\n".join(out)
