"""The public portal: no sign-in, published versions only, drafts never leak, 404 elsewhere."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from chalkline.policies import services
from chalkline.policies.models import PolicyVersion

from .factories import LOGO_NEW, guideline, import_seed, seed_v2_text, small_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(world) -> PolicyVersion:
    version = import_seed(world.district)
    # a second policy, published, cited by 5:125; and a draft of 5:125 that must never leak
    services.publish_policy_version(
        version=services.import_policy(
            district=world.district,
            data=small_policy("5:170", "Copyright", "Staff follow copyright law."),
            by=None,
        ).version,
        change_summary="Adopted",
        material=False,
        by=None,
    )
    import_seed(world.district, text=seed_v2_text(), publish=False)
    services.import_policy(
        district=world.district,
        data=small_policy("8:30", "Secret Draft Policy", "Zanzibar draft wording."),
        by=None,
    )
    return version


def portal(name: str, *args: str) -> str:
    return reverse(f"policies:{name}", args=["prairie", *args])


def every_public_page(published: PolicyVersion) -> list[str]:
    return [
        portal("portal"),
        portal("portal_policy", "5:125"),
        portal("portal_print", "5:125"),
        portal("portal_community", "5:125"),
        portal("portal_clause", "5:125/use-of-personal-technology/7"),
        portal("portal_search") + "?q=logos",
        portal("portal_search") + "?q=mascots",
        portal("portal_search") + "?q=Zanzibar",
    ]


def test_the_index_lists_published_policies_by_section(client: Client, published) -> None:
    response = client.get(portal("portal"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "General Personnel" in body
    assert "Personal Technology and Social Media; Usage and Conduct" in body
    assert "Copyright" in body
    assert "Secret Draft Policy" not in body


def test_drafts_never_leak(client: Client, published) -> None:
    for url in every_public_page(published):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        if "?q=" in url:  # the query is echoed back; what matters is that nothing matched
            if "logos" not in url:
                assert "No policy matches." in body, url
            body = body.replace(url.split("?q=")[1], "")
        assert "mascots" not in body and LOGO_NEW not in body, url
        assert "Zanzibar" not in body and "Secret Draft" not in body, url
    assert client.get(portal("portal_policy", "8:30")).status_code == 404
    assert client.get(portal("portal_policy", "8:030")).status_code == 404


def test_unknown_district_or_policy_is_404(client: Client, published) -> None:
    assert client.get(reverse("policies:portal", args=["no-such-district"])).status_code == 404
    assert client.get(portal("portal_policy", "9:999")).status_code == 404
    assert client.get("/d/prairie/policies/%3Cscript%3E/").status_code == 404
    # the other district has no policies and shows none of ours
    other = client.get(reverse("policies:portal", args=["elsewhere"])).content.decode()
    assert "5:125" not in other and "No policies are published yet." in other


def test_the_policy_page_shows_current_text_history_and_links(client: Client, published) -> None:
    body = client.get(portal("portal_policy", "5:125")).content.decode()
    assert 'id="5:125/use-of-personal-technology/6"' in body
    assert "Not disclose student record information" in body
    assert portal("portal_clause", "5:125/use-of-personal-technology/6") in body
    assert portal("portal_print", "5:125") in body and portal("portal_pdf", "5:125") in body
    assert "Version 1, published" in body and "Adopted text" in body
    assert published.sha256 in body
    assert '<time datetime="2014-09-29">' in body
    # cited policy that is published links; unpublished ones are plain text
    assert portal("portal_policy", "5:170") in body
    assert portal("portal_policy", "5:120") not in body
    assert "23 Ill.Admin.Code §22.20" in body


def test_a_policy_number_resolves_in_any_written_form(client: Client, published) -> None:
    assert client.get(portal("portal_policy", "5.125")).status_code == 200
    assert client.get(portal("portal_policy", "5:170")).status_code == 200


def test_the_printable_view_and_the_pdf(client: Client, published) -> None:
    printable = client.get(portal("portal_print", "5:125"))
    body = printable.content.decode()
    assert printable.status_code == 200
    assert "policies/print.css" in body and "<script" not in body
    assert "Use your browser's Print command" in body
    pdf = client.get(portal("portal_pdf", "5:125"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert 'filename="policy-5-125-v1.pdf"' in pdf["Content-Disposition"]


def test_a_clause_page_resolves_by_id(client: Client, published) -> None:
    response = client.get(portal("portal_clause", "5:125/use-of-personal-technology/6"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Not disclose student record information" in body
    assert "Use of Personal Technology" in body  # its parent section
    section = client.get(portal("portal_clause", "5:125/the-superintendent-or-designee-shall/3"))
    assert "Provide their building staff with a copy of this policy" in section.content.decode()
    assert client.get(portal("portal_clause", "5:125/no-such-section/1")).status_code == 404
    assert client.get("/d/prairie/policies/clause/5:125/a/b/c/d/e/f/g/").status_code == 404
    assert client.get("/d/prairie/policies/clause/5:125/%3Cb%3E/").status_code == 404
    assert client.get(portal("portal_clause", "5:125/definitions/social-media")).status_code == 200


def test_search_finds_published_text(client: Client, published) -> None:
    body = client.get(portal("portal_search"), {"q": "logos permission"}).content.decode()
    assert "<mark>logos</mark>" in body and "5:125" in body
    number = client.get(portal("portal_search"), {"q": "5:170"}).content.decode()
    assert "Copyright" in number
    for nasty in ('"', "NEAR(a b)", "a OR", "*", "title:x", "' OR 1=1 --", "<script>"):
        response = client.get(portal("portal_search"), {"q": nasty})
        assert response.status_code == 200, nasty
        assert "<script>" not in response.content.decode().split("</header>", 1)[1]
    partial = client.get(portal("portal_search"), {"q": "logos"}, headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<section id="results"')


def test_guidelines_and_the_community_page(client: Client, published) -> None:
    guideline(published, title="Texting families", body="Use **the hub** only.")
    guideline(published, title="Unpublished idea", body="Draft words.", publish=False)
    body = client.get(portal("portal_policy", "5:125")).content.decode()
    assert "Texting families" in body and "Unpublished idea" not in body
    page = client.get(portal("portal_guideline", "5:125", "texting-families")).content.decode()
    assert "<strong>the hub</strong>" in page
    assert client.get(portal("portal_guideline", "5:125", "unpublished-idea")).status_code == 404
    default = client.get(portal("portal_community", "5:125")).content.decode()
    assert "What Policy 5:125 means for your family" in default
    guideline(published, kind="community", title="For our families", body="Our own words.")
    edited = client.get(portal("portal_community", "5:125")).content.decode()
    assert "Our own words." in edited and "means for your family" not in edited
    # a policy without a default text and without a page has no community page
    assert client.get(portal("portal_community", "5:170")).status_code == 404
