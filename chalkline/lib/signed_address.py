"""Signed e-mail addresses: ``<tag>+<id>.<signature>@<domain>``.

A hub e-mail's Reply-To is ``reply+<recipient id>.<sig>@domain`` and its envelope sender (VERP)
``bounce+<delivery id>.<sig>@domain``, so an answer or a bounce names what it is about, and
nobody can forge one for another recipient: the signature is the first 20 hex digits (80 bits)
of HMAC-SHA256 over ``<tag>:<id>`` with ``MESSAGING_REPLY_SECRET``, or, when that is empty, a key
derived from ``SECRET_KEY`` (Django's ``salted_hmac`` with a salt of its own). Rotating either
key makes every earlier address stop matching (its replies are refused).

Local parts are compared lower-cased: some mail servers change their case.
"""

from __future__ import annotations

import hmac
import re

from django.conf import settings
from django.utils.crypto import salted_hmac

SIGNATURE_CHARS = 20
_SALT = "chalkline.lib.signed_address"
_LOCAL = re.compile(r"^(?P<tag>[a-z]+)\+(?P<id>[0-9]{1,18})\.(?P<sig>[0-9a-f]{20})$")


def _signature(tag: str, ident: int) -> str:
    secret = settings.MESSAGING_REPLY_SECRET or settings.SECRET_KEY
    digest = salted_hmac(_SALT, f"{tag}:{ident}", secret=secret, algorithm="sha256")
    return digest.hexdigest()[:SIGNATURE_CHARS]


def domain() -> str:
    return str(settings.MESSAGING_REPLY_DOMAIN or "")


def signed_address(tag: str, ident: int) -> str:
    """The signed address for ``tag`` and ``ident``; empty when no reply domain is set."""
    if not domain():
        return ""
    return f"{tag}+{ident}.{_signature(tag, ident)}@{domain()}"


def read_address(address: str) -> tuple[str, int, bool] | None:
    """``(tag, id, signature matches)`` for an address of our form at our domain, else None."""
    local, _, host = address.strip().strip("<>").rpartition("@")
    if not domain() or host.lower().strip(".") != domain():
        return None
    found = _LOCAL.match(local.lower())
    if found is None:
        return None
    tag, ident = found["tag"], int(found["id"])
    return tag, ident, hmac.compare_digest(found["sig"], _signature(tag, ident))
