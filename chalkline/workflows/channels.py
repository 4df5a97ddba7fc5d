"""Screening knows the registry and cases: the draft page and the messaging hub's composer get
the registry's approved channels; the draft page also gets the District's logos with the
author's logo permission; and the draft page's abuse prompt starts the mandated-report log's
reminder (cases).

The registry, drafts, messaging and cases are domain apps and stay independent; this glue, above
them, hands drafts and messaging the registry's readers at start-up (``WorkflowsConfig.ready``)."""

from __future__ import annotations

from chalkline.cases.services import record_disclosure_prompt
from chalkline.drafts.channels import (
    set_abuse_prompt_listener,
    set_approved_channels_provider,
    set_logo_use_provider,
)
from chalkline.messaging.channels import (
    set_approved_channels_provider as set_messaging_channels_provider,
)
from chalkline.people.models import District, User
from chalkline.registry.selectors import approved_channels, logo_use_for


def _prompt_shown(district: District, user: object) -> None:
    if isinstance(user, User):
        record_disclosure_prompt(district=district, user=user)


def register() -> None:
    set_approved_channels_provider(approved_channels)
    set_logo_use_provider(logo_use_for)
    set_messaging_channels_provider(approved_channels)
    # The Check a draft page's abuse prompt starts the mandated-report log's 24-hour reminder.
    set_abuse_prompt_listener(_prompt_shown)
