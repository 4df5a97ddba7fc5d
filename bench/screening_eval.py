"""Precision and recall per detector on the labelled corpus.

    .venv/bin/python bench/screening_eval.py [--lang es] [--show-errors]

``--lang es`` scores the Spanish set (tests/data/screening_corpus_es.jsonl).

Matching is by span overlap within the same detector: a predicted finding is a true positive when
it overlaps at least one gold span of that detector in the same message; a gold span is recalled
when at least one prediction of that detector overlaps it. Precision = TP predictions / all
predictions, recall = recalled gold spans / all gold spans. Image detectors are not in this
text corpus (see chalkline/screening/tests/test_images.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalkline.screening import load_oneroster, screen  # noqa: E402
from chalkline.screening.cli import parse_message  # noqa: E402

DETECTORS = [
    "student_name",
    "student_identifier",
    "student_record",
    "credential_request",
    "personal_channel",
    "secrecy",
    "abuse_disclosure",
    "harassment",
]


def overlaps(a: dict[str, int], b: dict[str, int]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def evaluate(corpus: Path, show: bool = False) -> dict[str, dict[str, float]]:
    rows = [
        json.loads(line) for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    rosters = {name: load_oneroster(corpus.parent / name) for name in {r["roster"] for r in rows}}
    stats = {d: {"pred": 0, "tp": 0, "gold": 0, "found": 0} for d in DETECTORS}
    for row in rows:
        findings = [f.to_dict() for f in screen(parse_message(row), index=rosters[row["roster"]])]
        for d in DETECTORS:
            pred = [f for f in findings if f["detector"] == d]
            gold = [g for g in row["labels"] if g["detector"] == d]
            s = stats[d]
            s["pred"] += len(pred)
            s["gold"] += len(gold)
            for p in pred:
                if any(overlaps(p, g) for g in gold):
                    s["tp"] += 1
                elif show:
                    print(
                        f"FP {d:18} {row['id']}: {row['text'][p['start'] : p['end']]!r} | {row['text'][:90]!r}"
                    )
            for g in gold:
                if any(overlaps(p, g) for p in pred):
                    s["found"] += 1
                elif show:
                    print(
                        f"FN {d:18} {row['id']}: {row['text'][g['start'] : g['end']]!r} | {row['text'][:90]!r}"
                    )
    out = {}
    for d, s in stats.items():
        out[d] = {
            "precision": s["tp"] / s["pred"] if s["pred"] else 1.0,
            "recall": s["found"] / s["gold"] if s["gold"] else 1.0,
            "predicted": s["pred"],
            "gold": s["gold"],
        }
    return out


def main() -> None:
    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "en"
    name = "screening_corpus.jsonl" if lang == "en" else f"screening_corpus_{lang}.jsonl"
    corpus = ROOT / "tests" / "data" / name
    res = evaluate(corpus, show="--show-errors" in sys.argv)
    n = sum(1 for line in corpus.open(encoding="utf-8") if line.strip())
    print(f"corpus: {corpus.relative_to(ROOT)} ({n} messages)")
    print(f"{'detector':20} {'precision':>9} {'recall':>7} {'predicted':>9} {'gold':>5}")
    for d, r in res.items():
        print(
            f"{d:20} {r['precision']:9.3f} {r['recall']:7.3f} {int(r['predicted']):9d} {int(r['gold']):5d}"
        )


if __name__ == "__main__":
    main()
