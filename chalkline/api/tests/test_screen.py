"""POST /api/v1/screen: the contract (fields, spans that index the text) and bad input."""

from __future__ import annotations

import base64
import io
import json
import re
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from chalkline.api import contract
from chalkline.api.models import ApiToken
from chalkline.api.openapi import openapi_document
from chalkline.api.tests.conftest import Api
from chalkline.api.tests.schema import validate
from chalkline.audit.models import AuditEvent
from chalkline.people.roster_index import key_of
from chalkline.screening import CLAUSES
from conftest import World

DOC = openapi_document()


def body(text: str, kind: str = "public", **audience: Any) -> dict[str, Any]:
    return {
        "text": text,
        "sender": {"role": "teacher", "id": "t-1"},
        "audience": {"kind": kind, **audience},
    }


def assert_matches_schema(payload: Any, name: str) -> None:
    validate(payload, {"$ref": f"#/components/schemas/{name}"}, DOC)


def screened(api: Api, payload: Any) -> dict[str, Any]:
    response = api.post(payload)
    assert response.status_code == 200, response.content
    data = response.json()
    assert_matches_schema(data, "ScreenResponse")
    return data


# --- the contract ----------------------------------------------------------------------------


def test_a_student_named_in_a_public_post_is_a_finding_whose_span_indexes_the_text(
    world: World, api: Api
) -> None:
    text = "Big congratulations to Maria Garcia on the science fair!"
    data = screened(api, body(text))
    (finding,) = [f for f in data["findings"] if f["detector"] == "student_name"]
    assert text[finding["start"] : finding["end"]] == "Maria Garcia"
    assert finding["severity"] == "block"
    assert finding["clause"] == CLAUSES["student_name"]
    assert finding["student"] == key_of(world.student_north)
    assert finding["message"] and finding["fix"]
    assert set(finding) >= {
        "detector",
        "start",
        "end",
        "severity",
        "clause",
        "student",
        "message",
        "fix",
    }


def test_the_same_name_to_the_students_own_family_is_fine(world: World, api: Api) -> None:
    data = screened(
        api,
        body(
            "Maria Garcia did great today.",
            "direct",
            recipients=[key_of(world.guardian_north)],
        ),
    )
    assert [f for f in data["findings"] if f["detector"] == "student_name"] == []


def test_a_clean_message_has_no_findings_and_echoes_the_id(world: World, api: Api) -> None:
    data = screened(api, {**body("The book fair opens Monday."), "id": "m-42"})
    assert data == {"id": "m-42", "findings": []}


def test_a_personal_channel_is_found_with_its_span(world: World, api: Api) -> None:
    text = "Questions? Text me on my personal cell 217-555-0142."
    data = screened(api, body(text, "direct", recipients=[key_of(world.guardian_north)]))
    spans = [text[f["start"] : f["end"]] for f in data["findings"]]
    assert any(f["detector"] == "personal_channel" for f in data["findings"])
    assert all(s and s in text for s in spans)


def test_html_is_screened_as_visible_text_and_scripts_are_ignored(world: World, api: Api) -> None:
    html = (
        '<p>Well done <b>Maria Garcia</b>!</p><script>var x = "Maria Garcia";</script>'
        "<style>p{}</style><!-- Maria Garcia -->"
    )
    data = screened(
        api, {"html": html, "sender": {"role": "teacher"}, "audience": {"kind": "public"}}
    )
    text = data["screened_text"]
    assert "var x" not in text and "<" not in text
    names = [f for f in data["findings"] if f["detector"] == "student_name"]
    assert len(names) == 1
    assert text[names[0]["start"] : names[0]["end"]] == "Maria Garcia"


def test_the_cli_form_text_with_html_true_is_accepted(world: World, api: Api) -> None:
    data = screened(
        api,
        {
            "text": "<p>Hi <i>Maria Garcia</i></p>",
            "html": True,
            "sender": {"role": "teacher"},
            "audience": {"kind": "class", "class": "c-1"},
        },
    )
    assert data["screened_text"].strip().startswith("Hi Maria Garcia")
    assert any(f["detector"] == "student_name" for f in data["findings"])


def test_an_abuse_disclosure_from_a_student_carries_the_hotline(world: World, api: Api) -> None:
    data = screened(
        api,
        {
            "text": "My stepdad hits me and I am scared to go home.",
            "sender": {"role": "student", "id": key_of(world.student_north)},
            "audience": {"kind": "direct", "recipients": ["t-1"]},
        },
    )
    found = [f for f in data["findings"] if f["detector"] == "abuse_disclosure"]
    assert found
    assert all(f["hotline"] == "1-800-252-2873" and f["severity"] == "warn" for f in found)


