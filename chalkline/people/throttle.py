"""Sign-in throttling: repeated password failures for one username or from one address are refused.

It guards every place that checks a password: the sign-in form and the password re-entry on the
acknowledgment signing page. A lock lasts LOGIN_LOCKOUT_SECONDS after the last failure. Counters
live in the shared cache (chalkline.lib.ratelimit), hashed.
"""

from __future__ import annotations

from django.conf import settings

from chalkline.lib import ratelimit

USER = "login-fail-user"
ADDRESS = "login-fail-ip"


def _username(username: str) -> str:
    return username.strip().casefold()


def is_locked(username: str, ip: str) -> bool:
    pairs = [(USER, _username(username))]
    if ip:
        pairs.append((ADDRESS, ip))
    user_window, *ip_windows = ratelimit.peek_many(pairs)
    if user_window.count >= settings.LOGIN_MAX_FAILURES:
        return True
    # An address is allowed more failures than one username: a school shares one public address.
    return any(w.count >= settings.LOGIN_MAX_FAILURES * 10 for w in ip_windows)


def note_failure(username: str, ip: str) -> None:
    seconds = settings.LOGIN_LOCKOUT_SECONDS
    ratelimit.hit(USER, _username(username), seconds=seconds, sliding=True)
    if ip:
        ratelimit.hit(ADDRESS, ip, seconds=seconds, sliding=True)


def clear(username: str) -> None:
    ratelimit.clear(USER, _username(username))
