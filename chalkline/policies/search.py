"""Full-text search over the current published version of each policy: ONE interface, two engines.

- SQLite: an FTS5 table ``policies_fts`` (rowid = version id, created in migration 0002), which
  :func:`index_published` keeps in step when the publish service runs.
- PostgreSQL: ``PolicyVersion.search_document`` (a tsvector the publish service writes, title
  weighted above body) under a partial GIN index on published rows.

Only published versions are ever returned; drafts and superseded versions never match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import escape

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVector,
)
from django.db import connection
from django.db.models import F
from django.db.models.expressions import CombinedExpression
from django.utils.safestring import SafeString, mark_safe

from chalkline.people.models import District
from chalkline.policies.models import PolicyVersion, VersionStatus
from chalkline.policies.parsing import normalize_number

CONFIG = "english"
MAX_QUERY_WORDS = 12
_START, _STOP = "\ue000", "\ue001"  # private-use markers, replaced by <mark> after escaping
_WORD_RE = re.compile(r"\w+")


@dataclass(frozen=True)
class SearchHit:
    version: PolicyVersion
    snippet: SafeString

    @property
    def policy(self) -> object:
        return self.version.policy


def document_expression() -> CombinedExpression | None:
    """What the publish service stores in ``search_document`` (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        return None
    return SearchVector("title", weight="A", config=CONFIG) + SearchVector(
        "canonical_text", weight="B", config=CONFIG
    )


def index_published(version: PolicyVersion, *, replaces: PolicyVersion | None) -> None:
    """Keep the SQLite FTS5 table in step with a publish (PostgreSQL needs nothing here)."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        if replaces is not None:
            cursor.execute("DELETE FROM policies_fts WHERE rowid = %s", [replaces.pk])
        cursor.execute("DELETE FROM policies_fts WHERE rowid = %s", [version.pk])
        cursor.execute(
            "INSERT INTO policies_fts (rowid, title, body, district_id) VALUES (%s, %s, %s, %s)",
            [
                version.pk,
                f"{version.policy.number_raw} {version.title}",
                version.canonical_text,
                version.district_id,
            ],
        )


def _snippet(raw: str) -> SafeString:
    text = escape(" ".join(raw.split()))
    return mark_safe(text.replace(_START, "<mark>").replace(_STOP, "</mark>"))  # noqa: S308 - escaped above


def _sqlite_ids(district: District, words: list[str], limit: int) -> list[tuple[int, str]]:
    match = " ".join(f'"{w}"' for w in words)  # each word quoted: no FTS5 syntax from users
    with connection.cursor() as cursor:
        # Rank first without snippets (SQLite would build a snippet for every match), then build
        # snippets for the page of results only.
        cursor.execute(
            "SELECT policies_fts.rowid FROM policies_fts "
            "JOIN policies_policyversion v ON v.id = policies_fts.rowid "
            "WHERE policies_fts MATCH %s AND policies_fts.district_id = %s AND v.status = %s "
            "ORDER BY bm25(policies_fts, 4.0, 1.0) LIMIT %s",
            [match, district.pk, VersionStatus.PUBLISHED, limit],
        )
        ids = [int(r[0]) for r in cursor.fetchall()]
        if not ids:
            return []
        cursor.execute(
            "SELECT rowid, snippet(policies_fts, 1, %s, %s, '…', 24) FROM policies_fts "
            "WHERE policies_fts MATCH %s AND rowid IN (SELECT value FROM json_each(%s))",
            [_START, _STOP, match, json.dumps(ids)],
        )
        snippets = {int(r[0]): str(r[1]) for r in cursor.fetchall()}
    return [(pk, snippets.get(pk, "")) for pk in ids]


def _postgres_ids(district: District, text: str, limit: int) -> list[tuple[int, str]]:
    query = SearchQuery(text, search_type="websearch", config=CONFIG)
    ids = list(
        PolicyVersion.objects.filter(
            district=district, status=VersionStatus.PUBLISHED, search_document=query
        )
        .annotate(rank=SearchRank(F("search_document"), query))
        .order_by("-rank", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    heads = dict(
        PolicyVersion.objects.filter(pk__in=ids)
        .annotate(
            head=SearchHeadline(
                "canonical_text",
                query,
                config=CONFIG,
                start_sel=_START,
                stop_sel=_STOP,
                max_words=40,
                min_words=15,
                max_fragments=1,
            )
        )
        .values_list("pk", "head")
    )
    return [(pk, heads.get(pk, "")) for pk in ids]


def search_policies(district: District, text: str, *, limit: int = 20) -> list[SearchHit]:
    """The district's current published policies matching ``text``, best first. A query that is
    a policy number (``5:20``, ``5.020``) puts that policy first."""
    text = text.strip()[:200]
    words = _WORD_RE.findall(text)[:MAX_QUERY_WORDS]
    if not words:
        return []
    if connection.vendor == "postgresql":
        found = _postgres_ids(district, " ".join(words), limit)
    else:
        found = _sqlite_ids(district, words, limit)
    number = normalize_number(text)
    if number is not None:
        exact = (
            PolicyVersion.objects.filter(
                district=district, status=VersionStatus.PUBLISHED, policy__number=number.normalized
            )
            .values_list("pk", flat=True)
            .first()
        )
        if exact is not None:
            found = [(exact, "")] + [f for f in found if f[0] != exact]
            found = found[:limit]
    versions = PolicyVersion.objects.select_related("policy").in_bulk([pk for pk, _ in found])
    return [
        SearchHit(versions[pk], _snippet(raw))
        for pk, raw in found
        if pk in versions and versions[pk].status == VersionStatus.PUBLISHED
    ]
