"""The Hyperscan prefilter never hides a match, and screening gives the same findings without it.

The prefilter only decides which ``re`` patterns are worth running, so a false negative would be
a missed finding. These tests compare it with ``re`` itself on the labelled corpus, on the
corpus with typographic punctuation and non-breaking spaces, and on random text, and pin down
the cases where it must decline to answer (and the anchor scan of triggers.py takes over).
"""

from __future__ import annotations

import json
import random
import re
import threading
from pathlib import Path

import pytest

from chalkline.screening import RosterIndex, prefilter, screen
from chalkline.screening.cli import parse_message
from chalkline.screening.detectors import conduct, identifiers, student_records
from chalkline.screening.text import Folded
from chalkline.screening.triggers import ANCHORS, triggered

CORPUS = Path(__file__).resolve().parents[3] / "tests" / "data" / "screening_corpus.jsonl"

pytestmark = pytest.mark.skipif(not prefilter.available(), reason="hyperscan is not installed")

#: Each gated pattern and the anchor family that gates it when the prefilter cannot answer.
FAMILIES: list[tuple[re.Pattern[str], str | None]] = [
    *((p, "credential_request") for p in conduct.CREDENTIAL),
    *((p, "personal_channel") for p in conduct.CHANNEL),
    *((p, None) for p in conduct.SECRECY),
    *((p, None) for p in conduct.ABUSE),
    *((p, "harassment") for p in conduct.HARASSMENT),
    (conduct._PHONE, None),
    (conduct._APP_MENTION, None),
    (student_records._RECORD, "student_record"),
    (identifiers._LABELLED_ID, "labelled_id"),
    (identifiers._DOB, "dob"),
    (identifiers._IDLIKE4, None),
]


def _corpus() -> list[dict[str, object]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def _typographic(text: str) -> str:
    """The same words as a phone or a word processor would type them."""
    return (
        text.replace("'", "\u2019")
        .replace(" ", "\u00a0", 3)
        .replace('"', "\u201c", 1)
        .replace("-", "\u2013", 1)
    )


def _random_texts(n: int) -> list[str]:
    rng = random.Random(5125)
    words = [
        "what's", "your", "password", "Instagram", "text", "me", "at", "don't", "tell",
        "parents", "my", "dad", "hits", "me", "IEP", "suspended", "absent", "student", "ID",
        "12345678", "DOB", "01/02/2015", "312-555-0199", "you're", "so", "stupid", "kys",
        "José", "Zoë", "naïve", "café", "O'Brien", "s1234567", "a_b@x.org", "\u00a0", "\n",
        "\t", "—", "“quoted”", "ß", "İstanbul", "ǅ", "ﬁle", "\u2028", "١٢٣٤",
    ]  # fmt: skip
    out = []
    for _ in range(n):
        picked = rng.choices(words, k=rng.randint(1, 30))
        seps = rng.choices([" ", "  ", ", ", ". ", "\n", " - ", "'", ""], k=len(picked))
        out.append("".join(w + s for w, s in zip(picked, seps, strict=True)))
    return out


def _texts() -> list[str]:
    corpus = [str(m["text"]) for m in _corpus()]
    return corpus + [_typographic(t) for t in corpus] + _random_texts(3000)


def test_every_gated_pattern_is_registered() -> None:
    for pattern, _family in FAMILIES:
        assert prefilter.position(pattern) is not None, pattern.pattern[:40]
    assert prefilter.position(re.compile("not registered")) is None


def test_no_pattern_that_matches_is_reported_absent() -> None:
    texts = _texts()
    answered = missed = reported = matched = 0
    for text in texts:
        found = prefilter.may_match(text)
        assert found is not None
        answered += 1
        for pattern, _family in FAMILIES:
            hit = pattern.search(text) is not None
            pos = prefilter.position(pattern)
            matched += hit
            reported += pos in found
            if hit and pos not in found:
                missed += 1
    assert answered == len(texts)  # every text, ASCII or not
    assert matched > 300  # the texts exercise the patterns
    assert missed == 0
    # and it is a filter: far fewer reports than (patterns x texts)
    assert reported < answered * len(FAMILIES) / 10


def test_the_anchor_fallback_also_never_hides_a_match() -> None:
    """When the prefilter declines, triggers.py's anchors gate the patterns: they must be a
    superset too (of the families they gate)."""
    for text in _texts():
        families = triggered(Folded(text).text)
        for pattern, family in FAMILIES:
            if family is not None and pattern.search(text):
                assert family in families, (family, text)
    assert set(ANCHORS) >= {f for _p, f in FAMILIES if f}


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("\u212aYS", conduct.HARASSMENT[1]),  # Kelvin sign: re.IGNORECASE equates it with k
        ("\u017fnap me tonight", conduct.CHANNEL[0]),  # long s
        ("text\u00a0me later", conduct.CHANNEL[0]),  # no-break space is \s to re
        ("text\x1cme later", conduct.CHANNEL[0]),  # so is this ASCII separator control
        ("text me \ud800", conduct.CHANNEL[0]),  # a lone surrogate is not UTF-8
        ("student ID \u0661\u0662\u0663\u0664\u0665", identifiers._LABELLED_ID),  # \d to re
        ("Jos\u00e9 got suspended", student_records._RECORD),
    ],
)
def test_characters_re_treats_specially_are_not_missed(text: str, pattern: re.Pattern[str]) -> None:
    assert pattern.search(text)
    found = prefilter.may_match(text)
    assert found is not None
    assert prefilter.position(pattern) in found


