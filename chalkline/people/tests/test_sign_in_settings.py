"""The sign-in settings page: the superintendent adds, changes, turns off and on the district's
providers (the issuer checked against its REAL discovery document, e2e/oidc/provider.mjs), never
sees or stores the client secret, and turns local passwords off with a break-glass account."""

from __future__ import annotations

import html
import json
import socket
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.people.models import IdentityProvider
from chalkline.people.tests.conftest import CLIENT_ID, CLIENT_SECRET, OidcProvider
from conftest import World

ENV = "CHALKLINE_SIGN_IN_PRAIRIE"
SECRET = CLIENT_SECRET  # what the test provider expects; must never appear on a page


@pytest.fixture
def manager(world: World, client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Client:
    settings.SIGN_IN_ALLOW_HTTP_ISSUER = True  # the test provider is plain http on 127.0.0.1
    monkeypatch.setenv(ENV, SECRET)
    client.force_login(world.users["superintendent"])
    return client


def _form(issuer: str, **fields: str) -> dict[str, str]:
    return {
        "name": "Prairie Valley account",
        "slug": "prairie-idp",
        "kind": IdentityProvider.Kind.OIDC,
        "issuer": issuer,
        "client_id": CLIENT_ID,
        "secret_env": ENV,
        "secret_file": "",
        "allowed_domains": "",
        "tenant_id": "",
        "hosted_domain": "",
        **fields,
    }


def _page(response: Any) -> str:
    return html.unescape(response.content.decode())


def _field_errors(response: Any) -> dict[str, list[str]]:
    form = response.context["form"]
    return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_the_superintendent_adds_a_provider_and_staff_sign_in_with_it(
    world: World, manager: Client, oidc_provider: OidcProvider
) -> None:
    response = manager.post(reverse("people:sign_in_provider_new"), _form(oidc_provider.issuer))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:sign_in")
    provider = IdentityProvider.objects.get(slug="prairie-idp")
    assert (provider.district, provider.issuer, provider.client_secret_env) == (
        world.district,
        oidc_provider.issuer,
        ENV,
    )
    event = AuditEvent.objects.get(action=Action.SIGN_IN_PROVIDER_CONFIGURED)
    assert event.actor_id == world.users["superintendent"].pk
    assert event.after_data["issuer"] == oidc_provider.issuer
    listing = _page(manager.get(reverse("people:sign_in")))
    assert "http://testserver/accounts/sign-in/prairie-idp/callback/" in listing
    assert "found" in listing

    manager.logout()
    teacher = world.users["teacher_north"]
    assert teacher.person is not None
    claims = {"email": teacher.person.email, "email_verified": True}
    response = oidc_provider.sign_in(manager, "prairie-idp", sub="tess", claims=claims)
    assert response.status_code == 302
    assert manager.get(reverse("home")).wsgi_request.user.pk == teacher.pk


def test_the_client_secret_is_never_stored_or_shown(
    world: World, manager: Client, oidc_provider: OidcProvider
) -> None:
    manager.post(reverse("people:sign_in_provider_new"), _form(oidc_provider.issuer))
    provider = IdentityProvider.objects.get(slug="prairie-idp")
    for url in (reverse("people:sign_in"), reverse("people:sign_in_provider", args=[provider.pk])):
        page = manager.get(url).content.decode()
        assert SECRET not in page
        assert ENV in page  # where it is, yes
    stored = json.dumps(list(IdentityProvider.objects.values()), default=str)
    assert SECRET not in stored
    events = json.dumps(list(AuditEvent.objects.values("before", "after")), default=str)
    assert SECRET not in events


def test_an_issuer_without_a_discovery_document_is_refused_naming_the_field(
    world: World, manager: Client, oidc_provider: OidcProvider
) -> None:
    response = manager.post(
        reverse("people:sign_in_provider_new"), _form(f"{oidc_provider.issuer}/not-an-issuer")
    )
    assert response.status_code == 400
    errors = _field_errors(response)
    assert list(errors) == ["issuer"]
    assert "answered with status 404" in errors["issuer"][0]
    assert "Issuer URL" in _page(response)
    assert not IdentityProvider.objects.exists()
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN_PROVIDER_CONFIGURED).exists()


def test_an_issuer_whose_document_names_another_issuer_is_refused(
    world: World, manager: Client, oidc_provider: OidcProvider
) -> None:
    # Same server, other name: the document says http://127.0.0.1:<port>, not localhost.
    other_name = oidc_provider.issuer.replace("127.0.0.1", "localhost")
    response = manager.post(reverse("people:sign_in_provider_new"), _form(other_name))
    assert response.status_code == 400
    assert "is for another issuer" in _field_errors(response)["issuer"][0]


