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
