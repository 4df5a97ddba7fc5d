"""Reads that other parts of Chalkline use: the approved channels and the District's logos with
an author's logo permission, as the data screening takes."""

from __future__ import annotations

import datetime
import threading

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from chalkline.people.models import District, Person
from chalkline.registry.models import App, DistrictLogo, LogoPermission
from chalkline.screening import ApprovedChannels, LogoRecord, LogoUse

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


_logo_cache: dict[int, tuple[tuple[object, ...], tuple[LogoRecord, ...]]] = {}


def district_logos(district: District) -> tuple[LogoRecord, ...]:
    """The district's logo images, read once per process until they change."""
    qs = DistrictLogo.objects.filter(district=district)
    stamp = tuple(qs.values_list("pk", "sha256"))  # a district has a handful of logo images
    cached = _logo_cache.get(district.pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    records: list[LogoRecord] = []
    for logo in qs:
        with logo.image.open("rb") as handle:
            records.append(LogoRecord(logo.name, handle.read()))
    with _lock:
        _logo_cache[district.pk] = (stamp, tuple(records))
    return tuple(records)


def current_logo_permission(
    person: Person | None, today: datetime.date | None = None
) -> LogoPermission | None:
    """The author's grant that covers today (the one that runs longest), or None."""
    if person is None:
        return None
    today = today or timezone.localdate()
    return (
        LogoPermission.objects.filter(district_id=person.district_id, person=person)
        .current(today)
        .order_by("-ends_on", "-pk")
        .first()
    )


def logo_use_for(district: District, person: Person | None) -> LogoUse:
    """What screening takes about the logo: the district's logo images, the author's current
    grant (its end date and purpose) if any, and where to ask for one. ``person`` is None when
    the author is not an employee of the district (a message someone else wrote)."""
    grant = current_logo_permission(person)
    return LogoUse(
        logos=district_logos(district),
        until=grant.ends_on.isoformat() if grant is not None and grant.ends_on else "",
        purpose=grant.purpose if grant is not None else "",
        request_url=reverse("registry:logo_request"),
    )


def person_for_key(district: District, key: str) -> Person | None:
    """The staff member a screening key names (``roster_index.person_key``: the sourcedId, or
    ``person-<pk>`` for a person without one), for the API's sender."""
    if not key:
        return None
    qs = Person.objects.filter(district=district, kind=Person.Kind.STAFF)
    if key.startswith("person-") and key[7:].isdigit():
        return qs.filter(pk=int(key[7:]), sourced_id="").first()
    return qs.filter(sourced_id=key).first()
