"""Screening speed with and without a 5,000-entry registry of approved apps, side by side.

    .venv/bin/python bench/registry_screening_bench.py [--students 20000] [--messages 20000]
        [--apps 5000] [--rounds 5]

Builds one roster index (bench/screening_synth.py) and one message set, then screens the same
messages alternately with no registry (the engine as before: ``approved`` left out) and with a
registry of --apps approved apps (names and two domains each, as the registry hands them over),
--rounds times each, interleaved so load on the machine hits both alike. Prints messages/s per
round, the medians and their ratio (target: within 5%). Asserts nothing.

``--today PATH`` also times, in a subprocess with ``PATH`` first on sys.path, the engine of
another checkout (e.g. /work/main, the code before the registry) on the same messages, so
"today" is the old engine itself and not this one without a registry.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if "--root" in sys.argv:
    ROOT = Path(sys.argv[sys.argv.index("--root") + 1])
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=20_000)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--apps", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--root", help="(internal) the checkout whose engine is timed")
    parser.add_argument("--old-engine", action="store_true", help="(internal) time only today's")
    parser.add_argument("--today", help="another checkout whose engine is timed side by side")
    args = parser.parse_args()

    from screening_synth import build_index, messages

    import chalkline.screening as engine

    index, teachers = build_index(args.students)
    _ = index.automaton
    msgs = list(messages(index, teachers, args.messages))
    if args.old_engine:
        t0 = time.perf_counter()
        for m in msgs:
            engine.screen(m, index=index)
        print(f"{len(msgs) / (time.perf_counter() - t0):.1f}")
        return
    from chalkline.screening import NO_REGISTRY, ApprovedChannels, screen

    def today() -> float:
        cmd = [sys.executable, __file__, "--old-engine", "--root", str(args.today)]
        cmd += ["--students", str(args.students), "--messages", str(args.messages)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        return float(out.strip().splitlines()[-1])

    real = ["Seesaw", "Google Classroom", "Canvas", "Remind", "ClassDojo", "ParentSquare"]
    names = real + [f"Learning App {n:05d}" for n in range(args.apps - len(real))]
    domains = [d for n in range(args.apps) for d in (f"app{n}.example.com", f"edu{n}.example.org")]
    t = time.perf_counter()
    registry = ApprovedChannels.of(names=names, domains=domains, request_url="/registry/request/")
    print(f"registry of {args.apps:,} apps built in {(time.perf_counter() - t) * 1000:.1f} ms")
    for m in msgs[:200]:  # warm-up: prefilter, compiled patterns
        screen(m, index=index)
        screen(m, index=index, approved=registry)

    def run(approved: ApprovedChannels) -> tuple[float, int]:
        t0 = time.perf_counter()
        found = 0
        for m in msgs:
            found += len(screen(m, index=index, approved=approved))
        return len(msgs) / (time.perf_counter() - t0), found

    rates: dict[str, list[float]] = {"without": [], "with": [], "today": []}
    findings: dict[str, int] = {}
    for r in range(args.rounds):
        if args.today:
            rates["today"].append(today())
            print(
                f"round {r + 1}   today's engine ({args.today}): {rates['today'][-1]:,.0f} messages/s"
            )
        for label, approved in (("without", NO_REGISTRY), ("with", registry)):
            rate, found = run(approved)
            rates[label].append(rate)
            findings[label] = found
            print(f"round {r + 1} {label:>7} registry: {rate:,.0f} messages/s ({found:,} findings)")
    a, b = statistics.median(rates["without"]), statistics.median(rates["with"])
    print(
        f"median without: {a:,.0f} msg/s; with {args.apps:,} apps: {b:,.0f} msg/s; "
        f"with/without = {b / a:.3f} ({(b / a - 1) * 100:+.1f}%)"
    )
    if args.today:
        c = statistics.median(rates["today"])
        print(
            f"median today's engine: {c:,.0f} msg/s; with {args.apps:,} apps / today = {b / c:.3f}"
        )
    print(subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip())


if __name__ == "__main__":
    main()
