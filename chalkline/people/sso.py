"""Sign-in with the district's OpenID Connect provider: the two views and the client.

authlib does the protocol: the authorization code flow with PKCE (S256), a fresh ``state`` and
``nonce`` kept in the session, the token request, the ID token's signature against the
provider's published keys, and its claims. We pin the issuer to the configured one (not to
whatever the discovery document says) and the audience to our client id. Who the verified claims
mean is decided by ``people.services.sign_in``.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoIntegration, DjangoOAuth2App
from django.contrib.auth import login
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from joserfc.errors import ExpiredTokenError, InvalidClaimError, JoseError

from chalkline.people.models import IdentityProvider, User
from chalkline.people.oidc_metadata import DiscoveryError, discovery, signing_keys
from chalkline.people.services.sign_in import SignInRefused, sign_in_with_provider
from chalkline.people.two_factor import begin_second_step, confirmed_device

log = logging.getLogger(__name__)

BACKEND = "chalkline.people.backends.ChalklineBackend"
# Seconds of clock skew tolerated on exp/iat.
LEEWAY = 60

REASONS: dict[str, str] = {
    "state": "This sign-in expired or was started in another browser window. Please start again.",
    "provider": "The district's sign-in provider did not complete the sign-in. Please try again, "
    "or ask the district's technology office.",
    "audience": "The sign-in provider's answer was meant for another application, so Chalkline "
    "did not accept it.",
    "expired": "The sign-in provider's answer had expired. Please start again.",
    "nonce": "The sign-in provider's answer did not belong to this sign-in. Please start again.",
    "issuer": "The answer did not come from the district's sign-in provider.",
    "token": "Chalkline could not verify the sign-in provider's answer.",
    "tenant": "This account belongs to another organization than the district's.",
    "unverified": "The sign-in provider has not verified this account's email address.",
    "domain": "Only accounts in the district's own email domains can sign in this way.",
    "not_in_directory": "No one with this email address is in the district's directory. "
    "Ask the district's technology office.",
    "inactive": "This account is no longer active in the district's directory.",
    "already_linked": "This directory person is already linked to another account at this "
    "provider. Ask the district's technology office.",
}


def client_secret(provider: IdentityProvider) -> str:
    """The secret from the file or environment variable the configuration names."""
    if provider.client_secret_file:
        return Path(provider.client_secret_file).read_text(encoding="utf-8").strip()
    if provider.client_secret_env:
        return os.environ.get(provider.client_secret_env, "")
    return ""


class _ProviderApp(DjangoOAuth2App):  # type: ignore[misc]  # authlib is untyped
    """authlib's client, with the discovery document and keys from the shared cache
    (``people.oidc_metadata``) instead of fetched on every sign-in."""

    def __init__(self, *args: Any, issuer: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._issuer = issuer

    def load_server_metadata(self) -> dict[str, Any]:
        metadata: dict[str, Any] = self.server_metadata
        if "_loaded_at" not in metadata:
            metadata.update(discovery(self._issuer))
            metadata["_loaded_at"] = time.time()
        return metadata

    def fetch_jwk_set(self, force: bool = False) -> dict[str, Any]:
        # authlib asks with force=True once, when the token's key id is not in the set it has.
        metadata = self.load_server_metadata()
        keys = signing_keys(self._issuer, str(metadata["jwks_uri"]), refresh=force)
        metadata["jwks"] = keys
        return keys


def _client(provider: IdentityProvider) -> DjangoOAuth2App:
    return _ProviderApp(
        DjangoIntegration(f"chalkline-{provider.slug}"),
        name=f"chalkline-{provider.slug}",
        issuer=provider.issuer,
        client_id=provider.client_id,
        client_secret=client_secret(provider),
        client_kwargs={
            "scope": "openid email profile",
            "code_challenge_method": "S256",
            # every request to the provider (discovery, keys, token) gives up after 10 s
            "default_timeout": 10,
        },
    )


def _callback_url(request: HttpRequest, provider: IdentityProvider) -> str:
    return request.build_absolute_uri(reverse("sso_callback", args=[provider.slug]))


def _refused(request: HttpRequest, provider: IdentityProvider, reason: str) -> HttpResponse:
    return render(
        request,
        "people/sign_in_refused.html",
        {"provider": provider, "reason": REASONS[reason], "reason_code": reason},
        status=403,
    )


@require_GET
def sso_start(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_object_or_404(IdentityProvider, slug=slug, active=True)
    extra: dict[str, str] = {}
    if provider.kind == IdentityProvider.Kind.GOOGLE:
        extra["hd"] = provider.hosted_domain
    try:
        response: HttpResponse = _client(provider).authorize_redirect(
            request, _callback_url(request, provider), **extra
        )
    except (requests.RequestException, DiscoveryError, ValueError, KeyError):
        log.warning("sign-in provider %s unreachable at start", provider.slug)
        return _refused(request, provider, "provider")
    return response


def _verified_claims(request: HttpRequest, provider: IdentityProvider) -> dict[str, Any]:
    issuer = provider.issuer.rstrip("/")
    options = {
        "iss": {"essential": True, "values": [issuer, f"{issuer}/"]},
        "aud": {"essential": True, "value": provider.client_id},
        "sub": {"essential": True},
    }
    try:
        token = _client(provider).authorize_access_token(
            request, claims_options=options, leeway=LEEWAY
        )
    except ExpiredTokenError as exc:
        raise SignInRefused("expired") from exc
    except InvalidClaimError as exc:
        claim = getattr(exc, "claim", "")
        raise SignInRefused(claim if claim in ("aud", "nonce", "iss") else "token") from exc
    except JoseError as exc:
        raise SignInRefused("token") from exc
    except OAuthError as exc:
        raise SignInRefused("state" if exc.error == "mismatching_state" else "provider") from exc
    except (requests.RequestException, ValueError, KeyError) as exc:
        raise SignInRefused("provider") from exc
    claims = token.get("userinfo")
    if not claims:
        raise SignInRefused("token")
    return dict(claims)


_CLAIM_REASONS = {"aud": "audience", "nonce": "nonce", "iss": "issuer"}


@require_GET
def sso_callback(request: HttpRequest, slug: str) -> HttpResponse:
    provider = get_object_or_404(
        IdentityProvider.objects.select_related("district"), slug=slug, active=True
    )
    try:
        claims = _verified_claims(request, provider)
        user = sign_in_with_provider(provider=provider, claims=claims)
    except SignInRefused as refused:
        reason = _CLAIM_REASONS.get(refused.reason, refused.reason)
        log.info("sign-in with provider %s refused: %s", provider.slug, reason)
        return _refused(request, provider, reason)
    login(request, user, backend=BACKEND)
    return redirect("home")


class SignInView(LoginView):
    """Django's sign-in page, with a button for each active provider."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["providers"] = IdentityProvider.objects.filter(active=True).order_by("name")
        return context

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """The password is right; an account with an authenticator app also needs its code."""
        user = form.get_user()
        if isinstance(user, User) and confirmed_device(user) is not None:
            return begin_second_step(self.request, user, self.get_redirect_url())
        return super().form_valid(form)
