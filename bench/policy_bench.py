"""Policy library benchmark: parse a 400-policy manual and redline two 20-page versions.

Run: .venv/bin/python bench/policy_bench.py [--count 400] [--pdf 20] [--runs 15]
Targets: parse-only ≤ 30 s for 400 policies (DB time comes on top), redline ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chalkline.policies.clauses import clauses_for
from chalkline.policies.manualgen import edit_text, generate_manual, long_policy_text
from chalkline.policies.parsing import parse_policy
from chalkline.policies.redline import redline_html


def _pdfs(count: int) -> list[bytes]:
    try:
        from chalkline.policies.tests.pdfutil import text_to_pdf
    except Exception:  # fpdf2 is a test-only dependency
        return []
    out = []
    for g in generate_manual(count, seed=99):
        if g.content_type == "text/plain":
            out.append(
                text_to_pdf(g.data.decode(), header="Springfield SD 186", footer="Board Policy")
            )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=400)
    ap.add_argument(
        "--pdf", type=int, default=20, help="extra text-layer PDFs to time (needs fpdf2)"
    )
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()

    manual = generate_manual(args.count)
    words = sum(len(g.data.split()) for g in manual)
    formats: dict[str, list[float]] = {}
    start = time.perf_counter()
    ok = 0
    for g in manual:
        t0 = time.perf_counter()
        p = parse_policy(g.data, filename=g.filename, content_type=g.content_type)
        clauses_for(p)
        formats.setdefault(g.content_type, []).append(time.perf_counter() - t0)
        ok += p.number is not None and p.number.normalized == g.expected.number
    total = time.perf_counter() - start
    print(
        f"parse {len(manual)} policies ({words:,} words): {total:.2f} s total, "
        f"{1000 * total / len(manual):.1f} ms/policy  [target ≤ 30 s]  numbers correct: {ok}/{len(manual)}"
    )
    for ctype, times in sorted(formats.items()):
        print(
            f"  {ctype:<11} n={len(times):<4} median {1000 * statistics.median(times):.1f} ms, "
            f"max {1000 * max(times):.1f} ms"
        )
    pdfs = _pdfs(args.pdf) if args.pdf else []
    if pdfs:
        t0 = time.perf_counter()
        for data in pdfs:
            parse_policy(data)
        dt = time.perf_counter() - t0
        print(
            f"  application/pdf n={len(pdfs):<4} {1000 * dt / len(pdfs):.1f} ms/policy "
            f"(400 PDFs would take ~{400 * dt / len(pdfs):.1f} s)"
        )

    old = long_policy_text(10_000)
    new = edit_text(old)
    runs = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        redline_html(old, new)
        runs.append(time.perf_counter() - t0)
    print(
        f"redline 2 × {len(old.split()):,}/{len(new.split()):,} words (~20 pages, 5% edited), "
        f"{args.runs} runs: median {1000 * statistics.median(runs):.1f} ms, max {1000 * max(runs):.1f} ms "
        "[target ≤ 200 ms]"
    )
    heavy = edit_text(old, rate=0.5, seed=3)
    runs = []
    for _ in range(max(3, args.runs // 3)):
        t0 = time.perf_counter()
        redline_html(old, heavy)
        runs.append(time.perf_counter() - t0)
    print(
        f"redline, 50% of paragraphs edited: median {1000 * statistics.median(runs):.1f} ms, "
        f"max {1000 * max(runs):.1f} ms"
    )


if __name__ == "__main__":
    main()
