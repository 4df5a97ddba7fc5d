"""Chalkline screening engine: a pure library (no ORM, no network).

    from chalkline.screening import screen, Message, Sender, Audience, RosterIndex
    findings = screen(message, index=index)

See docs/screening.md for the contract.
"""

from __future__ import annotations

from .clauses import CLAUSES
from .engine import screen, screened_text
from .index import RosterIndex, bulk_build
from .oneroster import load_oneroster
from .records import (
    ClassRecord,
    EnrollmentRecord,
    GuardianRecord,
    LogoRecord,
    StaffRecord,
    StudentRecord,
)
from .types import (
    NO_LOGO_USE,
    NO_REGISTRY,
    ApprovedChannels,
    Attachment,
    Audience,
    Finding,
    LogoUse,
    Message,
    RosterError,
    ScreeningInputError,
    Sender,
)

__all__ = [
    "CLAUSES",
    "NO_LOGO_USE",
    "NO_REGISTRY",
    "ApprovedChannels",
    "Attachment",
    "Audience",
    "ClassRecord",
    "EnrollmentRecord",
    "Finding",
    "GuardianRecord",
    "LogoRecord",
    "LogoUse",
    "Message",
    "RosterError",
    "RosterIndex",
    "bulk_build",
    "ScreeningInputError",
    "Sender",
    "StaffRecord",
    "StudentRecord",
    "load_oneroster",
    "screen",
    "screened_text",
]
