"""Work through long sequences in chunks: the project's one chunking helper.

Also the guard for value lists that become SQL parameters: PostgreSQL with server-side binding
(chalkline.settings) takes at most 65,535 parameters per statement and SQLite at most its
variable limit, so a ``filter(pk__in=...)`` over a list that can grow with the district (every
new hire, every reminder of a campaign) goes through ``in_list_chunks``. Django already slices
bulk_create and bulk_update by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

IN_LIST_MAX = 10_000


def iter_chunks[T](items: Iterable[T], size: int) -> Iterator[list[T]]:
    """``items`` (any iterable, consumed lazily) in consecutive lists of at most ``size``."""
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def in_list_chunks[T](values: Iterable[T]) -> Iterator[list[T]]:
    """``values`` in chunks small enough for one ``__in`` filter (IN_LIST_MAX, read per call)."""
    return iter_chunks(values, IN_LIST_MAX)
