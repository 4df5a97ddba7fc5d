"""Build tests/data/screening_corpus.jsonl from the human-written markup source.

    .venv/bin/python bench/build_screening_corpus.py [--lang es]

``--lang es`` builds the Spanish set instead: screening_corpus_es_source.txt ->
screening_corpus_es.jsonl (same format, same roster, ids ``es0001``...).

Source lines: ``kind|sender|recipients|class_id[|building_id] :: text`` with inline labels
``[[code:span]]`` (codes in the source header). Output lines::

    {"id": "m0001", "roster": "screening_roster", "text": ..., "sender": {"role", "id"},
     "audience": {"kind", "recipients", "class_id", "building_id"},
     "labels": [{"detector", "start", "end"}]}
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CODES = {
    "n": "student_name",
    "i": "student_identifier",
    "r": "student_record",
    "c": "credential_request",
    "p": "personal_channel",
    "s": "secrecy",
    "a": "abuse_disclosure",
    "h": "harassment",
}
ROLES = {
    "t": "teacher",
    "p": "administrator",
    "c": "administrator",
    "n": "teacher",
    "s": "student",
    "g": "guardian",
}
LABEL = re.compile(r"\[\[([a-z]):(.+?)\]\]")


def parse_line(line: str, n: int, prefix: str = "m") -> dict[str, object]:
    head, body = line.split(" :: ", 1)
    parts = head.split("|")
    kind, sender, recipients, class_id = parts[:4]
    building = parts[4] if len(parts) > 4 else ""
    body = body.replace("\\n", "\n")
    text, labels, pos = [], [], 0
    out_len = 0
    for m in LABEL.finditer(body):
        chunk = body[pos : m.start()]
        text.append(chunk)
        out_len += len(chunk)
        span = m.group(2)
        labels.append({"detector": CODES[m.group(1)], "start": out_len, "end": out_len + len(span)})
        text.append(span)
        out_len += len(span)
        pos = m.end()
    text.append(body[pos:])
    return {
        "id": f"{prefix}{n:04d}",
        "roster": "screening_roster",
        "text": "".join(text),
        "sender": {"role": ROLES[sender.split("-")[0]], "id": sender},
        "audience": {
            "kind": kind,
            "recipients": [r for r in recipients.split(",") if r],
            "class_id": class_id or None,
            "building_id": building or None,
        },
        "labels": labels,
    }


def main() -> None:
    lang = sys.argv[sys.argv.index("--lang") + 1] if "--lang" in sys.argv else "en"
    suffix, prefix = ("", "m") if lang == "en" else (f"_{lang}", lang)
    src = (DATA / f"screening_corpus{suffix}_source.txt").read_text(encoding="utf-8")
    rows: list[dict[str, object]] = []
    for line in src.splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append(parse_line(line, len(rows) + 1, prefix))
    with open(DATA / f"screening_corpus{suffix}.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    n_labels = sum(len(r["labels"]) for r in rows)  # type: ignore[arg-type,misc]
    print(f"wrote {len(rows)} messages, {n_labels} labels")


if __name__ == "__main__":
    main()
