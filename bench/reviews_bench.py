"""Policy reviews (issue 22): the review dashboard, the Board packet and the three-way comparison.

    .venv/bin/python bench/reviews_bench.py [--policies 400] [--runs 200]

1. Dashboard: a district with --policies published policies (half with their own review
   schedule), then --runs GETs of /reviews/ as the superintendent through Django's test client
   (SQLite at var/bench-reviews.sqlite3, recreated). Target p95 <= 150 ms.
2. Packet: a 20-page policy (about 10,000 words in 400 paragraphs, 5% reworded) with 200
   comments (half with a reply, every one resolved): the word-level redline plus the whole PDF
   (``reviews.packet.packet_pdf``), 5 runs. Target <= 5 s.
3. Three-way comparison of two 10,000-word versions (old model, new model with 5% of the
   paragraphs reworded, a district text that departs in 3% of them):
   ``reviews.threeway.compare``, 20 runs. Target <= 300 ms.

Prints the figures and the load (`uptime`). Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = ROOT / "var" / "bench-reviews.sqlite3"
WORDS = [
    "district",
    "employees",
    "shall",
    "use",
    "approved",
    "accounts",
    "with",
    "students",
    "parents",
    "guardians",
    "and",
    "staff",
    "members",
    "at",
    "all",
    "times",
    "regardless",
    "of",
    "platform",
    "technology",
    "communication",
    "electronic",
    "social",
    "media",
    "personal",
    "device",
    "school",
    "related",
    "matters",
    "policy",
    "board",
    "superintendent",
    "designee",
]


def setup() -> None:
    SQLITE_PATH.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
    os.environ.update(
        DATABASE_URL=f"sqlite:///{SQLITE_PATH}",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(48),
        DJANGO_SETTINGS_MODULE="chalkline.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        LOG_LEVEL="WARNING",
        CHALKLINE_VAR_DIR=str(ROOT / "var" / "bench-reviews"),
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()


def paragraph(rng: random.Random, words: int = 25) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def text_of(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs) + "\n"


def reword(rng: random.Random, paragraphs: list[str], share: float) -> list[str]:
    out = list(paragraphs)
    for i in rng.sample(range(len(out)), int(len(out) * share)):
        words = out[i].split()
        words[rng.randrange(len(words))] = rng.choice(WORDS)
        words.insert(rng.randrange(len(words)), rng.choice(WORDS))
        out[i] = " ".join(words)
    return out


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def dashboard(policies: int, runs: int) -> None:
    from django.test import Client
    from django.utils import timezone

    from chalkline.people.models import User
    from chalkline.people.roles import Role
    from chalkline.people.services import create_district, grant_membership
    from chalkline.policies.models import Policy, PolicyVersion, VersionStatus
    from chalkline.reviews.models import ReviewSchedule

    district = create_district(name="Bench SD", slug="bench", email_domains="", by=None)
    user = User.objects.create_user(username="super", password="x" * 12)
    grant_membership(user=user, district=district, role=Role.SUPERINTENDENT, building=None, by=None)
    now = timezone.now()
    rows = Policy.objects.bulk_create(
        Policy(
            district=district,
            number=f"{1 + i // 100}:{i % 100:03d}",
            number_raw=f"{1 + i // 100}:{i % 100}",
            title=f"Policy {i}",
            sort_key=f"{i:06d}",
        )
        for i in range(policies)
    )
    PolicyVersion.objects.bulk_create(
        PolicyVersion(
            policy=p,
            district=district,
            seq=1,
            title=p.title,
            canonical_text="x",
            sha256="0" * 64,
            parsed={},
            status=VersionStatus.PUBLISHED,
            change_summary="Adopted",
            published_at=now,
            adopted_on=datetime(2015 + i % 10, 1 + i % 12, 1, tzinfo=UTC).date(),
        )
        for i, p in enumerate(rows)
    )
    ReviewSchedule.objects.bulk_create(
        ReviewSchedule(
            policy=p,
            district=district,
            cycle_months=12 + i % 36,
            next_review_on=datetime(2026, 1 + i % 12, 1 + i % 28, tzinfo=UTC).date(),
            owner=user,
        )
        for i, p in enumerate(rows)
        if i % 2 == 0
    )
    client = Client()
    client.force_login(user)
    client.get("/reviews/")  # warm up
    times: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get("/reviews/")
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    print(
        f"dashboard, {policies} policies ({policies // 2} scheduled), {runs} GETs: "
        f"p50 {statistics.median(times):.1f} ms, p95 {pct(times, 0.95):.1f} ms, "
        f"max {max(times):.1f} ms (target p95 <= 150 ms)"
    )


def packet(runs: int) -> None:
    from django.utils import timezone

    from chalkline.policies.redline import redline
    from chalkline.reviews.packet import PacketComment, PacketData, packet_pdf

    rng = random.Random(22)
    old = [paragraph(rng) for _ in range(400)]
    new = reword(rng, old, 0.05)
    comments = [
        PacketComment(
            clause_id=f"9:999/section-{i % 20}/{i}",
            author=rng.choice(["union-rep", "netadmin", "hr"]),
            kind="Comment",
            body=paragraph(rng, 40),
            quote=paragraph(rng, 4) if i % 3 == 0 else "",
            proposed_text=paragraph(rng, 20) if i % 4 == 0 else "",
            resolution=rng.choice(["Accepted", "Rejected", "Deferred"]),
            reason=paragraph(rng, 10),
            replies=[("designee", paragraph(rng, 15))] if i % 2 == 0 else [],
        )
        for i in range(200)
    ]
    times: list[float] = []
    pages = 0
    size = 0
    for _ in range(runs):
        start = time.perf_counter()
        data = PacketData(
            district="Bench SD",
            policy="9:999 Bench policy",
            base_label="version 1",
            draft_label="version 2 (proposed)",
            cover_memo=paragraph(rng, 200),
            made_at=timezone.now(),
            head_seq=1,
            head_hash="0" * 64,
            changes=[
                (f"9:999/s/{i}", "changed", a, b)
                for i, (a, b) in enumerate(zip(old, new, strict=True))
                if a != b
            ],
            ops=redline(text_of(old), text_of(new)),
            clean_text=text_of(new),
            comments=comments,
            participants=[
                ("union-rep", "Employee representative"),
                ("netadmin", "Network administrator"),
            ],
            meetings=[("First reading", "October 19, 2026")],
        )
        pdf = packet_pdf(data)
        times.append(time.perf_counter() - start)
        size = len(pdf)
        pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ")
    words = sum(len(p.split()) for p in new)
    print(
        f"packet, {words:,}-word policy, 200 comments ({size / 1024:.0f} KB PDF, about "
        f"{pages or '?'} pages), {runs} runs: median {statistics.median(times):.2f} s, "
        f"max {max(times):.2f} s (target <= 5 s)"
    )


def threeway(runs: int) -> None:
    from chalkline.reviews.threeway import compare

    rng = random.Random(7)
    old = [paragraph(rng) for _ in range(400)]  # 10,000 words
    new = reword(rng, old, 0.05)
    ours = reword(rng, old, 0.03)
    times: list[float] = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = compare(text_of(old), text_of(new), text_of(ours))
        times.append((time.perf_counter() - start) * 1000)
    assert result is not None
    print(
        f"three-way, two {sum(len(p.split()) for p in old):,}-word versions "
        f"({len(result.model_changes)} model changes, {len(result.conflicts)} conflicts), "
        f"{runs} runs: median {statistics.median(times):.1f} ms, p95 {pct(times, 0.95):.1f} ms "
        f"(target <= 300 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--policies", type=int, default=400)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    setup()
    print(uptime())
    dashboard(args.policies, args.runs)
    packet(5)
    threeway(20)
    print(uptime())


if __name__ == "__main__":
    main()