def test_only_an_audit_event_with_counts_is_kept(
    world: World, api: Api, api_token: tuple[ApiToken, str]
) -> None:
    before = AuditEvent.objects.count()
    text = "Congratulations Maria Garcia! DM me on Snapchat."
    data = screened(api, body(text))
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("seq")
    assert event.action == "api.screened"
    assert event.target_id == str(api_token[0].pk)
    after = json.loads(event.after)
    assert after["findings"] == len(data["findings"])
    assert after["detectors"]["student_name"] == 1
    dumped = json.dumps([event.before, event.after])
    assert "Maria" not in dumped and "Snapchat" not in dumped
    api_token[0].refresh_from_db()
    assert api_token[0].last_used_at is not None


def test_tokens_see_only_their_own_district(world: World, client: Client) -> None:
    from chalkline.api.services import create_api_token

    _, plain = create_api_token(district=world.other_district, name="other", by=None)
    data = screened(Api(client, plain), body("Congratulations to Maria Garcia!"))
    assert [f for f in data["findings"] if f["detector"] == "student_name"] == []


# --- bad input -------------------------------------------------------------------------------


def error_of(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    payload = response.json()
    assert_matches_schema(payload, "Error")
    return payload["error"]


def test_empty_body_is_400(world: World, api: Api) -> None:
    assert error_of(api.post(b""), 400)["code"] == "empty_body"


def test_empty_text_is_400_naming_the_field(world: World, api: Api) -> None:
    error = error_of(api.post(body("   ")), 400)
    assert error["field"] == "text"


def test_ten_megabytes_is_413(world: World, api: Api) -> None:
    big = body("a" * (10 * 1024 * 1024))
    error = error_of(api.post(big), 413)
    assert error["code"] == "too_large"
    assert "limit" in error["message"]


def test_text_over_the_limit_is_413_naming_text(world: World, api: Api) -> None:
    error = error_of(api.post(body("word " * (contract.MAX_TEXT_CHARS // 4))), 413)
    assert error["field"] == "text"


def test_invalid_utf8_is_400(world: World, api: Api) -> None:
    raw = b'{"text": "caf\xe9 \xff", "sender": {"role": "teacher"}, "audience": {"kind": "public"}}'
    error = error_of(api.post(raw), 400)
    assert error["code"] == "invalid_utf8"
    assert "byte 13" in error["message"]


@pytest.mark.parametrize(
    "raw",
    [b"{", b"[1, 2", b"{'text': 1}", b"NaN", b"[" * 100_000, b'{"text": "a"} trailing'],
)
def test_invalid_json_is_400(world: World, api: Api, raw: bytes) -> None:
    assert error_of(api.post(raw), 400)["code"] == "invalid_json"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ([], ""),
        ({"text": "hi", "audience": {"kind": "public"}}, "sender"),
        ({"text": "hi", "sender": {"role": ""}, "audience": {"kind": "public"}}, "sender.role"),
        (
            {"text": "hi", "sender": {"role": "teacher"}, "audience": {"kind": "tv"}},
            "audience.kind",
        ),
        (
            {
                "text": "hi",
                "sender": {"role": "t"},
                "audience": {"kind": "direct", "recipients": ["a", 7]},
            },
            "audience.recipients[1]",
        ),
        ({**body("hi"), "colour": "red"}, "colour"),
        ({**body("hi"), "text": 5}, "text"),
        ({**body("hi"), "html": "<p>x</p>"}, "html"),
        ({**body("hi"), "attachments": {}}, "attachments"),
        ({**body("hi"), "attachments": [{"filename": "a.jpg"}]}, "attachments[0].content_base64"),
    ],
)
def test_invalid_fields_are_400_naming_the_field(
    world: World, api: Api, payload: Any, field: str
) -> None:
    error = error_of(api.post(payload), 400)
    assert error["code"] == "invalid_field"
    assert error.get("field", "") == field


def test_corrupt_base64_is_400_naming_the_attachment(world: World, api: Api) -> None:
    payload = {
        **body("see photo"),
        "attachments": [{"filename": "a.jpg", "content_base64": "@@not base64@@"}],
    }
    error = error_of(api.post(payload), 400)
    assert error["field"] == "attachments[0].content_base64"


def test_an_attachment_over_the_cap_is_413(world: World, api: Api) -> None:
    blob = base64.b64encode(b"\0" * (contract.MAX_ATTACHMENT_BYTES + 10)).decode()
    payload = {**body("see photo"), "attachments": [{"content_base64": blob}]}
    assert error_of(api.post(payload), 413)["field"] == "attachments[0].content_base64"


def test_an_undecodable_image_is_an_image_error_finding(world: World, api: Api) -> None:
    garbage = base64.b64encode(b"\xff\xd8\xff\xe0 this is not really a jpeg" * 20).decode()
    payload = {**body(""), "attachments": [{"filename": "x.jpg", "content_base64": garbage}]}
    data = screened(api, payload)
    (finding,) = data["findings"]
    assert finding["detector"] == "image_error"
    assert finding["attachment"] == 0
    assert finding["severity"] == "block"


def test_a_decompression_bomb_is_an_image_error_finding(world: World, api: Api) -> None:
    buf = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buf, "PNG")  # 100 megapixels in a small file
    payload = {
        **body("our class photo"),
        "attachments": [
            {"filename": "bomb.png", "content_base64": base64.b64encode(buf.getvalue()).decode()}
        ],
    }
    data = screened(api, payload)
    errors = [f for f in data["findings"] if f["detector"] == "image_error"]
    assert len(errors) == 1 and "megapixels" in errors[0]["message"]


def test_bad_input_writes_no_audit_event(world: World, api: Api) -> None:
    before = AuditEvent.objects.count()
    api.post(b"{")
    api.post(body(""))
    assert AuditEvent.objects.count() == before


# --- the language of the explanations (issue 23) ---------------------------------------------


@pytest.fixture
def _spanish() -> None:
    from chalkline.screening.tests.catalogs import ensure_spanish_catalog

    ensure_spanish_catalog()


@pytest.mark.usefixtures("_spanish")
def test_a_lang_field_gives_the_explanations_in_that_language(world: World, api: Api) -> None:
    text = "¡Felicidades a Maria Garcia! Escríbeme por WhatsApp."
    response = api.post({**body(text), "lang": "es-MX"})
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    data = response.json()
    assert_matches_schema(data, "ScreenResponse")
    by_detector = {f["detector"]: f for f in data["findings"]}
    assert by_detector["student_name"]["message"].startswith("«Maria Garcia» nombra a un alumno")
    assert by_detector["personal_channel"]["fix"].startswith("Use la plataforma de mensajes")
    english = screened(api, body(text))
    assert [f["message"] for f in english["findings"]][0].startswith("“Maria Garcia” names")
    # the same findings otherwise
    strip = [{k: v for k, v in f.items() if k not in ("message", "fix")} for f in data["findings"]]
    assert strip == [
        {k: v for k, v in f.items() if k not in ("message", "fix")} for f in english["findings"]
    ]


@pytest.mark.usefixtures("_spanish")
def test_without_a_lang_field_the_accept_language_header_decides(world: World, api: Api) -> None:
    response = api.post(body("So proud of Maria Garcia!"), HTTP_ACCEPT_LANGUAGE="es;q=1, en;q=0.5")
    assert response.json()["findings"][0]["message"].startswith("«Maria Garcia» nombra")
    assert "Accept-Language" in response["Vary"]


def test_an_unsupported_lang_is_a_400_naming_the_field(world: World, api: Api) -> None:
    response = api.post({**body("Hello"), "lang": "tlh"})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "lang"


def test_a_null_lang_is_no_lang_and_the_document_says_which_langs_are_valid(
    world: World, api: Api
) -> None:
    """What the OpenAPI document allows the API accepts, and what it forbids the API refuses
    (schemathesis found both halves apart: null refused by the document, "0000" by the API)."""
    assert api.post({**body("Hello"), "lang": None}).status_code == 200
    pattern = openapi_document()["components"]["schemas"]["ScreenRequest"]["properties"]["lang"][
        "pattern"
    ]
    for value, ok in [
        ("es", True),
        ("ES-mx", True),
        ("en_US", True),
        ("0000", False),
        (" es", False),
    ]:
        assert bool(re.fullmatch(pattern, value)) is ok, value
        assert (api.post({**body("Hello"), "lang": value}).status_code == 200) is ok, value


def test_control_characters_are_not_blank(world: World, api: Api) -> None:
    """Blank is the document's `\\S` (ECMAScript white space), not Python's str.strip()."""
    assert api.post({**body(""), "text": "\u001d"}).status_code == 200
    assert api.post({**body(""), "text": " \u3000\t"}).status_code == 400
