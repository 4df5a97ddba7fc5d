"""Value types of the screening library: messages in, findings out. No ORM, no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from .records import LogoRecord

Severity = Literal["block", "warn", "info"]
AudienceKind = Literal["direct", "class", "building", "staff", "public"]
AUDIENCE_KINDS: frozenset[str] = frozenset({"direct", "class", "building", "staff", "public"})
SEVERITY_RANK: dict[str, int] = {"block": 0, "warn": 1, "info": 2}

#: Sender roles treated as students or families; every other role is staff.
STUDENT_ROLES: frozenset[str] = frozenset({"student"})
FAMILY_ROLES: frozenset[str] = frozenset({"guardian", "parent", "relative"})


class ScreeningInputError(ValueError):
    """A message or roster that cannot be screened (bad shape, not bad content)."""


class RosterError(ScreeningInputError):
    """A roster that cannot be read, or that holds no students: screening against it would
    check every message against nobody. The message names the file."""


@dataclass(frozen=True, slots=True)
class Sender:
    role: str
    id: str = ""

    @property
    def is_staff(self) -> bool:
        role = self.role.lower()
        return role not in STUDENT_ROLES and role not in FAMILY_ROLES

    @property
    def is_student_or_family(self) -> bool:
        return not self.is_staff


@dataclass(frozen=True, slots=True)
class Audience:
    kind: AudienceKind
    recipients: tuple[str, ...] = ()
    class_id: str | None = None
    building_id: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    """An image attachment. ``pictured`` lists sourcedIds the sender tagged, when known."""

    data: bytes
    filename: str = ""
    pictured: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Message:
    text: str
    sender: Sender
    audience: Audience
    html: bool = False
    attachments: tuple[Attachment, ...] = ()
    id: str = ""


_WORD = re.compile(r"[\w.+-]+")


def fold_app_name(name: str) -> str:
    """An app name as the approved-channel check compares it: lower case, single spaces."""
    return " ".join(_WORD.findall(name.lower()))


@dataclass(frozen=True, slots=True)
class ApprovedChannels:
    """The District-approved accounts and applications, as plain data the caller hands the engine
    (the registry's approved apps: their names and internet domains). ``enabled`` is False when
    the caller has no registry: the engine then behaves as before and names no unapproved app.
    ``request_url`` is where staff ask for an app to be approved (put in the finding)."""

    names: frozenset[str] = frozenset()
    domains: frozenset[str] = frozenset()
    request_url: str = ""
    enabled: bool = False

    @classmethod
    def of(
        cls, *, names: Iterable[str], domains: Iterable[str], request_url: str = ""
    ) -> ApprovedChannels:
        return cls(
            names=frozenset(n for n in (fold_app_name(x) for x in names) if n),
            domains=frozenset(d.strip().lower().strip(".") for d in domains if d.strip()),
            request_url=request_url,
            enabled=True,
        )

    def allows_domain(self, domain: str) -> bool:
        """Whether ``domain`` or a domain above it (``mail.example.org`` → ``example.org``) is
        approved."""
        if not self.domains:
            return False
        parts = domain.lower().strip(".").split(".")
        return any(".".join(parts[i:]) in self.domains for i in range(len(parts) - 1))

    def allows_name_in(self, text: str) -> bool:
        """Whether ``text`` names an approved app (one to four words, compared folded)."""
        if not self.names:
            return False
        words = _WORD.findall(text.lower())
        return any(
            " ".join(words[i : i + n]) in self.names
            for n in range(1, 5)
            for i in range(len(words) - n + 1)
        )


NO_REGISTRY = ApprovedChannels()


@dataclass(frozen=True, slots=True)
class LogoUse:
    """The District's logos and the author's permission to use them, as plain data the caller
    hands the engine (the registry's logo images and the author's logo permission).

    ``until`` is the last day (ISO date) of the author's current grant and ``purpose`` what it
    was granted for; both empty when the author holds no current grant (none, refused, revoked
    or expired: the caller decides what is current). ``request_url`` is where staff ask for
    permission (put in the finding). The logos are searched besides the index's own
    (``RosterIndex.logos``, which the OneRoster loader fills)."""

    logos: tuple[LogoRecord, ...] = ()
    until: str = ""
    purpose: str = ""
    request_url: str = ""

    @property
    def permitted(self) -> bool:
        return bool(self.until)


NO_LOGO_USE = LogoUse()


@dataclass(frozen=True, slots=True)
class Finding:
    detector: str
    start: int
    end: int
    severity: Severity
    clause: str
    message: str
    fix: str = ""
    student: str | None = None
    opt_out: bool = False
    attachment: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    # For translation (see i18n.py): the unformatted English message and its arguments, when the
    # message was built from a template; not part of the finding's dict.
    template: str = field(default="", compare=False, repr=False)
    args: tuple[tuple[str, str], ...] = field(default=(), compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "detector": self.detector,
            "start": self.start,
            "end": self.end,
            "severity": self.severity,
            "clause": self.clause,
            "student": self.student,
            "message": self.message,
            "fix": self.fix,
        }
        if self.opt_out:
            out["opt_out"] = True
        if self.attachment is not None:
            out["attachment"] = self.attachment
        out.update(self.extra)
        return out
