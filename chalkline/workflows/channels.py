"""Screening knows the registry: the draft page gets the registry's approved channels, and the
District's logos with the author's logo permission.

The registry and drafts are both domain apps and stay independent; this glue, above them,
hands drafts the registry's readers at start-up (``WorkflowsConfig.ready``)."""

from __future__ import annotations

from chalkline.drafts.channels import set_approved_channels_provider, set_logo_use_provider
from chalkline.registry.selectors import approved_channels, logo_use_for


def register() -> None:
    set_approved_channels_provider(approved_channels)
    set_logo_use_provider(logo_use_for)
