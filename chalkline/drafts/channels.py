"""The registry's data the "Check a draft" page hands the screening engine: the approved
channels, and the District's logos with the author's logo permission.

Drafts sits beside the registry in the domain row and may not import it: the providers are
registered from above at start-up (``chalkline.workflows.channels``). Without them, screening
runs without a registry (it names no unapproved app, and checks no logo)."""

from __future__ import annotations

from collections.abc import Callable

from chalkline.people.models import District, Person
from chalkline.screening import NO_LOGO_USE, NO_REGISTRY, ApprovedChannels, LogoUse

Provider = Callable[[District], ApprovedChannels]
LogoProvider = Callable[[District, Person | None], LogoUse]

_provider: list[Provider] = []
_logo_provider: list[LogoProvider] = []


def set_approved_channels_provider(provider: Provider) -> None:
    _provider[:] = [provider]


def approved_channels_for(district: District) -> ApprovedChannels:
    return _provider[0](district) if _provider else NO_REGISTRY


def set_logo_use_provider(provider: LogoProvider) -> None:
    _logo_provider[:] = [provider]


def logo_use_for(district: District, author: Person | None) -> LogoUse:
    """The logos to look for and ``author``'s current logo permission (None: a message the
    employee received, whose writer holds no permission of ours)."""
    return _logo_provider[0](district, author) if _logo_provider else NO_LOGO_USE
