"""What every API route shares: the facade as a dependency, the error body, and file downloads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends
from fastapi.responses import FileResponse
from pydantic import BaseModel

from pse_assistant.assistant import Assistant, get_assistant

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


ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorBody}, 422: {"model": ErrorBody}}


def download(path: Path) -> FileResponse:
    """Send a file from the facade's managed download folder, under its own name."""
    media = MEDIA.get(path.suffix.lstrip("."), "application/octet-stream")
    return FileResponse(path, media_type=media, filename=path.name)


def file_responses(*formats: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI description of a route that may answer with a file in one of `formats`."""
    content = {MEDIA[f]: {"schema": {"type": "string", "format": "binary"}} for f in formats}
    return {200: {"content": content, "description": "The file, when a format is asked for."}}
