"""Roles and what each one may do. The single place where capabilities are granted.

A membership's scope is either the whole district (no building) or one building. Building-scoped
capabilities held through a building membership apply to that building only.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class Role(models.TextChoices):
    SUPERINTENDENT = "superintendent", "Superintendent"
    DESIGNEE = "designee", "Superintendent's designee"
    HR = "hr", "Human resources"
    PRINCIPAL = "principal", "Building principal"
    NETWORK_ADMIN = "network_admin", "Network administrator"
    EMPLOYEE_REP = "employee_rep", "Employee representative"
    BOARD_MEMBER = "board_member", "Board member"
    EMPLOYEE = "employee", "Employee"
    # Issue 18: the building's registrar (family accounts, media releases and directory opt-outs)
    # and the district's records officer (Local Records Act, 50 ILCS 205: the message archive,
    # FOIA and parent-request exports, legal holds, retention schedules and disposal).
    REGISTRAR = "registrar", "Registrar"
    RECORDS_OFFICER = "records_officer", "Records officer"
    GUARDIAN = "guardian", "Parent or guardian"
    STUDENT = "student", "Student"


class Capability(StrEnum):
    VIEW_STAFF_DIRECTORY = "view_staff_directory"
    VIEW_STUDENTS = "view_students"
    VIEW_PERSON_RECORDS = "view_person_records"
    MANAGE_DIRECTORY = "manage_directory"
    VIEW_AUDIT = "view_audit"
    EXPORT_AUDIT = "export_audit"
    READ_POLICIES = "read_policies"
    MANAGE_POLICIES = "manage_policies"
    SCREEN_DRAFTS = "screen_drafts"
    MANAGE_API_TOKENS = "manage_api_tokens"
    MANAGE_CAMPAIGNS = "manage_campaigns"
    DISTRIBUTE_CAMPAIGN = "distribute_campaign"
    VIEW_ACK_RECORDS = "view_ack_records"
    # What is coming to the Board: policies with drafts, recent revisions, later reviews.
    VIEW_BOARD_AGENDA = "view_board_agenda"
    # The registry of approved accounts and applications (SOPPA): staff ask for an app, the
    # network administrator reviews it, the official the district authorizes approves it, posts
    # the agreement, logs breaches and edits the public privacy page.
    REQUEST_APPS = "request_apps"
    REVIEW_APPS = "review_apps"
    APPROVE_APPS = "approve_apps"
    # Training (issue 21): write trainings and schedule sessions (a principal for the building),
    # and see who completed them.
    MANAGE_TRAINING = "manage_training"
    VIEW_TRAINING_RECORDS = "view_training_records"
    # Sign-in (issue 20): the district's identity providers and whether staff may still sign in
    # with a Chalkline password (the superintendent and the designee).
    MANAGE_SIGN_IN = "manage_sign_in"
    # The District's logo (issue 21, point 7; Policy 5:125 duty 7): staff ask for permission to
    # use it for a purpose, the superintendent or designee grants, refuses or revokes it.
    REQUEST_LOGO_USE = "request_logo_use"
    GRANT_LOGO_USE = "grant_logo_use"
    # Cases (issue 19): enter a case by hand and see the cases one is named on as a manager;
    # see the mandated-report log (to support, never to approve); the periodic-review counts.
    MANAGE_CASES = "manage_cases"
    VIEW_MANDATED_REPORT_LOG = "view_mandated_report_log"
    VIEW_CASE_REPORTS = "view_case_reports"
    # Messaging hub (issue 18): write to the families and students of one's own classes (any
    # staff member who teaches them), to a building's families and staff (its principal), to
    # the whole district (the superintendent and the designee).
    MESSAGE_OWN_CLASSES = "message_own_classes"
    MESSAGE_BUILDING = "message_building"
    MESSAGE_DISTRICT = "message_district"
    # ... and choose what each screening finding does to a message, and the hub's settings
    # (the superintendent and the designee).
    MANAGE_MESSAGING = "manage_messaging"
    # Policy reviews (issue 22): keep the review schedule, open reviews, name participants, edit
    # the draft, resolve comments and take it to the Board; take part in a review one is named on
    # (comment, propose wording, reply). Board members hold neither: they read, never comment.
    MANAGE_REVIEWS = "manage_reviews"
    TAKE_PART_IN_REVIEWS = "take_part_in_reviews"
    # Messaging hub, the rest of issue 18. Invite guardians and students to accounts from the
    # roster's e-mail addresses (a building's registrar or principal; the district office).
    INVITE_FAMILIES = "invite_families"
    # Keep court-order and no-contact restrictions on who hears about a student (a principal).
    MANAGE_CONTACT_RESTRICTIONS = "manage_contact_restrictions"
    # Record media releases and directory opt-outs (a principal or the registrar).
    MANAGE_MEDIA_RELEASES = "manage_media_releases"
    # Mark a message written in quiet hours urgent, with a reason, so it is delivered now.
    MARK_URGENT = "mark_urgent"
    # Work the review queue: overridden findings and reported messages (a principal for the
    # building; the designee district-wide and for escalations).
    REVIEW_MESSAGES = "review_messages"
    # The archive: search every message and export (FOIA, a parent's request, a legal hold).
    SEARCH_MESSAGE_ARCHIVE = "search_message_archive"
    # Retention schedules, disposal certificates, legal holds and disposal runs.
    MANAGE_RECORDS_RETENTION = "manage_records_retention"
    # Staff groups (a messaging audience: "Grade 3 team", "Coaches"): create them, name them and
    # keep their members (a principal for the building's groups; the superintendent and the
    # designee for every group, district-wide ones included). Writing to a group is for its
    # members and those who keep it (messaging/access.py).
    MANAGE_STAFF_GROUPS = "manage_staff_groups"


C = Capability

# Capabilities that make sense only district-wide: a building membership never grants them.
DISTRICT_ONLY: frozenset[Capability] = frozenset(
    {
        C.VIEW_AUDIT,
        C.EXPORT_AUDIT,
        C.MANAGE_DIRECTORY,
        C.MANAGE_POLICIES,
        C.MANAGE_API_TOKENS,
        C.MANAGE_CAMPAIGNS,
        C.VIEW_BOARD_AGENDA,
        C.REVIEW_APPS,
        C.APPROVE_APPS,
        C.MANAGE_SIGN_IN,
        C.GRANT_LOGO_USE,
        C.MANAGE_CASES,
        C.VIEW_MANDATED_REPORT_LOG,
        C.VIEW_CASE_REPORTS,
        C.MESSAGE_DISTRICT,
        C.MANAGE_MESSAGING,
        C.MANAGE_REVIEWS,
        C.SEARCH_MESSAGE_ARCHIVE,
        C.MANAGE_RECORDS_RETENTION,
    }
)

_STAFF_BASE = frozenset(
    {
        C.READ_POLICIES,
        C.SCREEN_DRAFTS,
        C.REQUEST_APPS,
        C.REQUEST_LOGO_USE,
        C.MESSAGE_OWN_CLASSES,
        C.TAKE_PART_IN_REVIEWS,
    }
)

CAPABILITIES: dict[str, frozenset[Capability]] = {
    Role.SUPERINTENDENT: frozenset(C),
    Role.DESIGNEE: frozenset(C) - {C.EXPORT_AUDIT},
    Role.HR: _STAFF_BASE
    | {C.VIEW_STAFF_DIRECTORY, C.VIEW_STUDENTS, C.VIEW_PERSON_RECORDS, C.MANAGE_DIRECTORY}
    | {C.MANAGE_CAMPAIGNS, C.DISTRIBUTE_CAMPAIGN, C.VIEW_ACK_RECORDS}
    | {C.MANAGE_TRAINING, C.VIEW_TRAINING_RECORDS}
    | {C.MANAGE_CASES, C.VIEW_CASE_REPORTS},
    Role.PRINCIPAL: _STAFF_BASE
    | {C.VIEW_STAFF_DIRECTORY, C.VIEW_STUDENTS, C.VIEW_PERSON_RECORDS}
    | {C.DISTRIBUTE_CAMPAIGN, C.VIEW_ACK_RECORDS}
    | {C.MANAGE_TRAINING, C.VIEW_TRAINING_RECORDS}
    | {C.MESSAGE_BUILDING, C.INVITE_FAMILIES, C.MANAGE_CONTACT_RESTRICTIONS}
    | {C.MANAGE_MEDIA_RELEASES, C.MARK_URGENT, C.REVIEW_MESSAGES, C.MANAGE_STAFF_GROUPS},
    Role.NETWORK_ADMIN: _STAFF_BASE | {C.VIEW_STAFF_DIRECTORY, C.MANAGE_API_TOKENS, C.REVIEW_APPS},
    Role.EMPLOYEE_REP: _STAFF_BASE | {C.VIEW_STAFF_DIRECTORY},
    Role.BOARD_MEMBER: frozenset({C.READ_POLICIES, C.VIEW_BOARD_AGENDA}),
    Role.EMPLOYEE: _STAFF_BASE | {C.VIEW_STAFF_DIRECTORY},
    Role.REGISTRAR: _STAFF_BASE
    | {C.VIEW_STAFF_DIRECTORY, C.VIEW_STUDENTS, C.VIEW_PERSON_RECORDS}
    | {C.INVITE_FAMILIES, C.MANAGE_MEDIA_RELEASES},
    Role.RECORDS_OFFICER: _STAFF_BASE
    | {C.VIEW_STAFF_DIRECTORY, C.SEARCH_MESSAGE_ARCHIVE, C.MANAGE_RECORDS_RETENTION},
    Role.GUARDIAN: frozenset(),
    Role.STUDENT: frozenset(),
}

# Roles whose holders are district staff (they sign acknowledgments, see staff pages).
STAFF_ROLES: frozenset[str] = frozenset(
    {
        Role.SUPERINTENDENT,
        Role.DESIGNEE,
        Role.HR,
        Role.PRINCIPAL,
        Role.NETWORK_ADMIN,
        Role.EMPLOYEE_REP,
        Role.EMPLOYEE,
        Role.REGISTRAR,
        Role.RECORDS_OFFICER,
    }
)


def capabilities_of(role: str, *, district_wide: bool) -> frozenset[Capability]:
    caps = CAPABILITIES.get(role, frozenset())
    return caps if district_wide else caps - DISTRICT_ONLY
