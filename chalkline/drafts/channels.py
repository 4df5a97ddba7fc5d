"""The approved channels the "Check a draft" page hands the screening engine.

Drafts sits beside the registry in the domain row and may not import it: the provider is
registered from above at start-up (``chalkline.workflows.channels``). Without one, screening
runs without a registry (and names no unapproved app)."""

from __future__ import annotations

from collections.abc import Callable

from chalkline.people.models import District
from chalkline.screening import NO_REGISTRY, ApprovedChannels

Provider = Callable[[District], ApprovedChannels]

_provider: list[Provider] = []


def set_approved_channels_provider(provider: Provider) -> None:
    _provider[:] = [provider]


def approved_channels_for(district: District) -> ApprovedChannels:
    return _provider[0](district) if _provider else NO_REGISTRY
