"""What every API route shares: the facade as a dependency, the error body, and file downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.responses import FileResponse
from pydantic import BaseModel

from pse_assistant.assistant import Assistant, get_assistant
from pse_assistant.core.pages import DEFAULT_LIMIT, MAX_CURSOR_CHARS, MAX_LIMIT

AssistantDep = Annotated[Assistant, Depends(get_assistant)]

MEDIA = {
    "md": "text/markdown",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "svg": "image/svg+xml",
    "html": "text/html",
}


class ErrorBody(BaseModel):
    """Every error the API returns."""

    error: str
    message: str


WHY = {
    401: "No credentials, or an API token that is unknown, expired or revoked (auth on).",
    403: "The caller's role does not allow this (auth on).",
    404: "Not found: no such clause, conversation, assessment, answer or document.",
    405: "This method is not served on this path (see the Allow header).",
    409: "The assessment does not allow it: an element it does not cover, or nothing scored yet.",
    413: "The request body is larger than PSE_MAX_BODY_KB.",
    429: "Too many failed sign-ins from this account or address; see Retry-After.",
    422: "Invalid input: a field, a JSON body that does not parse, or a body that is not UTF-8.",
    500: "An unexpected error on the server; the message says nothing more, the log does.",
    503: "The search index is still being built, or a backend (model, store) is unavailable.",
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of the error statuses a route can answer with."""
    return {code: {"model": ErrorBody, "description": WHY[code]} for code in codes}


# What any route can answer: no or wrong credentials, a role too low (both with auth on), a body
# too large, invalid input, an unexpected error.
COMMON = errors(401, 403, 413, 422, 500)
ERRORS = errors(404, 422)


def download(path: Path) -> FileResponse:
    """Send a file from the facade's managed download folder, under its own name."""
    media = MEDIA.get(path.suffix.lstrip("."), "application/octet-stream")
    return FileResponse(path, media_type=media, filename=path.name)


def file_responses(*formats: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a route that may answer with a file in one of `formats`."""
    content = {MEDIA[f]: {"schema": {"type": "string", "format": "binary"}} for f in formats}
    return {200: {"content": content, "description": "The file, when a format is asked for."}}


def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description="How many items per page (1 to 200).")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=MAX_CURSOR_CHARS, description="`next_cursor` of the previous page."),
    ] = None,
) -> tuple[int, str | None]:
    """The `limit` and `cursor` query parameters every list endpoint takes."""
    return limit, cursor


PageParams = Annotated[tuple[int, str | None], Depends(page_params)]
