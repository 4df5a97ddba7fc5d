"""A provider's discovery document and signing keys (JWKS), fetched once and kept in the cache.

Without this every sign-in fetched both from the provider before it could verify a token. They
are kept in Django's shared cache (every web process sees them) for ``SIGN_IN_METADATA_SECONDS``.
When a token is signed with a key the cached set lacks (the provider rotated its keys), the
client fetches the keys once more (authlib's ``fetch_jwk_set(force=True)``), and a token whose key
is still unknown is refused.

``fetch_discovery`` is also what the providers page calls to check an issuer before saving it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache

DISCOVERY_PATH = "/.well-known/openid-configuration"
TIMEOUT = 10
REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")


class DiscoveryError(ValueError):
    """The issuer's discovery document could not be read or does not describe that issuer."""


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + DISCOVERY_PATH


def _cache_key(kind: str, issuer: str) -> str:
    digest = hashlib.sha256(issuer.rstrip("/").encode()).hexdigest()[:40]
    return f"oidc:{kind}:{digest}"


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "..."


def fetch_discovery(issuer: str) -> dict[str, Any]:
    """The issuer's discovery document, fetched now; DiscoveryError says what is wrong with it."""
    url = discovery_url(issuer)
    try:
        response = requests.get(url, timeout=TIMEOUT, allow_redirects=False)
    except requests.RequestException:
        raise DiscoveryError(f"Chalkline could not reach {url}.") from None
    if response.status_code != 200:
        raise DiscoveryError(
            f"{url} answered with status {response.status_code}, not a discovery document."
        )
    try:
        document = response.json()
    except ValueError:
        raise DiscoveryError(f"{url} did not answer with a discovery document (JSON).") from None
    if not isinstance(document, dict):
        raise DiscoveryError(f"{url} did not answer with a discovery document (JSON object).")
    named = str(document.get("issuer") or "")
    if named.rstrip("/") != issuer.rstrip("/"):
        raise DiscoveryError(
            f"The discovery document at {url} is for another issuer ({_short(named) or 'none'})."
        )
    missing = [k for k in REQUIRED if not isinstance(document.get(k), str) or not document[k]]
    if missing:
        raise DiscoveryError(f"The discovery document at {url} lacks {', '.join(missing)}.")
    return document


def discovery(issuer: str) -> dict[str, Any]:
    """The discovery document, from the cache when it is there."""
    key = _cache_key("discovery", issuer)
    document = cache.get(key)
    if isinstance(document, dict):
        return document
    document = fetch_discovery(issuer)
    cache.set(key, document, settings.SIGN_IN_METADATA_SECONDS)
    return document


def signing_keys(issuer: str, jwks_uri: str, *, refresh: bool = False) -> dict[str, Any]:
    """The provider's published keys, from the cache unless ``refresh`` (an unknown key id)."""
    key = _cache_key("jwks", issuer)
    if not refresh:
        keys = cache.get(key)
        if isinstance(keys, dict):
            return keys
    response = requests.get(jwks_uri, timeout=TIMEOUT, allow_redirects=False)
    response.raise_for_status()
    keys = response.json()
    if not isinstance(keys, dict) or not isinstance(keys.get("keys"), list):
        raise ValueError("the provider's key set is not a JWKS")
    cache.set(key, keys, settings.SIGN_IN_METADATA_SECONDS)
    return keys


def forget(issuer: str) -> None:
    """Drop what is cached for this issuer (its provider was changed or turned off)."""
    cache.delete_many([_cache_key("discovery", issuer), _cache_key("jwks", issuer)])
