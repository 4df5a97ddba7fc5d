from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from chalkline.registry.models import App, Breach
from conftest import World


def test_demo_registry_fills_the_public_page_once(world: World, client: Client) -> None:
    out = StringIO()
    call_command("demo_registry", "--slug", world.district.slug, stdout=out)
    assert "12 apps posted" in out.getvalue()
    assert App.objects.filter(district=world.district).posted().count() == 12
    assert App.objects.filter(status=App.Status.REQUESTED).count() == 1
    assert Breach.objects.count() == 1
    page = client.get(reverse("registry:public", args=[world.district.slug])).content.decode()
    assert "Google Workspace for Education" in page and "Review due:" in page
    call_command("demo_registry", "--slug", world.district.slug, stdout=out)
    assert App.objects.filter(district=world.district).count() == 13
