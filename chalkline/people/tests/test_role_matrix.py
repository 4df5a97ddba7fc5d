"""Every role × own building, other building and other district, on every view.

Expected statuses: 200 allowed, 403 visible but not allowed, 404 hidden (missing and hidden look
the same), 302 to sign-in for anonymous visitors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PERSONAS, World

# Targets are resolved against the world fixture.
TARGETS: dict[str, Callable[[World], str]] = {
    "home": lambda w: reverse("home"),
    "directory": lambda w: reverse("people:directory"),
    "building_north": lambda w: reverse("people:building", args=[w.north.pk]),
    "building_south": lambda w: reverse("people:building", args=[w.south.pk]),
    "building_other_district": lambda w: reverse("people:building", args=[w.elsewhere.pk]),
    "staff_north": lambda w: reverse("people:person", args=[w.staff_north.pk]),
    "staff_south": lambda w: reverse("people:person", args=[w.staff_south.pk]),
    "student_north": lambda w: reverse("people:person", args=[w.student_north.pk]),
    "staff_other_district": lambda w: reverse("people:person", args=[w.staff_elsewhere.pk]),
    "audit": lambda w: reverse("audit:events"),
    "audit_export": lambda w: reverse("audit:export"),
}

ALL = set(PERSONAS)
DISTRICT_STAFF_WIDE = {"superintendent", "designee", "hr", "netadmin", "union_rep"}
SEES_NORTH = DISTRICT_STAFF_WIDE | {"principal_north", "teacher_north"}
SEES_SOUTH = DISTRICT_STAFF_WIDE | {"teacher_south"}
NO_DIRECTORY = {"board_member", "guardian_north", "student_north"}

# For each target: the personas that get 200; every other persona gets the "otherwise" status.
EXPECTED: dict[str, tuple[set[str], int]] = {
    "home": (ALL, 200),
    "directory": (ALL - NO_DIRECTORY, 403),
    "building_north": (SEES_NORTH, 404),
    "building_south": (SEES_SOUTH, 404),
    "building_other_district": ({"outsider"}, 404),  # the outsider's own district
    "staff_north": (SEES_NORTH, 404),
    "staff_south": (SEES_SOUTH, 404),
    "student_north": (
        {"superintendent", "designee", "hr", "principal_north", "student_north"},
        404,
    ),
    "staff_other_district": ({"outsider"}, 404),
    "audit": ({"superintendent", "designee", "outsider"}, 403),
    "audit_export": ({"superintendent", "outsider"}, 403),
}


def expected_status(persona: str, target: str) -> int:
    allowed, otherwise = EXPECTED[target]
    return 200 if persona in allowed else otherwise


@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("persona", PERSONAS)
def test_role_matrix(world: World, client: Client, persona: str, target: str) -> None:
    client.force_login(world.users[persona])
    response = client.get(TARGETS[target](world))
    assert response.status_code == expected_status(persona, target), (persona, target)


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_anonymous_is_sent_to_sign_in(world: World, client: Client, target: str) -> None:
    response = client.get(TARGETS[target](world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_matrix_covers_every_view(world: Any) -> None:
    """A new URL must be added to TARGETS (or listed here as public) so that it gets a matrix row."""
    from django.urls import get_resolver

    public = {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "healthz",
        "switch_district",
        # Sign-in with the district's provider and the code step of a second factor (before
        # sign-in), and adding one to one's own account (no role involved):
        # chalkline/people/tests/test_sign_in_with_provider.py, test_two_factor.py
        "sso_start",
        "sso_callback",
        "two_factor_verify",
        "two_factor_setup",
        # Public certificate verification (chalkline/acks/tests/test_signing.py)
        "acks:verify",
        "api:openapi",  # the published OpenAPI document (chalkline/api/tests/test_openapi.py)
        # The public policy portal (no sign-in; chalkline/policies/tests/test_portal.py)
        "policies:portal",
        "policies:portal_search",
        "policies:portal_clause",
        "policies:portal_policy",
        "policies:portal_print",
        "policies:portal_pdf",
        "policies:portal_community",
        "policies:portal_guideline",
        # The portal's review pages (chalkline/reviews/tests/test_portal_reviews.py)
        "reviews_portal:first_reading",
        "reviews_portal:history",
        # The public SOPPA page (chalkline/registry/tests/test_public_page.py)
        "registry:public",
        "registry:public_agreement",
        # The public concerns page (chalkline/cases/tests/test_intake.py)
        "cases:public",
    }
    names: set[str] = set()

    def walk(patterns: Any, prefix: str = "") -> None:
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix)
            elif p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns)
    covered = {
        "home",
        # Acknowledgment pages: chalkline/acks/tests/test_acks_role_matrix.py
        "acks:mine",
        "acks:notifications_read",
        "acks:consent",
        "acks:assignment",
        "acks:open",
        "acks:done_reading",
        "acks:sign",
        "acks:refuse",
        "acks:certificate",
        "acks:campaign_delivery",
        "acks:campaign_delivery_retry",
        "acks:building_delivery",
        "acks:building_delivery_retry",
        "acks:scan",
        "acks:personnel_file",
        "acks:personnel_zip",
        "acks:campaigns",
        "acks:campaign_new",
        "acks:settings",
        "acks:campaign",
        "acks:launch",
        "acks:follow_up",
        "acks:campaign_export",
        "acks:building",
        "acks:distribute",
        "acks:remind",
        "acks:building_export",
        "acks:building_zip",
        "acks:paper",
        "acks:witnessed_refusal",
        "people:directory",
        "people:building",
        "people:person",
        "people:class",
        "people:imports",
        "people:import_upload",
        "people:import_takeover",
        "people:import_detail",
        "people:import_report",
        "people:role_suggestions",
        "people:role_suggestion_decide",
        # Sign-in settings: chalkline/people/tests/test_sign_in_role_matrix.py
        "people:sign_in",
        "people:sign_in_provider_new",
        "people:sign_in_provider",
        "people:sign_in_provider_active",
        "people:sign_in_passwords",
        "audit:events",
        "audit:export",
        "audit:verify",  # POST only: chalkline/audit/tests/test_audit_page.py
        # API, API tokens and draft checks: chalkline/api/tests/test_role_matrix_api.py
        "api:screen",
        "api:tokens",
        "api:revoke_token",
        "drafts:check",
        "drafts:keep",
        "drafts:kept",  # chalkline/drafts/tests/test_kept_checks.py
        # Staff policy pages: chalkline/policies/tests/test_policy_role_matrix.py
        "policies:library",
        "policies:import",
        "policies:import_status",
        "policies:policy",
        "policies:compare",
        "policies:changes",
        "policies:guideline_new",
        "policies:version",
        "policies:edit_draft",
        "policies:publish",
        "policies:guideline",
        "policies:guideline_edit",
        "policies:guideline_publish",
        # The messaging hub: chalkline/messaging/tests/test_messaging_role_matrix.py
        "messaging:inbox",
        "messaging:compose",
        "messaging:compose_check",
        "messaging:thread",
        "messaging:reply",
        "messaging:reply_check",
        "messaging:retract",
        "messaging:settings",  # chalkline/messaging/tests/test_settings_page.py
        # Records retention and disposal: chalkline/messaging/tests/test_records_pages.py
        "messaging:records_schedules",
        "messaging:records_certificates",
        "messaging:records_certificate_file",
        "messaging:records_holds",
        "messaging:records_release_hold",
        "messaging:records_disposal",
        "messaging:records_dispose",
        # Family accounts: chalkline/messaging/tests/test_family_role_matrix.py
        "messaging:invitations",
        "messaging:invitations_building",
        "messaging:claim",
        "messaging:request_sign_in_link",
        "messaging:sign_in_link",
        "messaging:preferences",
        "messaging:restrictions",
        "messaging:restrictions_student",
        "messaging:restriction_end",
        "messaging:family_settings",
        # Quiet hours and the review queue: chalkline/messaging/tests/test_review_queue.py,
        # test_quiet_hours.py
        "messaging:review_queue",
        "messaging:quiet_hours",
        "messaging:report",
        "messaging:review_item",
        # E-mail delivery: test_email_delivery.py, test_unreachable.py, test_office_hours.py
        "messaging:delivery_status",
        "messaging:unreachable",
        "messaging:office_hours",
        # Staff groups: chalkline/messaging/tests/test_staff_groups.py (test_staff_group_pages_matrix)
        "messaging:staff_groups",
        "messaging:staff_group",
        "messaging:staff_group_add_member",
        "messaging:staff_group_remove_member",
        # The archive: chalkline/messaging/tests/test_archive.py
        "messaging:archive",
        "messaging:archive_thread",
        "messaging:archive_exports",
        "messaging:archive_export_download",
        # attachments and media releases (issue 18, m18c): test_attachments.py (download),
        # test_media_releases.py (the pages and the unknown-release setting)
        "messaging:attachment",
        "messaging:media_index",
        "messaging:media_building",
        "messaging:media_unknown",
        # The registry: chalkline/registry/tests/test_registry_role_matrix.py
        "registry:apps",
        "registry:request",
        "registry:import",
        "registry:privacy_settings",
        "registry:breaches",
        "registry:breach",
        "registry:recipients",
        "registry:app",
        "registry:review",
        "registry:changes",
        "registry:refuse",
        "registry:approve",
        "registry:post",
        "registry:retire",
        "registry:agreement",
        # The District's logo: chalkline/registry/tests/test_logo_role_matrix.py
        "registry:logo_mine",
        "registry:logo_request",
        "registry:logo_review",
        "registry:logo_grant",
        "registry:logo_refuse",
        "registry:logo_revoke",
        "registry:logo_image_add",
        "registry:logo_image_remove",
        # Training: chalkline/training/tests/test_training_role_matrix.py
        "training:mine",
        "training:module",
        "training:certificate",
        "training:check_in",
        "training:manage",
        "training:training_new",
        "training:settings",
        "training:training",
        "training:session_new",
        "training:session",
        "training:attendance",
        "training:code",
        "training:reports",
        "training:report",
        # Policy reviews and the Board: chalkline/reviews/tests/test_reviews_role_matrix.py
        "reviews:dashboard",
        "reviews:schedule",
        "reviews:open",
        "reviews:reviews",
        "reviews:review",
        "reviews:edit_draft",
        "reviews:upload_draft",
        "reviews:model_updates",
        "reviews:model_change",
        "reviews:comment",
        "reviews:resolve",
        "reviews:place_on_agenda",
        "reviews:board",
        "reviews:board_item",
        "reviews:reading",
        "reviews:adopt",
        "reviews:cover_memo",
        "reviews:make_packet",
        "reviews:packet",
        # A campaign's required training: chalkline/workflows/tests/test_training_steps.py
        "steps:mine",
        "steps:campaign_training",
        # Cases: chalkline/cases/tests/test_cases_role_matrix.py
        "cases:cases",
        "cases:report",
        "cases:new",
        "cases:mandated_reports",
        "cases:mandated_log",
        "cases:case",
        "cases:export",
        "cases:triage",
        "cases:note",
        "cases:evidence",
        "cases:evidence_file",
        "cases:notice",
        "cases:respond",
        "cases:invite_rep",
        "cases:findings",
        "cases:outcome",
        "cases:acknowledge",
        "cases:refusal",
        "cases:close",
        "cases:pause",
        "cases:resume",
        "cases:disclose",
        "cases:hold",
        "cases:review",
        "cases:outcomes",
        "cases:inspections",
        "cases:inspection_extend",
        "cases:inspection_fulfil",
        # The personnel file (acks beside cases): chalkline/workflows/tests/test_personnel_file.py
        "personnel:file",
        "personnel:inspect",
    }
    assert names - covered - public == set()
