"""screen(): run every detector over one message."""

from __future__ import annotations

from .detectors import TEXT_DETECTORS
from .detectors.context import ScreenContext
from .index import RosterIndex
from .text import MAX_TEXT_CHARS, html_to_text
from .types import (
    NO_LOGO_USE,
    NO_REGISTRY,
    SEVERITY_RANK,
    ApprovedChannels,
    Finding,
    LogoUse,
    Message,
    ScreeningInputError,
)

_DETECTORS = tuple(TEXT_DETECTORS.values())


def screened_text(message: Message) -> str:
    """The text the detectors see (and finding offsets refer to): HTML is reduced to visible text."""
    text = message.text
    if not isinstance(text, str):
        raise ScreeningInputError("message text must be a string")
    if len(text) > MAX_TEXT_CHARS * (4 if message.html else 1):
        raise ScreeningInputError(
            f"message text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
        )
    if message.html:
        text = html_to_text(text)
        if len(text) > MAX_TEXT_CHARS:
            raise ScreeningInputError(
                f"message text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,}"
            )
    return text


def screen(
    message: Message,
    *,
    index: RosterIndex,
    approved: ApprovedChannels = NO_REGISTRY,
    logo: LogoUse = NO_LOGO_USE,
) -> list[Finding]:
    """Findings for ``message``, most serious first (opt-out students before others).

    ``approved`` is the District's registry of approved accounts and applications, as data: the
    personal_channel detector does not flag them, and names apps that are not in it.

    ``logo`` is the District's logos and the author's logo permission, as data: an attachment
    that shows a logo is a warning without a current grant (with the link to ask for one), and
    a note naming the grant's purpose and end date with one.

    Offsets are character offsets into ``screened_text(message)``, which is ``message.text`` for
    plain-text messages. Raises ScreeningInputError for text over the size limit.
    """
    text = screened_text(message)
    ctx = ScreenContext(message, text, index, approved, logo)
    findings: list[Finding] = []
    if text.strip():
        for detect in _DETECTORS:
            found = detect(ctx)
            if found:  # most detectors find nothing in most messages
                findings += found
    if message.attachments:
        from .detectors import images  # OpenCV is imported only when there are images

        findings.extend(images.detect(ctx))
    if len(findings) > 1:
        findings.sort(key=lambda f: (SEVERITY_RANK[f.severity], not f.opt_out, f.start, f.end))
    return findings
