"""The bundled Board Policy 5:125 imports completely."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chalkline.policies.clauses import clauses_for
from chalkline.policies.parsing import ParsedPolicy, parse_policy, policy_to_json

from .helpers import SEED, missing_sentences


@pytest.fixture(scope="module")
def seed() -> ParsedPolicy:
    return parse_policy(SEED.read_bytes(), filename=SEED.name)


def test_it_reads_number_title_and_section(seed: ParsedPolicy) -> None:
    assert seed.number is not None
    assert (seed.number.raw, seed.number.normalized, seed.number.scheme) == (
        "5:125",
        "5:125",
        "sectioned",
    )
    assert seed.title == "Personal Technology and Social Media; Usage and Conduct"
    assert seed.section is not None
    assert (seed.section.name, seed.section.inferred) == ("General Personnel", False)
    assert seed.warnings == []


def test_it_finds_the_headings(seed: ParsedPolicy) -> None:
    assert [s.heading for s in seed.sections] == [
        "Purpose of This Policy",
        "Definitions",
        "Use of Electronic Communications for School-Related Matters",
        "Use of Personal Technology",
        "The Superintendent or designee shall:",
    ]


def test_it_finds_every_definition(seed: ParsedPolicy) -> None:
    terms = {d.term: d.text for d in seed.definitions}
    assert set(terms) == {
        "Includes",
        "Social media",
        "Personal technology",
        "Electronic Communication",
    }
    assert terms["Social media"].startswith("Media for social interaction")
    assert terms["Includes"].startswith("Means “includes without limitation”")


def test_it_finds_every_duty_with_its_actor(seed: ParsedPolicy) -> None:
    duties = seed.duties()
    by_role: dict[str | None, list[str]] = {}
    for duty in duties:
        by_role.setdefault(duty.actor.role if duty.actor else None, []).append(duty.path)
    assert by_role["employee"] == [str(n) for n in range(1, 13)]
    assert by_role["superintendent"] == ["1", "2", "3", "4", "5", "6"]
    assert by_role["building_principal"] == ["3.1", "3.2", "3.3"]
    actors = {d.actor.text for d in duties if d.actor}
    assert actors == {"District employees", "Superintendent or designee", "Building Principals"}
    six = next(d for d in duties if d.section == "use-of-personal-technology" and d.path == "6")
    assert six.text.startswith("Not disclose student record information")


def test_it_finds_every_cross_reference_with_titles(seed: ParsedPolicy) -> None:
    refs = {c.number.raw: c.title for c in seed.cross_references}
    assert refs == {
        "5:120": "Ethics and Conduct",
        "5:20": "Workplace Harassment Prohibited",
        "6:235": "Access to Electronic Networks",
        "7:20": "Harassment of Students Prohibited",
        "5:130": "Responsibilities Concerning Internal Information",
        "5:170": "Copyright",
    }
    assert {c.number.normalized for c in seed.cross_references} >= {"5:020", "7:020"}


def test_it_finds_the_legal_references(seed: ParsedPolicy) -> None:
    found = {(r.kind, r.citation) for r in seed.legal_references}
    assert ("admin_code", "23 Ill.Admin.Code §22.20") in found
    assert ("act", "Abused and Neglected Child Reporting Act") in found


def test_it_reads_the_history(seed: ParsedPolicy) -> None:
    assert [(h.event, h.date) for h in seed.history] == [
        ("adopted", date(2014, 9, 29)),
        ("revised", date(2016, 5, 23)),
        ("revised", date(2019, 12, 16)),
    ]


def test_it_drops_the_site_footer_only(seed: ParsedPolicy) -> None:
    assert seed.dropped_boilerplate == [
        "Website by SchoolMessenger Presence. © 2023 Intrado Corporation. All rights reserved."
    ]
    assert "SchoolMessenger" not in seed.canonical_text


def test_it_never_loses_policy_wording(seed: ParsedPolicy) -> None:
    assert missing_sentences(SEED.read_text(encoding="utf-8"), seed) == []


def test_canonical_text_is_deterministic(seed: ParsedPolicy) -> None:
    again = parse_policy(SEED.read_bytes())
    assert again.canonical_text == seed.canonical_text
    assert again.sha256 == seed.sha256
    assert len(seed.sha256) == 64
    # whitespace and line-ending noise does not change the signed text
    noisy = SEED.read_bytes().replace(b"\n", b"\r\n").replace(b"  1. Adhere", b"  1.   Adhere")
    assert parse_policy(noisy).sha256 == seed.sha256


def test_clause_ids_match_what_screening_cites(seed: ParsedPolicy) -> None:
    ids = {c.id for c in clauses_for(seed)}
    for cited in (
        "5:125/use-of-personal-technology/6",
        "5:125/use-of-personal-technology/7",
        "5:125/use-of-personal-technology/4",
        "5:125/use-of-personal-technology/1",
        "5:125/use-of-electronic-communications-for-school-related-matters",
        "5:125/the-superintendent-or-designee-shall/5",
        "5:125/the-superintendent-or-designee-shall/3.1",
        "5:125/definitions",
        "5:125/definitions/social-media",
        "5:125/purpose-of-this-policy/p1",
        "5:125/use-of-personal-technology/p1",
    ):
        assert cited in ids
    assert len(ids) == len(clauses_for(seed))


def test_json_is_serializable_and_complete(seed: ParsedPolicy) -> None:
    data = policy_to_json(SEED.read_bytes(), filename=SEED.name)
    text = json.dumps(data)
    assert json.loads(text)["number"]["normalized"] == "5:125"
    assert data["format_version"] == 1
    assert data["sha256"] == seed.sha256
    assert len(data["duties"]) == 21
    assert {c["id"] for c in data["clauses"]} >= {"5:125/use-of-personal-technology/6"}
