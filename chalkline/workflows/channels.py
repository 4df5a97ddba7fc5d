"""Screening knows the approved apps: the draft page gets the registry's approved channels.

The registry and drafts are both domain apps and stay independent; this glue, above them,
hands drafts the registry's reader at start-up (``WorkflowsConfig.ready``)."""

from __future__ import annotations

from chalkline.drafts.channels import set_approved_channels_provider
from chalkline.registry.selectors import approved_channels


def register() -> None:
    set_approved_channels_provider(approved_channels)
