"""HTML, PDF, encodings and bad input."""

from __future__ import annotations

import pytest

from chalkline.policies.parsing import MAX_POLICY_BYTES, PolicyParseError, parse_policy

from .helpers import DATA, SEED, missing_sentences
from .pdfutil import text_to_pdf

SEED_TEXT = SEED.read_text(encoding="utf-8")


def test_html_page_keeps_the_policy_and_drops_site_chrome() -> None:
    p = parse_policy((DATA / "boarddocs-5125.html").read_bytes(), filename="5125.html")
    assert p.source_format == "html"
    assert p.number is not None and p.number.normalized == "5125"
    assert p.title == "Personal Technology & Social Media; Usage and Conduct"
    assert p.section is not None and (p.section.name, p.section.code) == ("Personnel", "5000")
    assert p.metadata == {"book": "Policy Manual", "status": "Active"}
    assert [d.term for d in p.definitions] == ["Social media", "Personal technology"]
    roles = [(d.actor.role if d.actor else None, d.path) for d in p.duties()]
    assert roles == [
        ("employee", "1"),
        ("employee", "2"),
        ("employee", "3"),
        ("superintendent", "1"),
        ("superintendent", "2"),
        ("building_principal", "2.a"),
        ("building_principal", "2.b"),
    ]
    item2 = p.duties()[1].text
    assert (
        item2 == "Not disclose student record information.\nThis includes photographs of students."
    )
    assert [(h.event, h.date.isoformat() if h.date else None) for h in p.history] == [
        ("adopted", "2014-09-29"),
        ("revised", "2019-12-16"),
    ]
    for junk in (
        "Injected",
        "tracking",
        "Hidden draft",
        "Log In",
        "Breadcrumb",
        "Intrado",
        "Print",
    ):
        assert junk not in p.canonical_text
    assert "<at all times>" in p.canonical_text  # decoded entities stay text, never markup
    assert any(w.code == "scripts_removed" for w in p.warnings)


def test_html_headings_lists_and_nesting_from_tags() -> None:
    html = b"""<html><body><main><h1>Policy 6:235 Access to Electronic Networks</h1>
    <h2>Purpose</h2><p>The Board supports access.</p>
    <h2>Rules</h2><p>Students must:</p>
    <ol><li>Use the network for school work.</li><li>Not share passwords:
    <ol type="a"><li>with classmates;</li><li>with anyone else.</li></ol></li></ol>
    </main><footer>Website by Example</footer></body></html>"""
    p = parse_policy(html, content_type="text/html; charset=utf-8")
    assert p.number is not None and p.number.raw == "6:235"
    assert p.title == "Access to Electronic Networks"
    assert [s.heading for s in p.sections] == ["Purpose", "Rules"]
    assert [d.path for d in p.duties()] == ["1", "2", "2.a", "2.b"]
    assert {d.actor.role for d in p.duties() if d.actor} == {"student"}


def test_text_layer_pdf_with_running_headers_imports_the_seed() -> None:
    pdf = text_to_pdf(SEED_TEXT, header="Springfield School District 186", footer="5:125")
    p = parse_policy(pdf, filename="5-125.pdf")
    assert p.source_format == "pdf"
    assert p.number is not None and p.number.normalized == "5:125"
    assert p.title == "Personal Technology and Social Media; Usage and Conduct"
    assert len(p.definitions) == 4
    paths = [(d.actor.role if d.actor else None, d.path) for d in p.duties()]
    assert [x for r, x in paths if r == "employee"] == [str(n) for n in range(1, 13)]
    assert [x for r, x in paths if r == "building_principal"] == ["3.1", "3.2", "3.3"]
    assert {c.number.normalized for c in p.cross_references} == {
        "5:120",
        "5:020",
        "6:235",
        "7:020",
        "5:130",
        "5:170",
    }
    assert len(p.history) == 3
    assert "Page 2 of" not in p.canonical_text
    assert p.canonical_text.count("Springfield School District 186") == 0
    assert p.metadata["district"] == "Springfield School District 186"


