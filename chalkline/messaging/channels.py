"""The approved channels the composer hands the screening engine.

Messaging sits beside the registry in the domain row and may not import it: the provider is
registered from above at start-up (``chalkline.workflows.channels``), as for "Check a draft".
The hub itself and the district's own email domains are District channels: they are added to
whatever the registry approves, so they are never flagged."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from chalkline.people.models import District
from chalkline.screening import NO_REGISTRY, ApprovedChannels

Provider = Callable[[District], ApprovedChannels]

_provider: list[Provider] = []


def set_approved_channels_provider(provider: Provider) -> None:
    _provider[:] = [provider]


def approved_channels_for(district: District, *, hub_host: str = "") -> ApprovedChannels:
    approved = _provider[0](district) if _provider else NO_REGISTRY
    own = {d.strip().lower().strip(".") for d in district.domains}
    host = hub_host.split(":", 1)[0].strip().lower()
    if host and not host.replace(".", "").isdigit():
        own.add(host)
    return dataclasses.replace(approved, domains=approved.domains | frozenset(own))
