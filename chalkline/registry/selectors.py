"""Reads that other parts of Chalkline use: the approved channels, as the data screening takes."""

from __future__ import annotations

import threading

from django.db.models import Count, Max
from django.urls import reverse

from chalkline.people.models import District
from chalkline.registry.models import App
from chalkline.screening import ApprovedChannels

_cache: dict[int, tuple[tuple[object, ...], ApprovedChannels]] = {}
_lock = threading.Lock()


def approved_channels(district: District) -> ApprovedChannels:
    """The district's approved apps (names and domains) for the personal_channel detector.

    Built once and kept per process until the registry changes (one small aggregate query tells):
    screening a draft does not read 5,000 rows each time."""
    approved = App.objects.in_district(district).approved()
    stamp = tuple(approved.aggregate(n=Count("pk"), at=Max("updated_at")).values())
    cached = _cache.get(district.pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    names: list[str] = []
    domains: list[str] = []
    for name, doms in approved.values_list("name", "domains").iterator(chunk_size=2000):
        names.append(name)
        domains.extend(d.strip() for d in doms.replace("\n", ",").split(",") if d.strip())
    channels = ApprovedChannels.of(
        names=names, domains=domains, request_url=reverse("registry:request")
    )
    with _lock:
        _cache[district.pk] = (stamp, channels)
    return channels
