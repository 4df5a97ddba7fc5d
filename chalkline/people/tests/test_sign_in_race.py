"""Two first sign-ins of the same person at once (two tabs, a double submit) link the account
once and both sign in: no 500 from the unique constraints. Against the REAL provider."""

from __future__ import annotations

import threading
from typing import Any

import psycopg
import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from chalkline.audit.actions import Action
from chalkline.audit.models import AuditEvent
from chalkline.people.models import IdentityLink, IdentityProvider, Person, User
from chalkline.people.roles import Role
from chalkline.people.services.sign_in import configure_provider
from chalkline.people.tests.conftest import CLIENT_ID, SECRET_ENV, OidcProvider
from conftest import World, make_building, make_district, make_person, make_user

ADDRESS = "ada.lovelace@prairie.example.org"
CLAIMS = {"email": ADDRESS, "email_verified": True}


def _configure(district: Any, issuer: str) -> IdentityProvider:
    return configure_provider(
        by=None,
        district=district,
        slug="prairie-idp",
        name="Prairie Valley account",
        kind=IdentityProvider.Kind.OIDC,
        issuer=issuer,
        client_id=CLIENT_ID,
        client_secret_env=SECRET_ENV,
    )


def _signed_in_as(client: Client) -> int | None:
    home = client.get(reverse("home"))
    user = home.wsgi_request.user
    return user.pk if user.is_authenticated else None


def _linked_once(person: Person) -> User:
    user = User.objects.get(person=person)
    assert IdentityLink.objects.filter(user=user).count() == 1
    assert IdentityLink.objects.get(user=user).subject == "ada"
    assert AuditEvent.objects.filter(action=Action.SIGN_IN_LINKED).count() == 1
    return user


def test_two_tabs_finishing_the_first_sign_in_one_after_the_other_link_once(
    world: World, client: Client, oidc_provider: OidcProvider
) -> None:
    _configure(world.district, oidc_provider.issuer)
    person = make_person(world.district, building=world.north, email=ADDRESS)
    # Both tabs started before either came back: two states in one browser session.
    first = oidc_provider.authorize(client, "prairie-idp", sub="ada", claims=CLAIMS)
    second = oidc_provider.authorize(client, "prairie-idp", sub="ada", claims=CLAIMS)
    assert client.get(first).status_code == 302
    assert client.get(second).status_code == 302
    user = _linked_once(person)
    assert _signed_in_as(client) == user.pk
    # The same answer submitted twice: its state was used, so a clear refusal, never a 500.
    again = client.get(second)
    assert again.status_code == 403
    assert _linked_once(person) == user


def _callback_in_thread(client: Client, url: str, results: dict[str, Any], name: str) -> None:
    try:
        results[name] = client.get(url).status_code
    except Exception as exc:  # the test reports it
        results[name] = exc
    finally:
        connections.close_all()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="two transactions at once need PostgreSQL"
)
@pytest.mark.parametrize(
    ("has_account", "table"),
    [(False, "people_user"), (True, "people_identitylink")],
    ids=["new-account", "existing-account"],
)
def test_two_first_sign_ins_at_the_same_moment_link_once(
    transactional_db: Any, oidc_provider: OidcProvider, has_account: bool, table: str
) -> None:
    district = make_district("prairie", "Prairie Valley CUSD 5")
    person = make_person(district, building=make_building(district), email=ADDRESS)
    if has_account:
        make_user(district, Role.EMPLOYEE, person=person, username="ada")
    _configure(district, oidc_provider.issuer)
    tabs = [Client(), Client()]
    urls = [oidc_provider.authorize(c, "prairie-idp", sub="ada", claims=CLAIMS) for c in tabs]

    # Hold the table both callbacks insert into, so that both have read "no link yet" and wait
    # at their insert; then let them go together.
    params = connection.get_connection_params()
    with psycopg.connect(**params) as holder:
        holder.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        results: dict[str, Any] = {}
        threads = [
            threading.Thread(target=_callback_in_thread, args=(c, u, results, f"tab{i}"))
            for i, (c, u) in enumerate(zip(tabs, urls, strict=True))
        ]
        for thread in threads:
            thread.start()
        waiting = 0
        for _ in range(600):  # both callbacks queue at the lock (bounded: at most 60 s)
            waiting = holder.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = %s::regclass",
                [table],
            ).fetchone()[0]  # type: ignore[index]
            if waiting == 2:
                break
            threading.Event().wait(0.1)
        assert waiting == 2, "both callbacks should be waiting at the insert"
        holder.commit()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"tab0": 302, "tab1": 302}
    user = _linked_once(person)
    assert [_signed_in_as(c) for c in tabs] == [user.pk, user.pk]
