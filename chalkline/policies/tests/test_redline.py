"""Word-level redline: ops and accessible HTML."""

from __future__ import annotations

import time

from chalkline.policies.manualgen import edit_text, long_policy_text
from chalkline.policies.redline import RedlineOp, is_identical, redline, redline_html


def test_identical_texts_have_only_equal_ops() -> None:
    ops = redline("Employees shall comply.\nSecond line.", "Employees shall comply.\nSecond line.")
    assert is_identical(ops)
    assert "".join(o.text for o in ops) == "Employees shall comply.\nSecond line."


def test_pure_insert() -> None:
    ops = redline("Employees shall comply.", "Employees shall fully comply.")
    assert ops == [
        RedlineOp("equal", "Employees shall "),
        RedlineOp("insert", "fully "),
        RedlineOp("equal", "comply."),
    ]


def test_pure_delete() -> None:
    ops = redline("Employees shall fully comply.", "Employees shall comply.")
    assert ops == [
        RedlineOp("equal", "Employees shall "),
        RedlineOp("delete", "fully "),
        RedlineOp("equal", "comply."),
    ]


def test_replace_is_delete_then_insert() -> None:
    ops = redline("Report to the Principal.", "Report to the Superintendent.")
    assert [o.op for o in ops] == ["equal", "delete", "insert", "equal"]
    assert (ops[1].text, ops[2].text) == ("Principal", "Superintendent")


def test_whole_paragraph_insert_and_delete() -> None:
    ops = redline("A.\nB.\nC.", "A.\nC.\nD.")
    assert RedlineOp("delete", "B.\n") in ops
    assert ops[-1] == RedlineOp("insert", "D.")


def test_html_is_escaped_and_not_colour_only() -> None:
    html = redline_html("Use <b>no</b> & nothing", "Use <i>any</i> & nothing")
    assert "<b>" not in html and "<i>" not in html
    assert html.startswith("Use &lt;") and "&amp; nothing" in html and "&lt;/" in html
    assert '<del><span class="visually-hidden">[deleted: </span>' in html
    assert '<ins><span class="visually-hidden">[inserted: </span>' in html


def test_reassembling_ops_gives_both_texts() -> None:
    old = long_policy_text(3000, seed=1)
    new = edit_text(old, rate=0.2, seed=2)
    ops = redline(old, new)
    assert "".join(o.text for o in ops if o.op != "delete").split() == new.split()
    assert "".join(o.text for o in ops if o.op != "insert").split() == old.split()


def test_twenty_pages_is_fast_enough_for_a_page_view() -> None:
    old = long_policy_text(10_000)
    new = edit_text(old)
    start = time.perf_counter()
    redline_html(old, new)
    assert time.perf_counter() - start < 1.0  # budget 0.2 s; see bench/policy_bench.py
