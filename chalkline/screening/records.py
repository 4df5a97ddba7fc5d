"""Plain input records for building a RosterIndex.

The Django directory (people app) and the OneRoster loader both produce these; the index never
sees an ORM object. All ids are OneRoster sourcedIds.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StudentRecord:
    sourced_id: str
    given_name: str
    family_name: str
    preferred_name: str = ""
    middle_name: str = ""
    identifier: str = ""
    username: str = ""
    email: str = ""
    birth_date: str = ""
    building_ids: tuple[str, ...] = ()
    directory_opt_out: bool = False
    #: False when the SIS says "no release" *or* says nothing: no release on file.
    media_release: bool = False


@dataclass(frozen=True, slots=True)
class GuardianRecord:
    sourced_id: str
    student_ids: tuple[str, ...] = ()
    given_name: str = ""
    family_name: str = ""
    email: str = ""


@dataclass(frozen=True, slots=True)
class StaffRecord:
    sourced_id: str
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    username: str = ""
    building_ids: tuple[str, ...] = ()
    logo_permission: bool = False


@dataclass(frozen=True, slots=True)
class ClassRecord:
    sourced_id: str
    title: str = ""
    building_id: str = ""


@dataclass(frozen=True, slots=True)
class EnrollmentRecord:
    class_id: str
    user_id: str
    role: str  # "student" or "teacher" (aide, administrator... count as teacher)


@dataclass(frozen=True, slots=True)
class LogoRecord:
    name: str
    image: bytes
