"""The API screens with the District's registry, like the draft page: an approved app's domain is
not flagged; an unapproved app is named, with an absolute link to ask for it."""

from __future__ import annotations

from django.utils import timezone

from chalkline.api.tests.conftest import Api
from chalkline.registry.models import App
from conftest import World

from .test_screen import body, screened


def _approve(world: World, name: str, domains: str) -> None:
    App.objects.create(
        district=world.district,
        name=name,
        operator=f"{name} Inc.",
        purpose=App.Purpose.STAFF_FAMILY,
        domains=domains,
        status=App.Status.APPROVED,
        approved_at=timezone.now(),
    )


def _channel(data: dict[str, object]) -> list[dict[str, object]]:
    return [f for f in data["findings"] if f["detector"] == "personal_channel"]  # type: ignore[attr-defined]


def test_an_approved_domain_is_not_a_personal_channel(world: World, api: Api) -> None:
    text = "Email me at coach@bloomz.net with questions."
    assert _channel(screened(api, body(text, "class", class_id="c-1")))
    _approve(world, "Bloomz", "bloomz.net")
    assert not _channel(screened(api, body(text, "class", class_id="c-1")))


def test_an_unapproved_app_is_named_with_the_request_link(world: World, api: Api) -> None:
    data = screened(api, body("Join our class on GroupMe tonight.", "class", class_id="c-1"))
    (finding,) = _channel(data)
    assert finding["app"] == "GroupMe"
    assert finding["request_url"] == "http://testserver/registry/request/?name=GroupMe"
