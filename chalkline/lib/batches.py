"""Split long value lists before they become SQL parameters.

PostgreSQL with server-side binding (chalkline.settings) takes at most 65,535 parameters per
statement and SQLite at most its variable limit, so a ``filter(pk__in=...)`` over a list that can
grow with the district (every new hire, every reminder of a campaign) is run in slices instead.
Django already slices bulk_create and bulk_update by itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

IN_LIST_MAX = 10_000


def slices[T](values: Sequence[T], size: int | None = None) -> Iterator[Sequence[T]]:
    """``values`` in consecutive slices of at most ``size`` (default IN_LIST_MAX) items."""
    step = size or IN_LIST_MAX
    for start in range(0, len(values), step):
        yield values[start : start + step]
