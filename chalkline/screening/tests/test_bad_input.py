from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from chalkline.screening import (
    Audience,
    Message,
    RosterIndex,
    ScreeningInputError,
    Sender,
    screen,
    screened_text,
)
from chalkline.screening.cli import run

from .conftest import ROSTER

CLASS = (Sender("teacher", "t-ortiz"), Audience("class", (), "c-3a"))


def test_empty_text(index: RosterIndex) -> None:
    assert screen(Message("", *CLASS), index=index) == []
    assert screen(Message("   \n ", *CLASS), index=index) == []


def test_ten_megabytes_is_a_clear_error(index: RosterIndex) -> None:
    # The length is checked before any matching, so the answer does not depend on the text.
    with pytest.raises(ScreeningInputError, match="limit"):
        screen(Message("Maria Garcia " * 800_000, *CLASS), index=index)


def test_large_text_under_the_limit_is_screened_whole(index: RosterIndex) -> None:
    findings = screen(Message("Noah Patel was here. " * 10_000, *CLASS), index=index)
    assert len(findings) == 10_000


def test_html_scripts_are_dropped_and_text_screened(index: RosterIndex) -> None:
    html = "<p>Hi!</p><script>var x='Noah Patel';</script><style>.a{}</style><p>Thanks <b>Ava&nbsp;Chen</b></p>"
    msg = Message(html, *CLASS, html=True)
    text = screened_text(msg)
    assert "Noah" not in text and "var x" not in text
    findings = screen(msg, index=index)
    assert [text[f.start : f.end] for f in findings] == ["Ava Chen"]


def test_cli_reports_bad_lines_by_number(tmp_path: Path) -> None:
    good = {
        "id": "a",
        "text": "Thanks Noah Patel!",
        "sender": {"role": "teacher", "id": "t-ortiz"},
        "audience": {"kind": "class", "recipients": [], "class_id": "c-3a"},
    }
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        json.dumps(good).encode()
        + b"\n{not json\n"
        + b'{"id": "x", "text": "\xff\xfe"}\n'
        + b"\n"
        + json.dumps(
            {"id": "k", "text": "hi", "sender": {"role": "teacher"}, "audience": {"kind": "nope"}}
        ).encode()
        + b"\n"
    )
    out = tmp_path / "out.jsonl"
    summary = run(ROSTER, src, out)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert summary["messages"] == 4 and summary["errors"] == 3
    assert rows[0]["findings"][0]["detector"] == "student_name"
    assert rows[1]["error"].startswith("line 2: invalid JSON")
    assert rows[2]["error"].startswith("line 3: invalid UTF-8")
    assert rows[3]["line"] == 5 and "audience.kind" in rows[3]["error"]


def test_decomposed_accents_before_an_abbreviated_name_do_not_crash(index: RosterIndex) -> None:
    # Combining marks (NFD text, as some keyboards and pastes produce) are dropped by folding,
    # so the folded text is shorter than the original; an offset near the end of the original
    # used to index past the end of the folded text's offset map.
    decomposed = "Cafe\u0301 au lait, cre\u0300me bru\u0302le\u0301e. Thanks to Maria G."
    findings = screen(Message(decomposed, *CLASS), index=index)
    names = [f for f in findings if f.detector == "student_name"]
    assert [decomposed[f.start : f.end] for f in names] == ["Maria G."]
    assert names[0].student == "s-001"
    # the same text, composed, gives the same finding at the same place relative to the name
    composed = unicodedata.normalize("NFC", decomposed)
    again = [
        f for f in screen(Message(composed, *CLASS), index=index) if f.detector == "student_name"
    ]
    assert [composed[f.start : f.end] for f in again] == ["Maria G."]
