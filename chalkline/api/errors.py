"""JSON error responses of /api/v1: ``{"error": {"code", "message", "field"?}}``."""

from __future__ import annotations

from django.http import JsonResponse


class ApiError(Exception):
    """A request the API refuses. ``field`` names the offending input (a JSON path like
    ``audience.recipients[2]``) when there is one."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_response(
    status: int, code: str, message: str, *, field: str | None = None
) -> JsonResponse:
    body: dict[str, str] = {"code": code, "message": message}
    if field is not None:
        body["field"] = field
    response = JsonResponse({"error": body}, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="chalkline"'
    return response


def from_error(exc: ApiError) -> JsonResponse:
    return error_response(exc.status, exc.code, exc.message, field=exc.field)
