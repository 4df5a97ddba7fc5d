"""Settings from the environment, CSP, cookies, error pages and tampered URLs."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.lib.env import EnvError, envbool, envint, envlist, envsecret
from chalkline.people.checks import check_secret_key
from conftest import World


def test_env_helpers_read_values_and_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("X_BOOL", "Yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    monkeypatch.setenv("X_SECRET", "from-env")
    assert envbool("X_BOOL") is True
    assert envbool("X_MISSING", True) is True
    assert envint("X_INT", 0) == 42
    assert envlist("X_LIST") == ["a.example", "b.example"]
    assert envsecret("X_SECRET") == "from-a-file"


def test_env_helpers_name_the_variable_on_bad_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "twelve")
    monkeypatch.setenv("X_FILE_FILE", "/nonexistent/secret")
    with pytest.raises(EnvError, match="X_BOOL"):
        envbool("X_BOOL")
    with pytest.raises(EnvError, match="X_INT"):
        envint("X_INT", 1)
    with pytest.raises(EnvError, match="X_FILE_FILE"):
        envsecret("X_FILE")


def test_placeholder_secret_key_is_refused_when_debug_is_off(settings: Any) -> None:
    settings.DEBUG = False
    settings.SECRET_KEY = settings.PLACEHOLDER_SECRET_KEY
    assert "chalkline.E001" in {m.id for m in check_secret_key()}
    settings.SECRET_KEY = "x" * 50
    assert check_secret_key() == []
    settings.DEBUG = True
    settings.SECRET_KEY = settings.PLACEHOLDER_SECRET_KEY
    assert check_secret_key() == []


def test_pages_carry_csp_with_a_nonce_on_every_script(world: World, client: Client) -> None:
    client.force_login(world.users["superintendent"])
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", csp)
    assert nonce is not None
    assert (
        "default-src 'self'" in csp
        and "object-src 'none'" in csp
        and "frame-ancestors 'none'" in csp
    )
    scripts = re.findall(rb"<script[^>]*>", response.content)
    assert scripts, "the page loads htmx"
    for tag in scripts:
        assert f'nonce="{nonce.group(1)}"'.encode() in tag
        assert b"src=" in tag, "no inline scripts"
    assert b'hx-headers=\'{"X-CSRFToken": "' in response.content
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_cookies_are_secure_outside_debug() -> None:
    from chalkline import settings as production

    if not production.DEBUG:
        assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SESSION_COOKIE_HTTPONLY
    assert production.SESSION_COOKIE_AGE <= 8 * 3600


def test_csrf_is_enforced_on_posts(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("switch_district"), {"district": world.district.pk})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/directory/buildings/99999999/",
        "/directory/buildings/999999999999999999999999/",
        "/directory/buildings/abc/",
        "/directory/buildings/0/",
        "/directory/people/-1/",
        "/directory/people/1%27%20OR%201=1/",
        "/no/such/page/",
        "/audit/?page=99999999999",
        "/directory/buildings/1/?page=abc",
    ],
)
def test_tampered_urls_are_404_or_handled_never_500(
    world: World, client: Client, path: str
) -> None:
    client.force_login(world.users["superintendent"])
    response = client.get(path)
    assert response.status_code in (200, 404)
    if response.status_code == 404:
        assert b"Page not found" in response.content


def test_switching_to_a_district_without_membership_is_refused(
    world: World, client: Client
) -> None:
    client.force_login(world.users["superintendent"])
    response = client.post(reverse("switch_district"), {"district": world.other_district.pk})
    assert response.status_code == 403


def boom(request: Any) -> Any:
    raise RuntimeError("student Maria Garcia, id 12345, caused this")


urlpatterns: list[Any] = []


def test_error_page_shows_no_stack_trace_and_no_pii(world: World, settings: Any) -> None:
    from django.urls import path

    from chalkline import urls

    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__
    urlpatterns[:] = [*urls.urlpatterns, path("boom/", boom)]
    client = Client(raise_request_exception=False)
    client.force_login(world.users["superintendent"])
    response = client.get("/boom/")
    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"Traceback" not in response.content
    assert b"Maria" not in response.content and b"12345" not in response.content


def test_a_used_session_is_refreshed_at_most_once_per_interval(
    world: World, client: Client, settings: Any
) -> None:
    from chalkline.people.middleware import REFRESH_KEY

    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    client.force_login(world.users["teacher_north"])
    client.get(reverse("home"))
    first = client.session[REFRESH_KEY]
    assert first > 0
    settings.SESSION_REFRESH_SECONDS = 10_000
    client.get(reverse("home"))
    assert client.session[REFRESH_KEY] == first  # not rewritten within the interval
    settings.SESSION_REFRESH_SECONDS = 0
    session = client.session
    session[REFRESH_KEY] = first - 1
    session.save()
    client.get(reverse("home"))
    assert client.session[REFRESH_KEY] > first - 1  # rewritten, so its expiry moved forward


@pytest.mark.django_db
def test_postgresql_prepares_the_statements_a_connection_repeats() -> None:
    """Server-side binding is on, so psycopg prepares a repeated statement (PostgreSQL then skips
    parsing and planning it): the audit append and the signing queries run thousands of times."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    options = connection.settings_dict["OPTIONS"]
    threshold = options.get("prepare_threshold")
    if not options.get("server_side_binding") or threshold is None:
        pytest.skip("prepared statements are turned off for this run (see docs/operations.md)")
    probe = "SELECT count(*) FROM people_district WHERE id > %s"
    with connection.cursor() as cursor:
        for n in range(threshold + 1):
            cursor.execute(probe, [n])
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any("people_district WHERE id > $1" in s for s in prepared), prepared
