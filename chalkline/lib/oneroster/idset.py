"""Memory-light sets of sourcedIds for duplicate and cross-file reference checks.

A district's users.csv holds ~2.6 million ids. A Python ``set[str]`` of them costs about
250 MB; these tables store only a 64-bit hash per id in an open-addressing ``array``
(8 bytes a slot, at most 2/3 full: 12-48 bytes an id below 2.8M ids, where tables grow 4x,
12-24 above; ~32 MB for 2.6M ids), plus one byte a slot for ``IdMap``'s tag. The hash is Python's SipHash of the string, so two
different ids share a slot with odds of about n**2 / 2**65 (1 in 5 million for 10 million
ids): a collision can make a true dangling reference look resolved or, once in that many
runs, report a false duplicate. That trade is documented in docs/oneroster.md.
"""

from __future__ import annotations

from array import array

_EMPTY = 0
_PERTURB = 0x7FFFFFFFFFFFFFFF
_BIG = 1 << 22  # slots

# The probing below is written out in each method (no helper calls, locals only): these run
# once or twice per row of a 9-million-row package, where a Python call costs as much as
# the probe itself. The probe sequence is CPython's dict/set one (i*5 + 1 + perturb).


def _key(sourced_id: str) -> int:
    return hash(sourced_id) or 1


class IdSet:
    """A set of sourcedIds keyed by their 64-bit hash."""

    __slots__ = ("_keys", "_limit", "_mask", "_size", "_tags")

    def __init__(self, capacity: int = 1024) -> None:
        slots = 1024
        while slots * 2 < capacity * 3:
            slots *= 2
        self._keys = array("q", bytes(8 * slots))
        self._tags: bytearray | None = None
        self._mask = slots - 1
        self._limit = slots * 2 // 3  # grow past this many ids
        self._size = 0

    def __len__(self) -> int:
        return self._size

    def _slot(self, key: int) -> int:
        keys = self._keys
        mask = self._mask
        i = key & mask
        k = keys[i]
        if k in (key, _EMPTY):
            return i
        perturb = key & _PERTURB
        while True:
            perturb >>= 5
            i = (i * 5 + 1 + perturb) & mask
            k = keys[i]
            if k in (key, _EMPTY):
                return i

    def _grow(self) -> None:
        old_keys, old_tags = self._keys, self._tags
        # Re-inserting every id is Python work: grow 4x while the table is small (fewer
        # rehashes), 2x once it holds 32 MB (so a huge file does not over-allocate much).
        slots = (self._mask + 1) * (4 if self._mask < _BIG else 2)
        keys = self._keys = array("q", bytes(8 * slots))
        tags = self._tags = bytearray(slots) if old_tags is not None else None
        mask = self._mask = slots - 1
        self._limit = slots * 2 // 3
        if old_tags is None:
            for key in filter(None, old_keys):  # skip the empty slots in C
                i = key & mask
                if keys[i] != _EMPTY:
                    perturb = key & _PERTURB
                    while True:
                        perturb >>= 5
                        i = (i * 5 + 1 + perturb) & mask
                        if keys[i] == _EMPTY:
                            break
                keys[i] = key
            return
        assert tags is not None  # noqa: S101 - both or neither
        for j, key in enumerate(old_keys):
            if key == _EMPTY:
                continue
            i = key & mask
            if keys[i] != _EMPTY:
                perturb = key & _PERTURB
                while True:
                    perturb >>= 5
                    i = (i * 5 + 1 + perturb) & mask
                    if keys[i] == _EMPTY:
                        break
            keys[i] = key
            tags[i] = old_tags[j]

    def add(self, sourced_id: str) -> bool:
        """Add the id; return False when it was already there."""
        key = hash(sourced_id) or 1
        keys = self._keys
        mask = self._mask
        i = key & mask
        k = keys[i]
        if k != _EMPTY:
            if k == key:
                return False
            perturb = key & _PERTURB
            while True:
                perturb >>= 5
                i = (i * 5 + 1 + perturb) & mask
                k = keys[i]
                if k == key:
                    return False
                if k == _EMPTY:
                    break
        keys[i] = key
        self._size += 1
        if self._size > self._limit:
            self._grow()
        return True

    def __contains__(self, sourced_id: object) -> bool:
        return isinstance(sourced_id, str) and self.has(sourced_id)

    def has(self, sourced_id: str) -> bool:
        """``sourced_id in self``, for a str (one call less in the hot loops)."""
        key = hash(sourced_id) or 1
        keys = self._keys
        mask = self._mask
        i = key & mask
        k = keys[i]
        if k == key:
            return True
        perturb = key & _PERTURB
        while k != _EMPTY:
            perturb >>= 5
            i = (i * 5 + 1 + perturb) & mask
            k = keys[i]
            if k == key:
                return True
        return False

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

    def add(self, sourced_id: str) -> bool:
        """Add the id with tag 0 (an existing tag is kept); False when it was already there."""
        key = _key(sourced_id)
        i = self._slot(key)
        if self._keys[i] == key:
            return False
        self._insert(i, key, 0)
        return True

    def _insert(self, i: int, key: int, tag: int) -> None:
        self._keys[i] = key
        assert self._tags is not None  # noqa: S101 - invariant of IdMap
        self._tags[i] = tag
        self._size += 1
        if self._size > self._limit:
            self._grow()

    def set(self, sourced_id: str, tag: int) -> bool:
        """Set the tag; return False when the id was already there (the tag is replaced)."""
        key = hash(sourced_id) or 1
        keys = self._keys
        mask = self._mask
        i = key & mask
        k = keys[i]
        if k != key and k != _EMPTY:
            perturb = key & _PERTURB
            while True:
                perturb >>= 5
                i = (i * 5 + 1 + perturb) & mask
                k = keys[i]
                if k in (key, _EMPTY):
                    break
        assert self._tags is not None  # noqa: S101 - invariant of IdMap
        self._tags[i] = tag
        if k == key:
            return False
        keys[i] = key
        self._size += 1
        if self._size > self._limit:
            self._grow()
        return True

    def get(self, sourced_id: str, default: int | None = None) -> int | None:
        key = hash(sourced_id) or 1
        keys = self._keys
        mask = self._mask
        i = key & mask
        k = keys[i]
        if k != key:
            perturb = key & _PERTURB
            while k != _EMPTY:
                perturb >>= 5
                i = (i * 5 + 1 + perturb) & mask
                k = keys[i]
                if k == key:
                    break
            else:
                return default
        assert self._tags is not None  # noqa: S101 - invariant of IdMap
        return self._tags[i]
