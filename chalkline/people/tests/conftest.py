"""A real OpenID Connect provider (npm ``oidc-provider``, run by e2e/oidc/provider.mjs) on
127.0.0.1, for the sign-in tests. One process per test worker, on a free port."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "e2e" / "oidc" / "provider.mjs"
CLIENT_ID = "chalkline-test"
CLIENT_SECRET = "test-only-client-secret"
SECRET_ENV = "CHALKLINE_TEST_OIDC_SECRET"
SLUGS = ["prairie-idp", "prairie-entra", "prairie-google"]


@dataclass
class OidcProvider:
    issuer: str

    def sign_in(
        self,
        client: Client,
        slug: str,
        *,
        sub: str,
        claims: dict[str, Any],
        tamper: dict[str, Any] | None = None,
    ) -> Any:
        """A whole browser round trip: start at Chalkline, sign in at the provider as ``sub``
        with these claims, come back to Chalkline's callback. Returns the callback's response."""
        return client.get(self.authorize(client, slug, sub=sub, claims=claims, tamper=tamper))

    def authorize(
        self,
        client: Client,
        slug: str,
        *,
        sub: str,
        claims: dict[str, Any],
        tamper: dict[str, Any] | None = None,
    ) -> str:
        """The round trip up to the provider's answer: the callback URL (path and query) the
        browser is sent back to, not yet opened."""
        requests.post(
            f"{self.issuer}/__test__/next-login",
            json={"sub": sub, "claims": claims, "tamper": tamper},
            timeout=10,
        ).raise_for_status()
        start = client.get(reverse("sso_start", args=[slug]))
        assert start.status_code == 302, start.content
        url = start["Location"]
        browser = requests.Session()
        for _ in range(10):
            hop = browser.get(url, allow_redirects=False, timeout=10)
            assert hop.status_code in (302, 303), hop.text
            url = urljoin(url, hop.headers["Location"])
            if url.startswith("http://testserver/"):
                break
        parts = urlsplit(url)
        return f"{parts.path}?{parts.query}"

    def requests_seen(self) -> dict[str, int]:
        """How many times the discovery document and the key set were fetched so far."""
        answer = requests.get(f"{self.issuer}/__test__/requests", timeout=10)
        answer.raise_for_status()
        return dict(answer.json())

    def rotate_key(self) -> None:
        """Publish a new signing key (new kid) and sign every ID token from now on with it."""
        requests.post(f"{self.issuer}/__test__/rotate-key", timeout=10).raise_for_status()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_provider(redirect_uris: list[str]) -> Iterator[OidcProvider]:
    """Start e2e/oidc/provider.mjs on a free port with our test client registered for these
    callback URLs; stop it on leaving. The browser journeys (e2e/) use it with the live server's
    address."""
    node = shutil.which("node")
    assert node, "Node.js is needed for the sign-in tests (make node-deps)"
    assert (ROOT / "node_modules" / "oidc-provider").is_dir(), "run `npm ci` (make node-deps)"
    port = _free_port()
    clients = [
        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}
    ]
    env = {**os.environ, "PORT": str(port), "OIDC_CLIENTS": json.dumps(clients)}
    proc = subprocess.Popen(  # noqa: S603 - our own script, fixed arguments
        [node, str(SCRIPT)], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert proc.stdout is not None
        line = ""
        for _ in range(20):  # the package may print warnings first
            line = proc.stdout.readline()
            if line.startswith("READY ") or not line:
                break
        assert line.startswith("READY "), f"the OIDC provider did not start: {line!r}"
        yield OidcProvider(issuer=line.split()[1])
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def oidc_provider_process() -> Iterator[OidcProvider]:
    with running_provider(
        [f"http://testserver/accounts/sign-in/{s}/callback/" for s in SLUGS]
    ) as provider:
        yield provider


@pytest.fixture
def oidc_provider(
    db: Any, oidc_provider_process: OidcProvider, monkeypatch: pytest.MonkeyPatch
) -> OidcProvider:
    monkeypatch.setenv(SECRET_ENV, CLIENT_SECRET)
    cache.clear()  # no discovery document or keys cached by an earlier test
    return oidc_provider_process
