"""The /api/v1/screen request: bounded reading, JSON decoding and validation into a Message.

Every refusal is an ``ApiError`` that names the offending field. The shapes match the published
OpenAPI document (``openapi.py``) and the CLI's JSON Lines (docs/screening.md).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any, cast

from django.http import HttpRequest

from chalkline.api.errors import ApiError
from chalkline.screening import Attachment, Audience, Message, Sender
from chalkline.screening.types import AUDIENCE_KINDS, AudienceKind

MAX_BODY_BYTES = 8 * 1024 * 1024
MAX_TEXT_CHARS = 100_000
MAX_ATTACHMENTS = 4
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_RECIPIENTS = 1000
MAX_ID_CHARS = 255
MAX_FILENAME_CHARS = 255

REQUEST_KEYS = frozenset({"id", "text", "html", "sender", "audience", "attachments", "lang"})
SENDER_KEYS = frozenset({"role", "id"})
AUDIENCE_KEYS = frozenset(
    {"kind", "recipients", "class_id", "building_id", "class", "building", "classId", "buildingId"}
)
ATTACHMENT_KEYS = frozenset({"filename", "content_base64", "data_base64", "pictured"})


def read_body(request: HttpRequest) -> bytes:
    """The request body, refusing anything over MAX_BODY_BYTES without buffering it."""
    declared = request.META.get("CONTENT_LENGTH") or ""
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large(int(declared))
    data = request.read(MAX_BODY_BYTES + 1)
    if len(data) > MAX_BODY_BYTES:
        raise _too_large(len(data))
    return data


def _too_large(size: int) -> ApiError:
    return ApiError(
        413,
        "too_large",
        f"The request body is {size:,} bytes; the limit is {MAX_BODY_BYTES:,} bytes.",
    )


# "Blank" as the OpenAPI document's `\S` patterns mean it (ECMAScript's white space), not as
# Python's str.strip(), which also strips control characters such as U+001D.
_BLANK = re.compile("[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]*")


def _blank(value: str) -> bool:
    return _BLANK.fullmatch(value) is not None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def decode_json(body: bytes) -> Any:
    if not body.strip():
        raise ApiError(400, "empty_body", "The request body is empty; send a JSON object.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(
            400, "invalid_utf8", f"The request body is not valid UTF-8 (byte {exc.start})."
        ) from None
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise ApiError(
            400,
            "invalid_json",
            f"The body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).",
        ) from None
    except RecursionError:
        raise ApiError(400, "invalid_json", "The JSON is nested too deeply.") from None
    except ValueError as exc:
        raise ApiError(400, "invalid_json", f"The body is not valid JSON: {exc}.") from None
    _refuse_lone_surrogates(obj)
    return obj


def _refuse_lone_surrogates(obj: Any) -> None:
    """JSON may escape half of a UTF-16 pair (``"\\ud800"``); Python decodes it to a string that
    cannot be encoded again. Refuse it here, before anything is screened, stored or answered."""
    pending = [obj]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            pending.extend(value.keys())
            pending.extend(value.values())
        elif isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise ApiError(
                    400,
                    "invalid_json",
                    "The body is not valid JSON text: a string holds a lone UTF-16 surrogate "
                    f"escape (character {exc.start}).",
                ) from None


def _bad(field: str, message: str) -> ApiError:
    return ApiError(400, "invalid_field", f"{field}: {message}", field=field)


def _object(value: Any, field: str, allowed: frozenset[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(field, "must be a JSON object")
    for key in value:
        if key not in allowed:
            name = f"{field}.{key}" if field else key
            raise _bad(name, f"unknown field; expected one of {sorted(allowed)}")
    return value


def _string(
    value: Any, field: str, *, max_chars: int = MAX_ID_CHARS, required: bool = False
) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _bad(field, "must be a string")
    if required and _blank(value):
        raise _bad(field, "must not be empty")
    if len(value) > max_chars:
        raise _bad(field, f"is {len(value):,} characters; the limit is {max_chars:,}")
    return value


def _strings(value: Any, field: str, *, max_items: int) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _bad(field, "must be a list of strings")
    if len(value) > max_items:
        raise _bad(field, f"has {len(value):,} items; the limit is {max_items:,}")
    return tuple(_string(v, f"{field}[{n}]", required=True) for n, v in enumerate(value))


def language_pattern(supported: frozenset[str]) -> str:
    """What ``lang`` may be, as the OpenAPI document states it: a language the API speaks, in
    either case, optionally with a region or other subtags ("es", "es-MX", "en_US")."""
    bases = "|".join(
        "".join(f"[{ch.lower()}{ch.upper()}]" for ch in code) for code in sorted(supported)
    )
    return rf"^(?:{bases})(?:[-_][A-Za-z0-9]{{1,8}})*$"


def language_of(obj: Any, supported: frozenset[str]) -> str | None:
    """The body's ``lang`` answered as its base language ("es-MX" is "es"), or None when absent
    or null; anything else than ``language_pattern`` is a 400 naming the languages."""
    value = _string(obj.get("lang") if isinstance(obj, dict) else None, "lang", max_chars=35)
    if not value and (not isinstance(obj, dict) or obj.get("lang") is None):
        return None
    if not re.fullmatch(language_pattern(supported), value):
        raise _bad("lang", f"unsupported language {value!r}; expected one of {sorted(supported)}")
    return value.lower().replace("_", "-").split("-")[0]


def parse_screen_request(obj: Any) -> Message:
    """Validate a decoded /screen body into a screening Message."""
    body = _object(obj, "", REQUEST_KEYS)
    text, html = _text_of(body)
    sender = _object(body.get("sender"), "sender", SENDER_KEYS)
    role = _string(sender.get("role"), "sender.role", max_chars=50, required=True)
    sender_id = _string(sender.get("id"), "sender.id")
    audience = _audience(body.get("audience"))
    attachments = _attachments(body.get("attachments"))
    if _blank(text) and not attachments:
        raise _bad("text", "there is nothing to screen: send text, html or an attachment")
    return Message(
        text=text,
        html=html,
        sender=Sender(role=role, id=sender_id),
        audience=audience,
        attachments=attachments,
        id=_string(body.get("id"), "id"),
    )


def _text_of(body: dict[str, Any]) -> tuple[str, bool]:
    text, html = body.get("text"), body.get("html")
    if isinstance(html, str):
        if text is not None:
            raise _bad("html", 'send either "text" or "html", not both')
        return _long_text(html, "html", 4), True
    if html is not None and not isinstance(html, bool):
        raise _bad("html", "must be a string (HTML to screen) or a boolean (text is HTML)")
    return _long_text(text, "text", 4 if html else 1), bool(html)


def _long_text(value: Any, field: str, factor: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _bad(field, "must be a string")
    limit = MAX_TEXT_CHARS * factor
    if len(value) > limit:
        raise ApiError(
            413,
            "too_large",
            f"{field} is {len(value):,} characters; the limit is {limit:,}.",
            field=field,
        )
    return value


def _audience(value: Any) -> Audience:
    aud = _object(value, "audience", AUDIENCE_KEYS)
    kind = aud.get("kind")
    if not isinstance(kind, str) or kind not in AUDIENCE_KINDS:  # {} or [] are unhashable
        raise _bad("audience.kind", f"must be one of {sorted(AUDIENCE_KINDS)}")
    class_id = _first(aud, ("class_id", "class", "classId"))
    building_id = _first(aud, ("building_id", "building", "buildingId"))
    return Audience(
        kind=cast(AudienceKind, kind),
        recipients=_strings(aud.get("recipients"), "audience.recipients", max_items=MAX_RECIPIENTS),
        class_id=class_id,
        building_id=building_id,
    )


def _first(aud: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """The first of a field's spellings that is given; every given spelling is validated (an
    alias after the first is ignored, but a bad one is still a 400, as the schema says)."""
    given = [_string(aud[name], f"audience.{name}") for name in names if aud.get(name) is not None]
    return (given[0] or None) if given else None


def _attachments(value: Any) -> tuple[Attachment, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _bad("attachments", "must be a list of objects")
    if len(value) > MAX_ATTACHMENTS:
        raise _bad("attachments", f"has {len(value)} items; the limit is {MAX_ATTACHMENTS}")
    out = []
    for n, item in enumerate(value):
        field = f"attachments[{n}]"
        att = _object(item, field, ATTACHMENT_KEYS)
        key = "content_base64" if "content_base64" in att else "data_base64"
        encoded = att.get(key)
        if not isinstance(encoded, str):
            raise _bad(f"{field}.content_base64", "is required and must be a base64 string")
        if len(encoded) > (MAX_ATTACHMENT_BYTES * 4) // 3 + 4:
            raise ApiError(
                413,
                "too_large",
                f"{field}.{key} decodes to more than {MAX_ATTACHMENT_BYTES:,} bytes.",
                field=f"{field}.{key}",
            )
        try:
            data = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise _bad(f"{field}.{key}", "is not valid base64") from None
        if not data:
            raise _bad(f"{field}.{key}", "is empty")
        out.append(
            Attachment(
                data=data,
                filename=_string(
                    att.get("filename"), f"{field}.filename", max_chars=MAX_FILENAME_CHARS
                ),
                pictured=_strings(
                    att.get("pictured"), f"{field}.pictured", max_items=MAX_RECIPIENTS
                ),
            )
        )
    return tuple(out)
