from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from chalkline.people.models import District
from chalkline.registry.models import App
from chalkline.registry.samplepdf import one_page_pdf


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def pdf(*lines: str) -> bytes:
    return one_page_pdf(*(lines or ("Data privacy agreement",)))


def make_app(district: District, name: str = "Seesaw", **kw: Any) -> App:
    fields: dict[str, Any] = {
        "operator": "Seesaw Learning, Inc.",
        "operator_address": "Fremont, CA",
        "purpose": App.Purpose.STAFF_FAMILY,
        "data_elements": "Student name\nClass roster",
        "domains": "seesaw.me",
        **kw,
    }
    return App.objects.create(district=district, name=name, **fields)


def make_posted(district: District, name: str = "Seesaw", **kw: Any) -> App:
    now = timezone.now()
    kw.setdefault("signed_on", datetime.date(2026, 8, 1))
    return make_app(
        district, name, status=App.Status.APPROVED, approved_at=now, posted_at=now, **kw
    )
