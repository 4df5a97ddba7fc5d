"""Counters in the shared cache for sign-in throttling and rate limits.

The cache is the one in settings (the database cache by default), so every web process and every
node sees the same counts. Keys are hashes: the cache never holds a username, an address or a
token in clear.

Each counter stores ``[count, resets_at]`` and is written with an explicit timeout. Django's
``cache.incr`` is not used: on the database cache it rewrites the row with the default timeout
(300 s), which is how a 15-minute sign-in lockout became a 5-minute one.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _key(scope: str, value: str) -> str:
    return f"rl:{scope}:" + hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:40]


@dataclass(frozen=True)
class Window:
    count: int
    resets_at: float

    def retry_after(self) -> int:
        """Whole seconds until the counter resets (at least 1)."""
        return max(1, math.ceil(self.resets_at - time.time()))


def _read(key: str, raw: object) -> Window:
    if isinstance(raw, list | tuple) and len(raw) == 2 and raw[1] > time.time():
        return Window(int(raw[0]), float(raw[1]))
    return Window(0, 0.0)


def peek(scope: str, value: str) -> Window:
    key = _key(scope, value)
    return _read(key, cache.get(key))


def peek_many(pairs: list[tuple[str, str]]) -> list[Window]:
    keys = [_key(scope, value) for scope, value in pairs]
    found = cache.get_many(keys)
    return [_read(k, found.get(k)) for k in keys]


def hit(scope: str, value: str, *, seconds: int, sliding: bool = False) -> Window:
    """Count one event. A fixed window starts at the first event; a sliding one (``sliding``)
    restarts at every event, so it ends ``seconds`` after the last one."""
    key = _key(scope, value)
    now = time.time()
    current = _read(key, cache.get(key))
    resets_at = now + seconds if sliding or current.count == 0 else current.resets_at
    window = Window(current.count + 1, resets_at)
    cache.set(key, [window.count, window.resets_at], timeout=max(1, math.ceil(resets_at - now)))
    return window


def consume(scope: str, value: str, *, limit: int, seconds: int) -> int | None:
    """Count one request against ``limit`` per ``seconds``. Returns None if it may go ahead, or
    the Retry-After seconds if the limit is used up (the refused request is not counted)."""
    if limit <= 0:
        return None
    current = peek(scope, value)
    if current.count >= limit:
        return current.retry_after()
    hit(scope, value, seconds=seconds)
    return None


def clear(scope: str, value: str) -> None:
    cache.delete(_key(scope, value))


def too_many_requests(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The HTML answer to a request over a limit: 429 with Retry-After."""
    response = render(request, "429.html", {"retry_after": retry_after}, status=429)
    response["Retry-After"] = str(retry_after)
    return response
