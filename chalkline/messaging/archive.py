"""Reading the archive: the records officer's search by text, sender, recipient and dates.

On PostgreSQL the text is searched with ``websearch_to_tsquery('simple', ...)`` against the GIN
index ``messaging_message_body_fts`` (migration 0004), over exactly the indexed expression
``to_tsvector('simple'::regconfig, body)``. A GIN tsvector index answers word queries ("field
trip", "Garcia -bus") from the index alone and stays a fraction of the table's size; pg_trgm would
also find fragments inside words, but its index is several times larger and slower to update at
tens of millions of rows, and records requests ask for words and names. On SQLite every word must
appear (LIKE), which is fine for the embedded default's size.

Sender and recipient are matched against the directory first (a name, an e-mail address or a
sign-in name, at most ``PEOPLE_LIMIT`` people), then the messages are found by id through the
(sender, sent_at) and recipient indexes. Pages are fetched ``size + 1`` rows at a time: no
``COUNT(*)`` over millions of rows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, F, Func, OuterRef, Q, QuerySet, Value
from django.utils import timezone

from chalkline.messaging.models import Message, Recipient, Retraction
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
        Q(email__iexact=needle)
        | Q(given_name__icontains=needle)
        | Q(family_name__icontains=needle)
        | Q(preferred_name__icontains=needle)
    )
    words = needle.split()
    if len(words) >= 2:
        q |= Q(given_name__iexact=words[0], family_name__iexact=" ".join(words[1:])) | Q(
            preferred_name__iexact=words[0], family_name__iexact=" ".join(words[1:])
        )
    people = list(
        Person.objects.filter(q, district=district).values_list("pk", flat=True)[:PEOPLE_LIMIT]
    )
    users = list(
        User.objects.filter(
            Q(person_id__in=people) | Q(username__iexact=needle) | Q(email__iexact=needle)
        ).values_list("pk", flat=True)[:PEOPLE_LIMIT]
    )
    return users, people


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def archive_messages(district: District, criteria: Criteria) -> QuerySet[Message]:
    """Every message of the district that meets the criteria (retracted ones included)."""
    qs = Message.objects.filter(thread__district=district)
    text = criteria.text.strip()
    if text:
        if connection.vendor == "postgresql":
            qs = qs.filter(_matches(text))
        else:
            for word in text.split():
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


#: a text search the planner expects to match at most this many messages is answered from the
#: full-text index alone
CANDIDATES = 20_000


def _rare_first(found: QuerySet[Message]) -> QuerySet[Message]:
    """Ordered newest first with a LIMIT, PostgreSQL walks the sent_at index backwards and tests
    every message's text until it has a page: fast for a common word, seconds for a rare one
    (measured: 2.5 s for a word in 0.2 % of a million messages). Taking the matches from the
    full-text index first is the other way round: fast for a rare word, slow for a common one
    (the index's whole list for the word is read). The planner's own estimate of the matches
    (its statistics of the indexed expression, one EXPLAIN without running the query) chooses."""
    plan = json.loads(found.order_by().values("pk").explain(format="json"))
    if float(plan[0]["Plan"]["Plan Rows"]) > CANDIDATES:
        return found
    ids = list(found.order_by().values_list("pk", flat=True)[: CANDIDATES * 2])
    return Message.objects.filter(pk__in=ids)


@dataclass
class ResultPage:
    rows: Sequence[Message]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def search_archive(
    district: District, criteria: Criteria, *, page: int = 1, size: int = 50
) -> ResultPage:
    """One page of results, newest first."""
    page = max(1, page)
    start = (page - 1) * size
    found = archive_messages(district, criteria)
    if criteria.text.strip() and connection.vendor == "postgresql":
        found = _rare_first(found)
    rows = list(
        found.select_related("thread", "sender__person")
        .annotate(retracted=Exists(Retraction.objects.filter(message=OuterRef("pk"))))
        .order_by("-sent_at", "-pk")[start : start + size + 1]
    )
    return ResultPage(rows=rows[:size], number=page, has_next=len(rows) > size)
