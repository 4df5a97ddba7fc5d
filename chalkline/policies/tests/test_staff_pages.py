"""Staff pages through HTTP: import (upload and paste, with every kind of bad input), edit,
publish, compare, what-changed, guidelines."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from chalkline.audit.models import AuditEvent
from chalkline.policies.models import (
    Guideline,
    GuidelineVersion,
    Policy,
    PolicyVersion,
    VersionStatus,
)
from chalkline.policies.parsing import MAX_POLICY_BYTES

from .factories import LOGO_NEW, SEED_TEXT, guideline, import_seed, seed_v2_text
from .helpers import DATA, SEED

pytestmark = pytest.mark.django_db
IMPORT = reverse("policies:import")


@pytest.fixture
def manager(client: Client, world) -> Client:
    client.force_login(world.users["superintendent"])
    return client


def upload(name: str, data: bytes, content_type: str = "text/plain") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_a_manager_imports_a_policy_file_as_a_draft(manager: Client, world) -> None:
    response = manager.post(IMPORT, {"file": upload(SEED.name, SEED.read_bytes())})
    version = PolicyVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:version", args=[version.pk])
    assert (
        version.status == VersionStatus.DRAFT
        and version.created_by == world.users["superintendent"]
    )
    assert version.source_filename == SEED.name
    assert AuditEvent.objects.filter(action="policies.imported", target_id=str(version.pk)).exists()
    page = manager.get(response["Location"])
    assert "Publish this draft" in page.content.decode()
    assert "5:125/use-of-personal-technology/6" in page.content.decode()


def test_a_manager_imports_pasted_text(manager: Client) -> None:
    response = manager.post(IMPORT, {"text": SEED_TEXT})
    assert response.status_code == 302
    assert Policy.objects.get().number == "5:125"


def test_reimporting_unchanged_text_says_so(manager: Client, world) -> None:
    import_seed(world.district)
    response = manager.post(IMPORT, {"text": SEED_TEXT}, follow=True)
    assert "identical to version 1" in response.content.decode()
    assert PolicyVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The submitted file is empty."),
        (b"   \n\n  ", "The file is empty."),
        (b"\x00\x01\x02\x03" * 500, "The file is binary"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "looks like a PNG image"),
    ],
)
def test_bad_files_get_a_clear_message(manager: Client, data: bytes, message: str) -> None:
    response = manager.post(IMPORT, {"file": upload("policy.txt", data)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Policy.objects.exists()


def test_a_50_mb_file_is_refused_before_it_is_read(manager: Client) -> None:
    big = upload("manual.txt", b"a" * (50 * 1024 * 1024))
    response = manager.post(IMPORT, {"file": big})
    assert response.status_code == 413
    assert "50.0 MB; the limit for a policy is 5 MB" in response.content.decode()
    assert not Policy.objects.exists()


def test_a_file_just_over_the_limit_is_refused_by_the_form(manager: Client) -> None:
    response = manager.post(IMPORT, {"file": upload("p.txt", b"a" * (MAX_POLICY_BYTES + 10))})
    assert response.status_code == 400
    assert "the limit for a policy is 5 MB" in response.content.decode()


def test_scripts_in_html_are_stripped_and_never_rendered(manager: Client) -> None:
    html = (DATA / "boarddocs-5125.html").read_bytes()
    evil = html.replace(
        b"</body>",
        b"<script>window.stolen = document.cookie</script>"
        b"<p>Extra <script src='https://evil.example/x.js'></script>line.</p></body>",
    )
    response = manager.post(IMPORT, {"file": upload("5125.html", evil, "text/html")})
    assert response.status_code == 302
    version = PolicyVersion.objects.get()
    assert "stolen" not in version.canonical_text and "evil.example" not in version.canonical_text
    for url in (response["Location"], reverse("policies:policy", args=[version.policy_id])):
        body = manager.get(url).content.decode()
        assert "stolen" not in body and "evil.example" not in body
        # the only scripts on the page are the site's own two (htmx and chalkline.js)
        assert len(re.findall(r"<script\b", body)) == 2
    assert "script element(s) from the HTML" in manager.get(response["Location"]).content.decode()


def test_a_text_without_number_makes_the_form_ask_for_one(manager: Client) -> None:
    text = "Staff Conduct\n\nEmployees shall behave professionally at all times.\n"
    first = IMPORT
    assert 'name="number"' not in manager.get(first).content.decode()
    response = manager.post(first, {"text": text})
    body = response.content.decode()
    assert response.status_code == 400
    assert "No policy number was found in the text. Enter the policy number." in body
    assert re.search(r'<input[^>]*name="number"[^>]*required', body)
    assert "Employees shall behave professionally" in body  # the pasted text is kept
    missing = manager.post(first, {"text": text, "ask_number": "True"})
    assert missing.status_code == 400 and "This field is required." in missing.content.decode()
    done = manager.post(first, {"text": text, "ask_number": "True", "number": "3:40"})
    assert done.status_code == 302
    assert Policy.objects.get().number == "3:040"


def test_an_unknown_date_format_is_kept_as_text_with_a_warning(manager: Client) -> None:
    text = SEED_TEXT.replace(
        "Revised: May 23, 2016; December 16, 2019", "Revised: the Ides of March"
    )
    response = manager.post(IMPORT, {"text": text})
    version = PolicyVersion.objects.get()
    page = manager.get(response["Location"]).content.decode()
    assert "Could not read the revised date" in page and "kept as text" in page
    assert "the Ides of March" in page
    assert version.revised_on is None


def test_edit_and_publish_a_draft_through_the_forms(manager: Client, world) -> None:
    import_seed(world.district)
    manager.post(
        IMPORT,
        {
            "text": SEED_TEXT.replace(
                "Refrain from using the District’s logos without permission.", "Refrain from logos."
            )
        },
    )
    draft = PolicyVersion.objects.get(status=VersionStatus.DRAFT)
    edit = reverse("policies:edit_draft", args=[draft.pk])
    assert manager.get(edit).status_code == 200
    response = manager.post(
        edit, {"text": seed_v2_text(), "adopted_on": "", "revised_on": "2024-06-01"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert LOGO_NEW in draft.canonical_text and str(draft.revised_on) == "2024-06-01"
    publish = reverse("policies:publish", args=[draft.pk])
    page = manager.get(publish).content.decode()
    assert "<ins>" in page and "mascots" in page  # the publish page shows what changes
    refused = manager.post(publish, {"change_summary": "", "material": "on"})
    assert refused.status_code == 400
    assert PolicyVersion.objects.get(pk=draft.pk).status == VersionStatus.DRAFT
    ok = manager.post(publish, {"change_summary": "Logos, mascots and training", "material": "on"})
    assert ok.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED and draft.material
    assert AuditEvent.objects.filter(action="policies.published", target_id=str(draft.pk)).exists()
    # a published version cannot be edited or published again through the pages
    assert manager.post(edit, {"text": "x"}).status_code == 302
    assert PolicyVersion.objects.get(pk=draft.pk).canonical_text == draft.canonical_text


def test_compare_any_two_versions_word_by_word(manager: Client, world) -> None:
    v1 = import_seed(world.district)
    v2 = import_seed(world.district, text=seed_v2_text())
    url = reverse("policies:compare", args=[v1.policy_id])
    body = manager.get(url, {"from": v2.pk, "to": v1.pk}).content.decode()
    assert "Changes from version 1 to version 2" in body
    assert '<ins><span class="visually-hidden">[inserted: </span>or mascots' in body
    assert "[deleted: " in body or "<del>" in body
    assert manager.get(url, {"from": v1.pk, "to": 999999}).status_code == 200  # invalid choice


def test_changes_since_the_signed_version_lists_clauses(client: Client, world) -> None:
    v1 = import_seed(world.district)
    v2 = import_seed(world.district, text=seed_v2_text())
    client.force_login(world.users["teacher_north"])
    url = reverse("policies:changes", args=[v1.policy_id])
    body = client.get(url, {"from": v1.pk, "to": v2.pk}).content.decode()
    assert "At least one of these changes is <strong>material</strong>" in body
    assert "Added</strong> <code>" in body
    assert "Changed</strong> <code>5:125/use-of-personal-technology/7</code>" in body
    assert "Version 2 (material): Adopted text" in body


def test_readers_see_published_versions_only(client: Client, world) -> None:
    v1 = import_seed(world.district)
    draft = import_seed(world.district, text=seed_v2_text(), publish=False)
    client.force_login(world.users["teacher_south"])
    library = client.get(reverse("policies:library")).content.decode()
    assert "5:125" in library and "Draft version" not in library
    policy = client.get(reverse("policies:policy", args=[v1.policy_id])).content.decode()
    assert "Version 2" not in policy and "mascots" not in policy
    assert client.get(reverse("policies:version", args=[draft.pk])).status_code == 404
    compare = client.get(
        reverse("policies:compare", args=[v1.policy_id]), {"from": v1.pk, "to": draft.pk}
    )
    assert "mascots" not in compare.content.decode()


def test_library_search_finds_published_text_only(manager: Client, world) -> None:
    import_seed(world.district)
    import_seed(world.district, text=seed_v2_text(), publish=False)
    found = manager.get(reverse("policies:library"), {"q": "logos permission"}).content.decode()
    assert "Results for" in found and "5:125" in found
    assert "(0)" in manager.get(reverse("policies:library"), {"q": "mascots"}).content.decode()
    partial = manager.get(
        reverse("policies:library"), {"q": "logos"}, headers={"HX-Request": "true"}
    )
    assert partial.content.decode().lstrip().startswith('<section id="results"')


def test_guidelines_are_drafted_published_and_rendered_safely(manager: Client, world) -> None:
    v1 = import_seed(world.district)
    new = reverse("policies:guideline_new", args=[v1.policy_id])
    markdown = (
        "# Texting families\n\nUse **the hub**.\n\n<script>alert(1)</script>\n\n"
        "[click](javascript:alert(2)) <img src=x onerror=alert(3)>\n"
    )
    response = manager.post(
        new, {"kind": "guideline", "title": "Texting families", "body": markdown}
    )
    assert response.status_code == 302
    g = Guideline.objects.get()
    body = manager.get(response["Location"]).content.decode()
    assert "<strong>the hub</strong>" in body
    assert "<script>alert" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert 'href="javascript:' not in body and "<img src=x" not in body
    draft = GuidelineVersion.objects.get()
    publish = reverse("policies:guideline_publish", args=[draft.pk])
    assert manager.post(publish, {"change_summary": ""}).status_code == 400
    assert manager.post(publish, {"change_summary": "First"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert AuditEvent.objects.filter(action="policies.guideline_published").exists()
    edit = reverse("policies:guideline_edit", args=[g.pk])
    assert (
        manager.post(edit, {"title": "Texting families", "body": "Use the hub only."}).status_code
        == 302
    )
    assert g.versions.count() == 2 and g.versions.get(seq=2).status == VersionStatus.DRAFT


def test_the_community_page_form_starts_from_the_default_text(manager: Client, world) -> None:
    v1 = import_seed(world.district)
    url = reverse("policies:guideline_new", args=[v1.policy_id]) + "?kind=community"
    body = manager.get(url).content.decode()
    assert "What Policy 5:125 means for your family" in body
    guideline(v1, kind="community", title="For families", body="Plain words.")
    again = manager.post(
        reverse("policies:guideline_new", args=[v1.policy_id]),
        {"kind": "community", "title": "Second", "body": "x"},
    )
    assert again.status_code == 400 and "already has a community page" in again.content.decode()
