"""OneRoster role vocabularies (1.1 and 1.2) mapped onto Chalkline person kinds.

A SIS role never grants powers in Chalkline. Administrative SIS roles only carry a
``SuggestedRole`` that HR confirms (or not) before any Membership is created.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class PersonKind(IntEnum):
    """Stored as a small int in ``IdMap``; 0 means unknown."""

    STAFF = 1
    STUDENT = 2
    GUARDIAN = 3

    @property
    def label(self) -> str:
        return self.name.lower()


class SuggestedRole(StrEnum):
    PRINCIPAL = "principal"
    SUPERINTENDENT_DESIGNEE = "superintendent_designee"
    NETWORK_ADMINISTRATOR = "network_administrator"


# canonical spelling (as in the spec) keyed by lower case
SIS_ROLES: dict[str, str] = {
    r.lower(): r
    for r in (
        "administrator",  # 1.1 (users and enrollments), 1.2 enrollments
        "aide",
        "counselor",  # 1.2
        "districtAdministrator",  # 1.2
        "guardian",
        "parent",
        "principal",  # 1.2
        "proctor",
        "relative",
        "siteAdministrator",  # 1.2
        "student",
        "systemAdministrator",  # 1.2
        "teacher",
    )
}

KIND_OF_ROLE: dict[str, PersonKind] = {
    "administrator": PersonKind.STAFF,
    "aide": PersonKind.STAFF,
    "counselor": PersonKind.STAFF,
    "districtAdministrator": PersonKind.STAFF,
    "principal": PersonKind.STAFF,
    "proctor": PersonKind.STAFF,
    "siteAdministrator": PersonKind.STAFF,
    "systemAdministrator": PersonKind.STAFF,
    "teacher": PersonKind.STAFF,
    "student": PersonKind.STUDENT,
    "guardian": PersonKind.GUARDIAN,
    "parent": PersonKind.GUARDIAN,
    "relative": PersonKind.GUARDIAN,
}

ENROLLMENT_ROLES = frozenset({"administrator", "proctor", "student", "teacher"})

DISTRICT_ORG_TYPES = frozenset({"district", "local", "state", "national"})


def canonical_role(text: str) -> str | None:
    """The spec spelling of a role given in any case, or None when it is unknown."""
    return SIS_ROLES.get(text.strip().lower())


def suggest_role(role: str, org_type: str | None) -> SuggestedRole | None:
    """What HR might grant; ``administrator`` depends on whether its org is a district."""
    if role in ("principal", "siteAdministrator"):
        return SuggestedRole.PRINCIPAL
    if role == "districtAdministrator":
        return SuggestedRole.SUPERINTENDENT_DESIGNEE
    if role == "systemAdministrator":
        return SuggestedRole.NETWORK_ADMINISTRATOR
    if role == "administrator":
        if org_type is not None and org_type.lower() in DISTRICT_ORG_TYPES:
            return SuggestedRole.SUPERINTENDENT_DESIGNEE
        return SuggestedRole.PRINCIPAL
    return None