def test_an_unreachable_issuer_is_refused(world: World, manager: Client) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    response = manager.post(
        reverse("people:sign_in_provider_new"), _form(f"http://127.0.0.1:{port}")
    )
    assert response.status_code == 400
    assert "could not reach" in _field_errors(response)["issuer"][0]


def test_a_plain_http_issuer_is_refused_in_production(
    world: World, client: Client, settings: Any
) -> None:
    settings.SIGN_IN_ALLOW_HTTP_ISSUER = False
    client.force_login(world.users["designee"])
    response = client.post(reverse("people:sign_in_provider_new"), _form("http://idp.example.org"))
    assert response.status_code == 400
    assert _field_errors(response)["issuer"] == ["The issuer URL must start with https://."]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"kind": "entra"}, "tenant_id", "needs the tenant ID"),
        ({"kind": "google"}, "hosted_domain", "needs the Workspace domain"),
        ({"secret_env": "SECRET_KEY"}, "secret_env", "must start with CHALKLINE_SIGN_IN_"),
        ({"secret_env": "lower case"}, "secret_env", "capital letters"),
        ({"secret_env": ""}, "secret_env", "(one of them)"),
        ({"secret_file": "/etc/passwd", "secret_env": ""}, "secret_file", "no SIGN_IN_SECRET_DIR"),
        ({"allowed_domains": "gmail.com"}, "allowed_domains", "Not one of the district's"),
        ({"slug": "Not a slug!"}, "slug", "letters, numbers"),
    ],
    ids=[
        "entra-tenant",
        "google-hd",
        "env-prefix",
        "env-name",
        "no-secret",
        "file-not-allowed",
        "foreign-domain",
        "bad-slug",
    ],
)
def test_bad_settings_are_refused_naming_the_field(
    world: World,
    manager: Client,
    oidc_provider: OidcProvider,
    fields: dict[str, str],
    field: str,
    message: str,
) -> None:
    response = manager.post(
        reverse("people:sign_in_provider_new"), _form(oidc_provider.issuer, **fields)
    )
    assert response.status_code == 400
    errors = _field_errors(response)
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert not IdentityProvider.objects.exists()


def test_a_secret_file_must_be_inside_the_secret_directory(
    world: World, manager: Client, oidc_provider: OidcProvider, settings: Any, tmp_path: Path
) -> None:
    settings.SIGN_IN_SECRET_DIR = str(tmp_path / "secrets")
    (tmp_path / "secrets").mkdir()
    inside = tmp_path / "secrets" / "prairie"
    inside.write_text(SECRET, encoding="utf-8")
    escape = f"{tmp_path}/secrets/../outside"
    response = manager.post(
        reverse("people:sign_in_provider_new"),
        _form(oidc_provider.issuer, secret_env="", secret_file=escape),
    )
    assert "inside" in _field_errors(response)["secret_file"][0]
    response = manager.post(
        reverse("people:sign_in_provider_new"),
        _form(oidc_provider.issuer, secret_env="", secret_file=str(inside)),
    )
    assert response.status_code == 302
    assert IdentityProvider.objects.get().client_secret_file == str(inside)


def test_changing_a_provider_is_audited_and_keeps_its_short_name(
    world: World, manager: Client, oidc_provider: OidcProvider
) -> None:
    manager.post(reverse("people:sign_in_provider_new"), _form(oidc_provider.issuer))
    provider = IdentityProvider.objects.get()
    url = reverse("people:sign_in_provider", args=[provider.pk])
    assert manager.get(url).status_code == 200
    response = manager.post(
        url,
        _form(oidc_provider.issuer, name="Prairie sign-in", slug="renamed", allowed_domains=""),
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.slug) == ("Prairie sign-in", "prairie-idp")
    event = AuditEvent.objects.get(action=Action.SIGN_IN_PROVIDER_CHANGED)
    assert event.before_data == {"name": "Prairie Valley account"}
    assert event.after_data == {"name": "Prairie sign-in"}
    assert event.actor_id == world.users["superintendent"].pk


