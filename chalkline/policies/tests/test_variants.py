"""Other districts' publishing styles (fixtures in tests/data) and the generated manual."""

from __future__ import annotations

from datetime import date

from chalkline.policies.manualgen import generate_manual
from chalkline.policies.parsing import ParsedPolicy, parse_policy

from .helpers import DATA, missing_sentences


def _parse(name: str) -> tuple[ParsedPolicy, str]:
    data = (DATA / name).read_bytes()
    return parse_policy(data, filename=name), data.decode("utf-8")


def test_neola_numbering_caps_headings_and_lettered_lists() -> None:
    p, text = _parse("neola-7540-03.txt")
    assert p.number is not None and (p.number.normalized, p.number.scheme) == ("7540.03", "numeric")
    assert p.title == "STUDENT TECHNOLOGY ACCEPTABLE USE AND SAFETY"
    assert [d.term for d in p.definitions] == [
        "Technology Resources",
        "Personal Communication Device",
    ]
    assert [d.path for d in p.duties()] == ["a", "b", "b.1", "b.2", "b.3", "c"]
    assert {d.actor.role for d in p.duties() if d.actor} == {"student"}
    assert {c.number.normalized: c.title for c in p.cross_references} == {
        "5136": "Personal Communication Devices",
        "7540.04": "Staff Technology Acceptable Use and Safety",
    }
    assert {r.kind for r in p.legal_references} >= {"public_law", "usc", "act"}
    assert [h.date for h in p.history] == [date(2013, 10, 28), date(2018, 6, 18)]
    assert "© Neola 2019" in p.dropped_boilerplate
    assert missing_sentences(text, p) == []


def test_nepn_file_code_cross_ref_block_and_parenthesised_items() -> None:
    p, text = _parse("nepn-jicl.txt")
    assert p.number is not None and (p.number.normalized, p.number.scheme) == ("JICL", "alpha")
    assert p.section is not None and (p.section.name, p.section.inferred) == ("Students", True)
    assert p.title == "STUDENT USE OF SOCIAL MEDIA"
    assert [d.term for d in p.definitions] == ["social media"]
    assert [(d.actor.role if d.actor else None, d.path) for d in p.duties()] == [
        ("student", "a"),
        ("student", "b"),
        ("student", "c"),
        ("building_principal", "1"),
        ("building_principal", "2"),
    ]
    assert {c.number.normalized: c.title for c in p.cross_references} == {
        "GBEB": "Staff Conduct with Students",
        "JICDA": "Code of Conduct",
        "IJNDB": "Student Computer and Internet Use",
    }
    assert [b.kind for b in p.reference_blocks] == ["legal", "cross"]
    assert {r.citation for r in p.legal_references} >= {"Maine Human Rights Act"}
    assert [h.text for h in p.history][-1] == "Spring 2023"
    assert missing_sentences(text, p) == []


def test_dotted_number_legal_and_cross_ref_blocks() -> None:
    p, text = _parse("policy-4-110.txt")
    assert p.number is not None and (p.number.raw, p.number.normalized) == ("4.110", "4:110")
    assert p.number_label == "Board Policy 4.110"
    assert p.section is not None and p.section.name == "Operational Services" and p.section.inferred
    assert [d.path for d in p.duties()] == ["a", "b", "c"]
    assert p.duties()[0].actor is None  # passive voice names no actor
    cites = {r.citation for r in p.legal_references}
    assert {
        "105 ILCS 5/10-22.22",
        "105 ILCS 5/29-3",
        "105 ILCS 5/29-5",
        "625 ILCS 5/12-813",
        "92 Ill.Admin.Code Part 440",
    } <= cites
    assert {c.number.normalized for c in p.cross_references} == {"7:220", "4:170", "4:111"}
    assert [(h.event, h.date) for h in p.history] == [
        ("adopted", date(2014, 9, 29)),
        ("amended", date(2015, 9, 21)),
        ("revised", date(2017, 9, 29)),
    ]
    assert missing_sentences(text, p) == []


def test_hard_wrapped_text_with_district_header_and_roman_headings() -> None:
    p, text = _parse("hardwrapped-4-110.txt")
    assert p.number is not None and p.number.raw == "4-110"
    assert p.metadata["district"] == "SPRINGFIELD COMMUNITY UNIT SCHOOL DISTRICT 12"
    assert [s.slug for s in p.sections] == ["purpose", "responsibilities"]
    duties = p.duties()
    assert [d.path for d in duties] == ["1", "2", "3"]
    assert duties[0].text == (
        "Hold a valid driver's license and provide a copy to the Business Office before the "
        "first trip of each school year."
    )
    assert {d.actor.role for d in duties if d.actor} == {"employee"}
    assert [w.code for w in p.warnings] == ["no_title"]
    assert missing_sentences(text, p) == []


def test_generated_manual_in_varied_styles_imports_correctly() -> None:
    for g in generate_manual(80, seed=7):
        p = parse_policy(g.data, filename=g.filename, content_type=g.content_type)
        e = g.expected
        assert p.number is not None and p.number.normalized == e.number, g.style
        assert p.title == e.title, g.style
        assert len(p.duties()) == e.items, g.style
        assert len(p.definitions) == e.definitions, g.style
        assert e.cross_refs <= {c.number.normalized for c in p.cross_references}, g.style
        assert len([h for h in p.history if h.date]) == e.history, g.style
        assert e.actor_roles <= {d.actor.role for d in p.duties() if d.actor}, g.style
