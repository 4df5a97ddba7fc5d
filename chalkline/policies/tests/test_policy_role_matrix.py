"""Every persona × every staff policy page: 200 allowed, 403 visible but not allowed, 404 hidden,
302 to sign-in for anonymous visitors. The public portal needs no sign-in (test_portal.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.policies import services
from chalkline.policies.models import Guideline, GuidelineVersion, PolicyImport, PolicyVersion
from conftest import PERSONAS, World

from .factories import guideline, import_seed, seed_v2_text, small_policy


@dataclass
class Library:
    published: PolicyVersion  # 5:125 version 1
    draft: PolicyVersion  # 5:125 version 2
    draft_only: PolicyVersion  # 8:30, never published
    published_guideline: Guideline
    draft_guideline: GuidelineVersion  # a guideline never published
    policy_import: PolicyImport  # the import record of a file


@pytest.fixture
def library(world: World) -> Library:
    published = import_seed(world.district)
    draft = import_seed(world.district, text=seed_v2_text(), publish=False)
    draft_only = services.import_policy(
        district=world.district, data=small_policy("8:30", "Draft Only", "Words."), by=None
    ).version
    g = guideline(published)
    hidden = guideline(published, title="Hidden", body="x", publish=False)
    record = services.start_policy_import(
        district=world.district, data=small_policy("8:40", "Imported", "Words."), by=None
    )
    record = services.run_policy_import(import_id=record.pk)
    return Library(published, draft, draft_only, g.guideline, hidden, record)


TARGETS: dict[str, Callable[[Library], str]] = {
    "library": lambda x: reverse("policies:library"),
    "import": lambda x: reverse("policies:import"),
    "import_status": lambda x: reverse("policies:import_status", args=[x.policy_import.pk]),
    "policy": lambda x: reverse("policies:policy", args=[x.published.policy_id]),
    "policy_draft_only": lambda x: reverse("policies:policy", args=[x.draft_only.policy_id]),
    "version_published": lambda x: reverse("policies:version", args=[x.published.pk]),
    "version_draft": lambda x: reverse("policies:version", args=[x.draft.pk]),
    "edit_draft": lambda x: reverse("policies:edit_draft", args=[x.draft.pk]),
    "edit_published": lambda x: reverse("policies:edit_draft", args=[x.published.pk]),
    "publish": lambda x: reverse("policies:publish", args=[x.draft.pk]),
    "compare": lambda x: reverse("policies:compare", args=[x.published.policy_id]),
    "changes": lambda x: reverse("policies:changes", args=[x.published.policy_id]),
    "guideline_new": lambda x: reverse("policies:guideline_new", args=[x.published.policy_id]),
    "guideline": lambda x: reverse("policies:guideline", args=[x.published_guideline.pk]),
    "guideline_hidden": lambda x: reverse(
        "policies:guideline", args=[x.draft_guideline.guideline_id]
    ),
    "guideline_edit": lambda x: reverse("policies:guideline_edit", args=[x.published_guideline.pk]),
    "guideline_publish": lambda x: reverse(
        "policies:guideline_publish", args=[x.draft_guideline.pk]
    ),
}

MANAGERS = {"superintendent", "designee"}
READERS = MANAGERS | {
    "hr",
    "principal_north",
    "netadmin",
    "union_rep",
    "board_member",
    "teacher_north",
    "teacher_south",
}
# The outsider is superintendent of the other district: its own library pages work, ours are 404.
EXPECTED: dict[str, dict[int, set[str]]] = {
    "library": {200: READERS | {"outsider"}},
    "import": {200: MANAGERS | {"outsider"}},
    "import_status": {200: MANAGERS, 404: {"outsider"}},
    "policy": {200: READERS},
    "policy_draft_only": {200: MANAGERS},
    "version_published": {200: READERS},
    "version_draft": {200: MANAGERS},
    "edit_draft": {200: MANAGERS},
    "edit_published": {302: MANAGERS, 403: READERS - MANAGERS},  # managers are told it is frozen
    "publish": {200: MANAGERS},
    "compare": {200: READERS},
    "changes": {200: READERS},
    "guideline_new": {200: MANAGERS, 403: READERS - MANAGERS},
    "guideline": {200: READERS},
    "guideline_hidden": {200: MANAGERS},
    "guideline_edit": {200: MANAGERS, 403: READERS - MANAGERS},
    "guideline_publish": {200: MANAGERS},
}
# Pages that are not about one object answer 403 to those without the capability; object pages
# answer 404 (missing and hidden look the same).
OTHERWISE = {"library": 403, "import": 403, "import_status": 403}


def expected_status(persona: str, target: str) -> int:
    for status, personas in EXPECTED[target].items():
        if persona in personas:
            return status
    return OTHERWISE.get(target, 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_policy_role_matrix(world: World, library: Library, client: Client, persona: str) -> None:
    """One persona against every staff page (one fixture build per persona keeps this fast)."""
    client.force_login(world.users[persona])
    wrong = []
    for target, url in sorted(TARGETS.items()):
        got, want = client.get(url(library)).status_code, expected_status(persona, target)
        if got != want:
            wrong.append((target, got, want))
    assert wrong == [], persona


def test_anonymous_is_sent_to_sign_in(library: Library, client: Client) -> None:
    for target, url in TARGETS.items():
        response = client.get(url(library))
        assert response.status_code == 302, target
        assert response["Location"].startswith(reverse("login")), target


@pytest.mark.parametrize("persona", sorted(set(PERSONAS) - MANAGERS))
def test_only_managers_can_post_changes(
    world: World, library: Library, client: Client, persona: str
) -> None:
    client.force_login(world.users[persona])
    posts = {
        reverse("policies:import"): {"text": "Policy 9:10\n\nX\n\nWords."},
        reverse("policies:publish", args=[library.draft.pk]): {"change_summary": "x"},
        reverse("policies:edit_draft", args=[library.draft.pk]): {"text": "x"},
        reverse("policies:guideline_publish", args=[library.draft_guideline.pk]): {
            "change_summary": "x"
        },
    }
    if persona == "outsider":  # a superintendent elsewhere imports into their own district only
        del posts[reverse("policies:import")]
    for url, data in posts.items():
        assert client.post(url, data).status_code in (403, 404), (persona, url)
    library.draft.refresh_from_db()
    assert library.draft.is_draft
    assert not PolicyVersion.objects.filter(policy__number="9:010").exists()
