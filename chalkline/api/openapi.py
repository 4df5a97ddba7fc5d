"""The published OpenAPI 3.1 document of /api/v1 (served at GET /api/v1/openapi.json).

Hand-written on purpose: it is the contract, and the tests check that the example request
validates against it and that the server accepts exactly what it describes.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from chalkline.api import contract as c
from chalkline.screening import CLAUSES
from chalkline.screening.types import AUDIENCE_KINDS

SCREEN_REQUEST_EXAMPLE: dict[str, Any] = {
    "id": "hub-7f3a",
    "text": "Congratulations to Maria Garcia on winning the spelling bee! Text me at 217-555-0142.",
    "sender": {"role": "teacher", "id": "t-ortiz"},
    "audience": {"kind": "public", "recipients": []},
}

SCREEN_RESPONSE_EXAMPLE: dict[str, Any] = {
    "findings": [
        {
            "detector": "student_name",
            "start": 18,
            "end": 30,
            "severity": "block",
            "clause": CLAUSES["student_name"],
            "student": "s-001",
            "message": "Names student Maria Garcia to an audience that may not see it.",
            "fix": "Remove the student's name, or send it only to the student's family.",
        }
    ]
}

_ID = {"type": "string", "minLength": 1, "maxLength": c.MAX_ID_CHARS, "pattern": r"\S"}
# Optional fields may be sent as null, which means the same as leaving them out.
_IDS = {"type": ["array", "null"], "items": _ID, "maxItems": c.MAX_RECIPIENTS}
_OPTIONAL_ID = {"type": ["string", "null"], "maxLength": c.MAX_ID_CHARS}


def _alias(of: str) -> dict[str, Any]:
    return {**_OPTIONAL_ID, "description": f"Alias of `{of}`.", "deprecated": True}


SCHEMAS: dict[str, Any] = {
    "ScreenRequest": {
        "type": "object",
        "description": (
            "One message to screen. Send `text` (plain text) or `html` (HTML string; the visible "
            "text is screened), or `text` with `html: true` (the CLI's form). At least one of "
            "text, html or an attachment must be non-empty."
        ),
        "required": ["sender", "audience"],
        "additionalProperties": False,
        # Something to screen: non-blank text or html, or an attachment ...
        "anyOf": [
            {"required": ["text"], "properties": {"text": {"type": "string", "pattern": r"\S"}}},
            {"required": ["html"], "properties": {"html": {"type": "string", "pattern": r"\S"}}},
            {
                "required": ["attachments"],
                "properties": {"attachments": {"type": "array", "minItems": 1}},
            },
        ],
        # ... and not both a text and an HTML string.
        "not": {
            "required": ["text", "html"],
            "properties": {"text": {"type": "string"}, "html": {"type": "string"}},
        },
        "properties": {
            "id": {**_OPTIONAL_ID, "description": "Your id for the message; not stored."},
            "text": {"type": ["string", "null"], "maxLength": c.MAX_TEXT_CHARS},
            "html": {
                "type": ["string", "boolean", "null"],
                "maxLength": c.MAX_TEXT_CHARS * 4,
                "description": "HTML to screen, or `true` when `text` holds HTML.",
            },
            "sender": {"$ref": "#/components/schemas/Sender"},
            "audience": {"$ref": "#/components/schemas/Audience"},
            "attachments": {
                "type": ["array", "null"],
                "maxItems": c.MAX_ATTACHMENTS,
                "items": {"$ref": "#/components/schemas/Attachment"},
            },
            "lang": {
                "type": ["string", "null"],
                "maxLength": 35,
                "pattern": c.language_pattern(frozenset(code for code, _ in settings.LANGUAGES)),
                "description": (
                    "The language of the findings' `message` and `fix`: `en` or `es` (a region "
                    "such as `es-MX` is accepted). Without it the `Accept-Language` header "
                    "decides; English otherwise."
                ),
            },
        },
    },
    "Sender": {
        "type": "object",
        "required": ["role"],
        "additionalProperties": False,
        "properties": {
            "role": {
                "type": "string",
                "minLength": 1,
                "maxLength": 50,
                "pattern": r"\S",
                "description": (
                    "`student`, `guardian`, `parent` or `relative` for students and families; "
                    "any other role (teacher, coach, principal...) is staff."
                ),
            },
            "id": {**_OPTIONAL_ID, "description": "The sender's OneRoster sourcedId."},
        },
    },
    "Audience": {
        "type": "object",
        "required": ["kind"],
        "additionalProperties": False,
        "properties": {
            "kind": {"type": "string", "enum": sorted(AUDIENCE_KINDS)},
            "recipients": {**_IDS, "description": "Recipients' OneRoster sourcedIds."},
            "class_id": {**_OPTIONAL_ID, "description": "The class's sourcedId."},
            "building_id": {**_OPTIONAL_ID, "description": "The building's sourcedId."},
            "class": _alias("class_id"),
            "building": _alias("building_id"),
            "classId": _alias("class_id"),
            "buildingId": _alias("building_id"),
        },
    },
    "Attachment": {
        "type": "object",
        "description": (
            f"An image, base64-encoded, at most {c.MAX_ATTACHMENT_BYTES:,} bytes decoded. "
            "Images that cannot be decoded, or are over 64 megapixels, give an `image_error` "
            "finding (not an HTTP error)."
        ),
        "required": ["content_base64"],
        "additionalProperties": False,
        "properties": {
            "filename": {"type": ["string", "null"], "maxLength": c.MAX_FILENAME_CHARS},
            "content_base64": {
                "type": "string",
                "minLength": 1,
                "pattern": r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",
                "contentEncoding": "base64",
                "maxLength": (c.MAX_ATTACHMENT_BYTES * 4) // 3 + 4,
            },
            "pictured": {**_IDS, "description": "sourcedIds of students the sender tagged."},
        },
    },
    "Finding": {
        "type": "object",
        "required": [
            "detector",
            "start",
            "end",
            "severity",
            "clause",
            "student",
            "message",
            "fix",
        ],
        "properties": {
            "detector": {"type": "string", "enum": sorted(CLAUSES)},
            "start": {
                "type": "integer",
                "minimum": 0,
                "description": "Character offset (Unicode code points) into the screened text.",
            },
            "end": {"type": "integer", "minimum": 0},
            "severity": {"type": "string", "enum": ["block", "warn", "info"]},
            "clause": {"type": "string", "enum": sorted(set(CLAUSES.values()))},
            "student": {"type": ["string", "null"]},
            "message": {"type": "string"},
            "fix": {"type": "string"},
            "opt_out": {"type": "boolean"},
            "attachment": {"type": "integer", "minimum": 0},
            "hotline": {"type": "string"},
            "candidates": {"type": "integer"},
            "app": {
                "type": "string",
                "description": "personal_channel: an app that is not in the District's registry "
                "of approved accounts and applications.",
            },
            "request_url": {
                "type": "string",
                "description": "Where staff ask for that app to be approved (personal_channel), "
                "or for permission to use the District logo (district_logo, without a grant).",
            },
            "permitted_until": {
                "type": "string",
                "format": "date",
                "description": "district_logo: the sender holds a current permission to use the "
                "logo, up to this day (the finding is then a note, severity info).",
            },
            "permitted_for": {
                "type": "string",
                "description": "district_logo: the purpose the permission was granted for.",
            },
        },
        "additionalProperties": True,
    },
    "ScreenResponse": {
        "type": "object",
        "required": ["findings"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": ["string", "null"]},
            "findings": {"type": "array", "items": {"$ref": "#/components/schemas/Finding"}},
            "screened_text": {
                "type": "string",
                "description": "For HTML input only: the visible text the offsets refer to.",
            },
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "field": {
                        "type": "string",
                        "description": "The offending field, e.g. `audience.recipients[2]`.",
                    },
                },
            }
        },
    },
}


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def openapi_document(server_url: str = "/api/v1") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Chalkline API",
            "version": "1.0.0",
            "summary": "Screen messages against Board Policy 5:125 before they are sent.",
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": server_url}],
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A district API token (`clk_…`), created by the "
                    "superintendent, a designee or a network administrator.",
                }
            },
        },
        "paths": {
            "/screen": {
                "post": {
                    "operationId": "screen",
                    "summary": "Screen one message; nothing is stored.",
                    "description": (
                        "Checks the message against the district's directory and the audience. "
                        "Only an audit event with counts is kept (never the text). "
                        f"Bodies over {c.MAX_BODY_BYTES:,} bytes are refused with 413."
                    ),
                    "security": [{"bearerToken": []}],
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ScreenRequest"},
                                "examples": {"public-post": {"value": SCREEN_REQUEST_EXAMPLE}},
                            }
                        },
                    },
                    "responses": {
                        "200": {
                            "description": "Findings, most serious first (may be empty).",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/ScreenResponse"},
                                    "examples": {"public-post": {"value": SCREEN_RESPONSE_EXAMPLE}},
                                }
                            },
                        },
                        "400": _error("Invalid UTF-8, invalid JSON or an invalid field."),
                        "401": _error("No token, or an unknown, malformed or revoked token."),
                        "403": _error("The token lacks the `screen` scope."),
                        "405": _error("Only POST is allowed."),
                        "413": _error("The body, the text or an attachment is too large."),
                        "429": _error(
                            "The token's rate limit is used up; the Retry-After header says "
                            "how many seconds to wait."
                        ),
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This document.",
                    "security": [],
                    "responses": {
                        "200": {"description": "The OpenAPI 3.1 document."},
                        "405": _error("Only GET is allowed."),
                    },
                }
            },
        },
    }