def test_pdf_and_text_give_the_same_body() -> None:
    text = parse_policy(SEED_TEXT.encode())
    pdf = parse_policy(text_to_pdf(SEED_TEXT))
    assert pdf.canonical_text == text.canonical_text


def test_cp1252_text_is_read_with_a_warning() -> None:
    data = SEED_TEXT.replace("®", "").encode("cp1252")
    p = parse_policy(data)
    assert p.encoding == "cp1252"
    assert [w.code for w in p.warnings] == ["encoding_fallback"]
    assert "District’s logos" in p.canonical_text


def test_utf16_with_bom_is_read() -> None:
    p = parse_policy(SEED_TEXT.encode("utf-16"))
    assert p.number is not None and p.number.raw == "5:125"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x00\x01\x02binary\x00junk" * 20, "binary"),
        (bytes(range(1, 32)) * 50, "binary"),
        (b"PK\x03\x04rest-of-a-docx", "Word"),
        (b"\x89PNG\r\n\x1a\nxxxx", "PNG"),
        (b"%PDF-1.4\nnot really a pdf", "PDF"),
        (b"<html><body><nav>Home</nav></body></html>", "no policy text"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(PolicyParseError, match=message):
        parse_policy(data)


def test_oversized_file_is_refused_before_parsing() -> None:
    with pytest.raises(PolicyParseError, match="limit"):
        parse_policy(b"a" * (MAX_POLICY_BYTES + 1))


def test_pdf_without_text_layer_is_refused() -> None:
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 50, 50)
    with pytest.raises(PolicyParseError, match="no text layer"):
        parse_policy(bytes(pdf.output()))


def test_html_with_scripts_is_stripped_never_rendered() -> None:
    data = (
        b"<p>Policy 5:125</p><p>Title Here</p><script>alert(1)</script>"
        b"<p onclick='x()'>Employees shall <img src=x onerror=alert(1)>comply.</p>"
        b"<style>p{}</style><iframe src='https://evil'></iframe>"
    )
    p = parse_policy(data)
    assert "alert" not in p.canonical_text and "<" not in p.canonical_text
    assert "Employees shall comply." in p.canonical_text


def test_missing_number_returns_a_warning_so_a_form_can_ask() -> None:
    p = parse_policy(b"Staff Conduct\n\nEmployees shall behave professionally at all times.\n")
    assert p.number is None
    assert p.title == "Staff Conduct"
    assert [w.code for w in p.warnings] == ["no_number"]


def test_number_can_come_from_the_file_name_with_a_warning() -> None:
    p = parse_policy(b"Staff Conduct\n\nEmployees shall behave.\n", filename="policy_5_120.txt")
    assert p.number is not None and p.number.normalized == "5:120"
    assert [w.code for w in p.warnings] == ["number_from_filename"]


def test_unknown_date_format_is_kept_as_text_with_a_warning() -> None:
    p = parse_policy(
        b"Policy 5:10\nEqual Opportunity\n\nThe District is fair.\n\nAdopted: at the spring meeting\n"
    )
    assert [(h.event, h.date, h.text) for h in p.history] == [
        ("adopted", None, "at the spring meeting")
    ]
    assert [w.code for w in p.warnings] == ["unknown_date"]
    assert "Adopted: at the spring meeting" in p.canonical_text


@pytest.mark.parametrize(
    "written",
    [
        "September 29, 2014",
        "9/29/2014",
        "2014-09-29",
        "Sept. 29, 2014",
        "29 September 2014",
        "09/29/14",
        "Sep 29 2014",
        "29/09/2014",
    ],
)
def test_history_dates_in_common_formats(written: str) -> None:
    p = parse_policy(f"Policy 5:10\nTitle\n\nBody text here.\n\nAdopted: {written}\n".encode())
    assert [h.date.isoformat() if h.date else None for h in p.history] == ["2014-09-29"]


def test_every_sentence_survives_in_html_and_pdf() -> None:
    for data in (text_to_pdf(SEED_TEXT), SEED_TEXT.encode()):
        assert missing_sentences(SEED_TEXT, parse_policy(data)) == []