def test_the_ascii_image_keeps_length_and_character_classes() -> None:
    text = "Zo\u00eb\u00a0\u2014 \u0661 \u00b2 _x\x1c\n\u0301\ud800\u2028\u00aa"
    image = prefilter.ascii_image(text)
    assert image.isascii() and len(image) == len(text)
    for a, b in zip(text, image, strict=True):
        for cls in (r"\w", r"\d", r"\s"):
            # what re sees in the text is what Hyperscan (ASCII classes) sees in the image
            assert bool(re.fullmatch(cls, a)) == bool(re.fullmatch(cls, b, re.ASCII)), (a, cls)
    assert prefilter.ascii_image("\u212a\u017f\u0130\u0131") == "ksii"
    assert prefilter.ascii_image("plain ASCII text") == "plain ASCII text"


def test_findings_are_the_same_with_and_without_the_prefilter(
    index: RosterIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    messages = []
    for m in _corpus():
        if m.get("roster", "screening_roster") != "screening_roster":
            continue
        messages.append(parse_message(m))
        messages.append(parse_message({**m, "sender": {"role": "parent", "id": "p-x"}}))
    with_prefilter = [[f.to_dict() for f in screen(msg, index=index)] for msg in messages]
    assert sum(map(len, with_prefilter)) > 300
    monkeypatch.setattr(prefilter, "may_match", lambda text: None)
    without = [[f.to_dict() for f in screen(msg, index=index)] for msg in messages]
    assert with_prefilter == without


def test_threads_scan_with_their_own_scratch_space() -> None:
    texts = [str(m["text"]) for m in _corpus()]
    expected = [prefilter.may_match(t) for t in texts]
    results: list[list[frozenset[int] | None]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append([prefilter.may_match(t) for t in texts for _ in range(3)][::3])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert results == [expected] * 4


def test_compiled_database_is_cached_and_a_bad_cache_file_is_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("CHALKLINE_CACHE_DIR", str(tmp_path / "cache"))
    patterns = [re.compile(r"\bpass\s?words?\b", re.IGNORECASE), re.compile(r"\d{3}-\d{4}")]
    first = prefilter._Compiled(patterns)
    files = list((tmp_path / "cache").glob("prefilter-*.hsdb"))
    assert len(files) == 1
    assert (tmp_path / "cache").stat().st_mode & 0o077 == 0  # private to the user
    again = prefilter._Compiled(patterns)  # loaded, not compiled
    assert again.scan(b"my PASSWORD is 555-1234") == first.scan(b"my PASSWORD is 555-1234")
    assert sorted(first.scan(b"my PASSWORD is 555-1234")) == [0, 1]
    files[0].write_bytes(b"not a database")
    with caplog.at_level("WARNING"):
        fresh = prefilter._Compiled(patterns)
    assert "did not load" in caplog.text
    assert fresh.scan(b"passwords") == [0]
    assert files[0].read_bytes() != b"not a database"  # replaced by the recompiled one


def test_positions_of_a_detectors_pattern_list() -> None:
    found = prefilter.positions(conduct.CREDENTIAL)
    assert found == tuple(prefilter.position(p) for p in conduct.CREDENTIAL)
    assert prefilter.positions(conduct.CREDENTIAL) is found  # kept per list
    assert prefilter.positions([conduct.CREDENTIAL[0], re.compile("unregistered")]) is None


def test_deploy_check_builds_the_prefilter_and_warns_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from django.core import checks

    from chalkline.screening.checks import prefilter_ready

    assert prefilter_ready() == []
    assert prefilter._state.get("db") is not None
    ids = [m.id for m in checks.run_checks(include_deployment_checks=True, tags=["screening"])]
    assert "chalkline.screening.W001" not in ids
    monkeypatch.setattr(prefilter, "warm_up", lambda: False)
    assert [m.id for m in prefilter_ready()] == ["chalkline.screening.W001"]


def test_translation_tables_stay_bounded_on_text_of_every_code_point() -> None:
    from chalkline.screening.text import _TABLE, TABLE_MAX, Folded

    text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 90_000) if not 0xD800 <= c < 0xE000)
    image = prefilter.ascii_image(text)
    assert len(image) == len(text) and image.isascii()
    Folded(text)
    assert len(prefilter._IMAGE) <= TABLE_MAX
    assert len(_TABLE) <= TABLE_MAX


def test_an_unwritable_cache_still_gives_a_working_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setenv("CHALKLINE_CACHE_DIR", str(blocker / "cache"))
    compiled = prefilter._Compiled([re.compile(r"\bkys\b", re.IGNORECASE)])
    assert compiled.scan(b"just KYS") == [0]
    assert compiled.scan(b"keys") == []


def test_a_database_that_does_not_compile_falls_back_to_the_anchor_scan(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, index: RosterIndex
) -> None:
    def broken(patterns: list[re.Pattern[str]]) -> None:
        raise RuntimeError("simulated compiler failure")

    monkeypatch.setattr(prefilter, "_state", {})  # as in a fresh process
    monkeypatch.setattr(prefilter, "_compile", broken)
    with caplog.at_level("ERROR"):
        assert prefilter.may_match("what's your instagram password") is None
    assert "did not compile" in caplog.text
    assert not prefilter.available()
    # screening still finds what the patterns find, through the anchors
    msg = parse_message(
        {
            "id": "x",
            "text": "Applicants must share their Instagram password.",
            "sender": {"role": "teacher", "id": "t-ortiz"},
            "audience": {"kind": "public", "recipients": []},
        }
    )
    assert [f.detector for f in screen(msg, index=index)] == ["credential_request"]
