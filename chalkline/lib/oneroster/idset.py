"""Memory-light sets of sourcedIds for duplicate and cross-file reference checks.

A district's users.csv holds ~2.6 million ids. A Python ``set[str]`` of them costs about
250 MB; these tables store only a 64-bit hash per id in an open-addressing ``array``
(8 bytes a slot, at most 2/3 full, so ~12-24 bytes an id: ~64 MB for 2.6M ids), plus one
byte a slot for ``IdMap``'s tag. The hash is Python's SipHash of the string, so two
different ids share a slot with odds of about n**2 / 2**65 (1 in 5 million for 10 million
ids): a collision can make a true dangling reference look resolved or, once in that many
runs, report a false duplicate. That trade is documented in docs/oneroster.md.
"""

from __future__ import annotations

from array import array

_EMPTY = 0


def _key(sourced_id: str) -> int:
    h = hash(sourced_id)
    return h if h != _EMPTY else 1


class IdSet:
    """A set of sourcedIds keyed by their 64-bit hash."""

    __slots__ = ("_keys", "_mask", "_size", "_tags")

    def __init__(self, capacity: int = 1024) -> None:
        slots = 1024
        while slots * 2 < capacity * 3:
            slots *= 2
        self._keys = array("q", bytes(8 * slots))
        self._tags: bytearray | None = None
        self._mask = slots - 1
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def _slot(self, key: int) -> int:
        keys = self._keys
        mask = self._mask
        i = key & mask
        perturb = key & 0x7FFFFFFFFFFFFFFF
        while True:
            k = keys[i]
            if k in (key, _EMPTY):
                return i
            perturb >>= 5
            i = (i * 5 + 1 + perturb) & mask

    def _grow(self) -> None:
        old_keys, old_tags = self._keys, self._tags
        slots = (self._mask + 1) * 2
        self._keys = array("q", bytes(8 * slots))
        self._mask = slots - 1
        if old_tags is not None:
            self._tags = bytearray(slots)
        for j, k in enumerate(old_keys):
            if k != _EMPTY:
                i = self._slot(k)
                self._keys[i] = k
                if old_tags is not None and self._tags is not None:
                    self._tags[i] = old_tags[j]

    def add(self, sourced_id: str) -> bool:
        """Add the id; return False when it was already there."""
        return self._add(_key(sourced_id), 0)

    def _add(self, key: int, tag: int) -> bool:
        i = self._slot(key)
        if self._keys[i] == key:
            return False
        self._keys[i] = key
        if self._tags is not None:
            self._tags[i] = tag
        self._size += 1
        if self._size * 3 > (self._mask + 1) * 2:
            self._grow()
        return True

    def __contains__(self, sourced_id: object) -> bool:
        if not isinstance(sourced_id, str):
            return False
        key = _key(sourced_id)
        return self._keys[self._slot(key)] == key

    @property
    def nbytes(self) -> int:
        extra = len(self._tags) if self._tags is not None else 0
        return self._keys.itemsize * len(self._keys) + extra


class IdMap(IdSet):
    """sourcedId -> small int tag (0-255), e.g. a person kind or an org type."""

    __slots__ = ()

    def __init__(self, capacity: int = 1024) -> None:
        super().__init__(capacity)
        self._tags = bytearray(self._mask + 1)

    def set(self, sourced_id: str, tag: int) -> bool:
        """Set the tag; return False when the id was already there (the tag is replaced)."""
        key = _key(sourced_id)
        i = self._slot(key)
        if self._keys[i] == key:
            assert self._tags is not None  # noqa: S101 - invariant of IdMap
            self._tags[i] = tag
            return False
        return self._add(key, tag)

    def get(self, sourced_id: str, default: int | None = None) -> int | None:
        key = _key(sourced_id)
        i = self._slot(key)
        if self._keys[i] != key:
            return default
        assert self._tags is not None  # noqa: S101 - invariant of IdMap
        return self._tags[i]
