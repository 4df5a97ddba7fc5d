"""Reading the archive: the records officer's search by text, sender, recipient and dates.

On PostgreSQL the text is searched with ``websearch_to_tsquery('simple', ...)`` against the GIN
index ``messaging_message_body_fts`` (migration 0004), over exactly the indexed expression
``to_tsvector('simple'::regconfig, body)``. A GIN tsvector index answers word queries ("field
trip", "Garcia -bus") from the index alone and stays a fraction of the table's size; pg_trgm would
also find fragments inside words, but its index is several times larger and slower to update at
tens of millions of rows, and records requests ask for words and names. On SQLite every word must
appear (LIKE), which is fine for the embedded default's size.

Sender and recipient are matched against the directory first (a name, an e-mail address or a
sign-in name, at most ``PEOPLE_LIMIT`` people; on PostgreSQL through the trigram indexes on
people's names, people migration 0013, and the index on ``UPPER(username)``, 0014), then the messages are found by id through the
(sender, sent_at) and recipient indexes. Pages are fetched ``size + 1`` rows at a time: no
``COUNT(*)`` over millions of rows."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from chalkline.messaging.models import Message, Recipient, Retraction, Thread
from chalkline.people.models import District, Person, User

PEOPLE_LIMIT = 500
MAX_TEXT = 200


def _matches(text: str) -> Func:
    """``to_tsvector('simple', body) @@ websearch_to_tsquery('simple', text)``: the indexed
    expression, the text passed as a parameter."""
    vector = Func(F("body"), template="to_tsvector('simple'::regconfig, %(expressions)s)")
    query = Func(Value(text), template="websearch_to_tsquery('simple'::regconfig, %(expressions)s)")
    return Func(
        vector, query, template="%(expressions)s", arg_joiner=" @@ ", output_field=BooleanField()
    )


@dataclass(frozen=True)
class Criteria:
    text: str = ""
    sender: str = ""
    recipient: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def as_dict(self) -> dict[str, Any]:
        """For the audit event and the export row: only what was asked, dates as text."""
        out = asdict(self)
        for k in ("date_from", "date_to"):
            out[k] = out[k].isoformat() if out[k] else ""
        return {k: v for k, v in out.items() if v}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Criteria:
        def day(value: Any) -> dt.date | None:
            return dt.date.fromisoformat(value) if value else None

        return cls(
            text=str(data.get("text", "")),
            sender=str(data.get("sender", "")),
            recipient=str(data.get("recipient", "")),
            date_from=day(data.get("date_from")),
            date_to=day(data.get("date_to")),
        )

    @property
    def empty(self) -> bool:
        return not self.as_dict()


def matching_people(district: District, needle: str) -> tuple[list[int], list[int]]:
    """(user ids, person ids) whose name, e-mail or sign-in name contains ``needle``."""
    needle = needle.strip()
    q = (
        Q(given_name__icontains=needle)
        | Q(family_name__icontains=needle)
        | Q(preferred_name__icontains=needle)
    )
    # an e-mail address has an @ and a sign-in name no space: the other tests are left out, so
    # that a name does not also scan every account (archive18: 46 ms of a sender search)
    email = "@" in needle
    if email:
        q |= Q(email__iexact=needle)
    words = needle.split()
    if len(words) >= 2:
        q |= Q(given_name__iexact=words[0], family_name__iexact=" ".join(words[1:])) | Q(
            preferred_name__iexact=words[0], family_name__iexact=" ".join(words[1:])
        )
    people = list(
        Person.objects.filter(q, district=district).values_list("pk", flat=True)[:PEOPLE_LIMIT]
    )
    accounts = Q(person_id__in=people)
    if len(words) == 1:
        accounts |= Q(username__iexact=needle)
    if email:
        accounts |= Q(email__iexact=needle)
    users = list(User.objects.filter(accounts).values_list("pk", flat=True)[:PEOPLE_LIMIT])
    return users, people


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _matching(district: District, criteria: Criteria, *, text: bool = True) -> QuerySet[Message]:
    """The messages that meet the criteria, any district's (``archive_messages`` adds it);
    ``text=False`` leaves the text to the caller."""
    qs = Message.objects.all()
    if text and criteria.text.strip():
        needle = criteria.text.strip()
        if connection.vendor == "postgresql":
            qs = qs.filter(_matches(needle))
        else:
            for word in needle.split():
                qs = qs.filter(body__icontains=word.strip('"'))
    if criteria.sender.strip():
        users, _ = matching_people(district, criteria.sender)
        qs = qs.filter(sender_id__in=users)
    if criteria.recipient.strip():
        users, people = matching_people(district, criteria.recipient)
        got = Recipient.objects.filter(Q(user_id__in=users) | Q(person_id__in=people))
        qs = qs.filter(pk__in=got.values("message_id"))
    if criteria.date_from:
        qs = qs.filter(sent_at__gte=_day_start(criteria.date_from))
    if criteria.date_to:
        qs = qs.filter(sent_at__lt=_day_start(criteria.date_to + dt.timedelta(days=1)))
    return qs


def archive_messages(district: District, criteria: Criteria) -> QuerySet[Message]:
    """Every message of the district that meets the criteria (retracted ones included)."""
    return _matching(district, criteria).filter(thread__district=district)


#: a text search the planner expects to match at most this many messages is answered from the
#: full-text index alone
CANDIDATES = 20_000
#: the district of this many candidates' threads is checked at a time
DISTRICT_CHECK = 500


def _estimate(found: QuerySet[Message]) -> float:
    """The planner's estimate of the matches (its statistics of the indexed expression): one
    EXPLAIN, the query not run."""
    plan = json.loads(found.order_by().values("pk").explain(format="json"))
    return float(plan[0]["Plan"]["Plan Rows"])


def _from_indexes(found: QuerySet[Message], district: District, start: int, stop: int) -> list[int]:
    """The ids of matches ``start:stop`` (newest first) taken from the indexes alone (the
    text's GIN and a date range's B-tree AND-ed; a recipient's deliveries), at most ``2 * CANDIDATES`` of them, sorted
    here. Their threads' district is checked ``DISTRICT_CHECK`` at a time, newest first, until
    the page is full: joining the district's threads in the query hashed all of them (2,000,000
    at ten million messages), and handing PostgreSQL the ids to sort let it walk the sent_at
    index from the newest message looking for them (149,000 rows read for a word in a month)."""
    top = _newest_in_sql(found, district, stop)
    if top is not None:
        return top[start:stop]
    found_rows = found.order_by().values_list("sent_at", "pk", "thread_id")[: CANDIDATES * 2]
    ordered = sorted(found_rows, reverse=True)
    kept: list[int] = []
    for i in range(0, len(ordered), DISTRICT_CHECK):
        chunk = ordered[i : i + DISTRICT_CHECK]
        ours = set(
            Thread.objects.filter(pk__in={t for _, _, t in chunk}, district=district).values_list(
                "pk", flat=True
            )
        )
        kept += [pk for _, pk, t in chunk if t in ours]
        if len(kept) >= stop:
            break
    return kept[start:stop]


def _newest_in_sql(found: QuerySet[Message], district: District, stop: int) -> list[int] | None:
    """The ids of the newest ``stop`` matches of the district, sorted by PostgreSQL over the
    matches the indexes found (materialized first, so that it never walks the sent_at index
    testing each message instead); None when the district's threads are too few among the
    newest matches (another district's messages), and the caller sorts them all. Sorting a rare
    word's 20,000 matches here instead of sending them to Python took its search from p50 213 /
    p95 284 ms to 111 / 128 ms at 10,000,000 messages (docs/benchmarks.md)."""
    limit = max(stop * 4, 200)
    inner, params = (
        found.order_by().values_list("sent_at", "pk", "thread_id").query.sql_with_params()
    )
    sql = (
        f"WITH m AS MATERIALIZED ({inner}), "  # noqa: S608 - Django's SQL, values as parameters
        "top AS (SELECT sent_at, pk, thread_id FROM m ORDER BY sent_at DESC, pk DESC LIMIT %s) "
        "SELECT top.pk, t.id IS NOT NULL FROM top LEFT JOIN messaging_thread t "
        "ON t.id = top.thread_id AND t.district_id = %s ORDER BY top.sent_at DESC, top.pk DESC"
    )
    with connection.cursor() as cur:
        cur.execute(sql, [*params, limit, district.pk])
        rows = cur.fetchall()
    kept = [pk for pk, ours in rows if ours]
    if len(kept) >= stop or len(rows) < limit:
        return kept
    return None


def _words_prefilter(text: str) -> list[str]:
    """Words every match's body contains: the text search's lexemes (PostgreSQL parses ``text``
    the way it parses bodies). Only for text with no ``or`` and no ``-word``, whose every word
    must appear; otherwise none."""
    tokens = text.lower().replace('"', " ").split()
    if not tokens or any(t == "or" or t.startswith("-") for t in tokens):
        return []
    with connection.cursor() as cur:
        cur.execute("SELECT tsvector_to_array(to_tsvector('simple'::regconfig, %s))", [text])
        row = cur.fetchone()
    return [str(w) for w in row[0]] if row and row[0] else []


def _matches_walking(text: str) -> Func | RawSQL:
    """The text test of a search that walks the sent_at index newest first: a body is parsed
    (``to_tsvector``, 73 µs a message on the busy 2-core box) only when it contains every word
    of the search (a case-blind regular expression, 5 µs); archive18: a phrase walked 15,000 messages for
    its first page. Written as one CASE so that the planner's estimate of the matches is the
    text search's alone and it keeps walking the index (with the word tests as separate conditions
    it expected almost no matches and read the text index's whole list for the word)."""
    words = _words_prefilter(text)
    if not words:
        return _matches(text)
    test = " AND ".join(['"messaging_message"."body" ~* %s'] * len(words))
    sql = (
        f'CASE WHEN {test} THEN to_tsvector(\'simple\'::regconfig, "messaging_message"."body") '
        "@@ websearch_to_tsquery('simple'::regconfig, %s) ELSE false END"
    )
    params = [*(re.escape(w) for w in words), text]
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 (fixed SQL, parameters)


@dataclass
class ResultPage:
    rows: Sequence[Message]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def last_pk(self) -> int | None:
        """The key the next page starts after (``search_archive(after=...)``)."""
        return self.rows[-1].pk if self.rows else None


def search_archive(
    district: District,
    criteria: Criteria,
    *,
    page: int = 1,
    size: int = 50,
    after: int | None = None,
) -> ResultPage:
    """One page of results, newest first. With ``after`` (the last message of the page before,
    the "Next page" link's key) the page starts right after that message instead of skipping
    ``(page - 1) * size`` matches: a deep page then costs what the first does (keyset
    pagination; archive18: page 5 of a phrase search tested 250 matches' worth of messages with
    an OFFSET). ``page`` is then only the number shown."""
    page = max(1, page)
    start = (page - 1) * size
    text = criteria.text.strip()
    found = _matching(district, criteria)
    # the matches' ids from the indexes when the planner expects few of them (a rare word, one
    # family's messages); walking the sent_at index newest first for a common word
    path = "plain"
    if connection.vendor == "postgresql" and (text or criteria.recipient.strip()):
        path = "ids" if _estimate(found) <= CANDIDATES else ("walk" if text else "plain")
    if path == "walk":
        found = _matching(district, criteria, text=False).filter(_matches_walking(text))
    if after is not None:
        last = (
            Message.objects.filter(pk=after, thread__district=district)
            .values_list("sent_at", flat=True)
            .first()
        )
        if last is not None:
            # sent_at <= last AND NOT (sent_at = last AND id >= after): the range on the
            # sent_at index, ties broken by id as the order below
            found = found.filter(sent_at__lte=last).exclude(sent_at=last, pk__gte=after)
            start = 0
    if path == "ids":
        ids = _from_indexes(found, district, start, start + size + 1)
        found, start = Message.objects.filter(pk__in=ids), 0
    else:
        found = found.filter(thread__district=district)
    rows = list(
        found.select_related("thread", "sender__person")
        .annotate(retracted=Exists(Retraction.objects.filter(message=OuterRef("pk"))))
        .order_by("-sent_at", "-pk")[start : start + size + 1]
    )
    return ResultPage(rows=rows[:size], number=page, has_next=len(rows) > size)