def test_a_secret_the_operator_named_with_the_command_is_kept_on_a_change(
    world: World, manager: Client, oidc_provider: OidcProvider
) -> None:
    from chalkline.people.services.sign_in import configure_provider

    provider = configure_provider(
        by=None,
        district=world.district,
        slug="prairie-idp",
        name="Prairie Valley account",
        kind=IdentityProvider.Kind.OIDC,
        issuer=oidc_provider.issuer,
        client_id=CLIENT_ID,
        client_secret_env="PRAIRIE_IDP_SECRET",  # no prefix: the command is the operator's
    )
    response = manager.post(
        reverse("people:sign_in_provider", args=[provider.pk]),
        _form(oidc_provider.issuer, name="Renamed", secret_env="PRAIRIE_IDP_SECRET"),
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert (provider.name, provider.client_secret_env) == ("Renamed", "PRAIRIE_IDP_SECRET")


def test_turning_a_provider_off_removes_its_button_and_refuses_its_sign_in(
    world: World, manager: Client, oidc_provider: OidcProvider
) -> None:
    manager.post(reverse("people:sign_in_provider_new"), _form(oidc_provider.issuer))
    provider = IdentityProvider.objects.get()
    switch = reverse("people:sign_in_provider_active", args=[provider.pk])
    assert manager.post(switch).status_code == 302
    provider.refresh_from_db()
    assert not provider.active
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_PROVIDER_DEACTIVATED).count() == 1
    anonymous = Client()
    assert "Sign in with Prairie" not in anonymous.get(reverse("login")).content.decode()
    assert anonymous.get(reverse("sso_start", args=["prairie-idp"])).status_code == 404

    assert manager.post(switch, {"active": "on"}).status_code == 302
    provider.refresh_from_db()
    assert provider.active
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_PROVIDER_REACTIVATED).count() == 1
    assert "Sign in with Prairie" in anonymous.get(reverse("login")).content.decode()


def test_local_passwords_are_turned_off_with_a_break_glass_superintendent(
    world: World, manager: Client, oidc_provider: OidcProvider
) -> None:
    url = reverse("people:sign_in_passwords")
    superintendent = world.users["superintendent"]
    # Without a provider, turning passwords off would lock staff out.
    response = manager.post(url, {"passwords": "off", "break_glass": superintendent.pk})
    assert response.status_code == 400
    assert "Add a sign-in provider first" in _page(response)
    manager.post(reverse("people:sign_in_provider_new"), _form(oidc_provider.issuer))
    response = manager.post(url, {"passwords": "off"})
    assert response.status_code == 400
    assert "Choose the break-glass" in _page(response)
    # The designee is no superintendent: not offered.
    response = manager.post(url, {"passwords": "off", "break_glass": world.users["designee"].pk})
    assert response.status_code == 400

    response = manager.post(url, {"passwords": "off", "break_glass": superintendent.pk})
    assert response.status_code == 302
    world.district.refresh_from_db()
    assert world.district.local_passwords_off
    assert world.district.break_glass_user_id == superintendent.pk
    event = AuditEvent.objects.filter(action=Action.LOCAL_PASSWORDS_SET).get()
    assert event.actor_id == superintendent.pk and event.after_data["off"] is True
    # A teacher of the district's domain can no longer sign in with a password.
    teacher = Client()
    refused = teacher.post(
        reverse("login"),
        {"username": "teacher_north", "password": "correct horse battery staple"},
    )
    assert refused.status_code == 200 and "Sign-in failed" in _page(refused)

    assert manager.post(url, {"passwords": "on"}).status_code == 302
    world.district.refresh_from_db()
    assert not world.district.local_passwords_off
    assert world.district.break_glass_user_id is None


def test_the_last_provider_cannot_be_turned_off_while_passwords_are_off(
    world: World, manager: Client, oidc_provider: OidcProvider
) -> None:
    manager.post(reverse("people:sign_in_provider_new"), _form(oidc_provider.issuer))
    provider = IdentityProvider.objects.get()
    superintendent = world.users["superintendent"]
    manager.post(
        reverse("people:sign_in_passwords"), {"passwords": "off", "break_glass": superintendent.pk}
    )
    response = manager.post(
        reverse("people:sign_in_provider_active", args=[provider.pk]), follow=True
    )
    assert "Turn passwords back on first" in _page(response)
    provider.refresh_from_db()
    assert provider.active
    assert not AuditEvent.objects.filter(action=Action.SIGN_IN_PROVIDER_DEACTIVATED).exists()


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("superintendent", True), ("designee", True), ("hr", False), ("teacher_north", False)],
)
def test_the_menu_links_the_settings_for_those_who_manage_sign_in(
    world: World, client: Client, persona: str, shown: bool
) -> None:
    client.force_login(world.users[persona])
    menu = client.get(reverse("home")).content.decode()
    assert (f'href="{reverse("people:sign_in")}"' in menu) == shown
