"""Screening knows the approved apps: the draft page and the messaging hub's composer get the
registry's approved channels.

The registry, drafts and messaging are domain apps and stay independent; this glue, above
them, hands drafts and messaging the registry's reader at start-up (``WorkflowsConfig.ready``)."""

from __future__ import annotations

from chalkline.drafts.channels import set_approved_channels_provider
from chalkline.messaging.channels import (
    set_approved_channels_provider as set_messaging_channels_provider,
)
from chalkline.registry.selectors import approved_channels


def register() -> None:
    set_approved_channels_provider(approved_channels)
    set_messaging_channels_provider(approved_channels)
