"""The rotating check-in token shown as a QR code in the room.

The token is an HMAC-SHA256 of the session id and the current 30-second window, keyed with the
session's own secret, and shortened to 20 hex characters. A check-in is accepted with the token
of the current window or of the one before (a scan that started just before the code changed),
never older: a photo of the code shared after the session does not work.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

WINDOW_SECONDS = 30
TOKEN_LENGTH = 20


def window_of(moment: datetime) -> int:
    return int(moment.timestamp()) // WINDOW_SECONDS


def token_for(*, session_id: int, secret: str, window: int) -> str:
    message = f"{session_id}:{window}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


def current_token(*, session_id: int, secret: str, now: datetime) -> str:
    return token_for(session_id=session_id, secret=secret, window=window_of(now))


def token_is_valid(*, session_id: int, secret: str, token: str, now: datetime) -> bool:
    """The current window's token or the previous one's."""
    window = window_of(now)
    return any(
        hmac.compare_digest(token_for(session_id=session_id, secret=secret, window=w), token)
        for w in (window, window - 1)
    )


def seconds_left(now: datetime) -> int:
    return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS


def qr_svg(url: str) -> str:
    """The QR code of the check-in URL as inline SVG (segno), with a text alternative given by
    the page."""
    import segno

    return str(segno.make_qr(url, error="m").svg_inline(scale=6, border=4, dark="#000"))
