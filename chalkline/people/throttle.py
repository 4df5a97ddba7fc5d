"""Sign-in throttling: repeated failures for one username or from one address are refused.

Counters live in the shared cache (the database cache by default, so every web node sees them).
Keys are hashes, so the cache never holds a username in clear.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _keys(username: str, ip: str) -> list[str]:
    def digest(kind: str, value: str) -> str:
        return "login-fail:" + kind + ":" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:40]

    keys = [digest("user", username.strip().casefold())]
    if ip:
        keys.append(digest("ip", ip))
    return keys


def is_locked(username: str, ip: str) -> bool:
    user_key, *ip_keys = _keys(username, ip)
    counts = cache.get_many([user_key, *ip_keys])
    if counts.get(user_key, 0) >= settings.LOGIN_MAX_FAILURES:
        return True
    # An address is allowed more failures than one username: a school shares one public address.
    return any(counts.get(k, 0) >= settings.LOGIN_MAX_FAILURES * 10 for k in ip_keys)


def note_failure(username: str, ip: str) -> None:
    for key in _keys(username, ip):
        if cache.add(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS):
            continue
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=settings.LOGIN_LOCKOUT_SECONDS)


def clear(username: str) -> None:
    cache.delete(_keys(username, "")[0])
