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


# When the page shows the abuse_disclosure prompt, whoever registered (the mandated-report log,
# from ``chalkline.workflows.channels``) is told, so it can ask 24 hours later whether a log
# entry followed. A reminder only: nothing here gates, delays or replaces the call.
PromptListener = Callable[[District, object], None]

_prompt_listeners: list[PromptListener] = []


def set_abuse_prompt_listener(listener: PromptListener) -> None:
    _prompt_listeners[:] = [listener]


def abuse_prompt_shown(district: District, user: object) -> None:
    for listener in _prompt_listeners:
        listener(district, user)
