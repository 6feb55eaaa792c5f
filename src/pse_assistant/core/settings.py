"""One typed settings object, read from `PSE_*` environment variables and an optional `.env` file."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """Where the index and saved work live: `$XDG_DATA_HOME/pse-assistant` or ~/.local/share."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "pse-assistant"


def default_corpus_dir() -> Path:
    """Find the shipped corpus: inside the installed wheel, or beside `src/` in a checkout."""
    packaged = Path(str(resources.files("pse_assistant"))) / "_corpus"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "corpus"


class Settings(BaseSettings):
    """Every knob of pse-assistant; each field is documented in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="PSE_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(
        default_factory=default_corpus_dir,
        description="Folder holding standard/, guidance/, crosswalks/ and glossary.yaml.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Where the embedded index and saved work are kept.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="A Chroma server (http://host:8000) instead of the embedded store.",
    )
    collection_prefix: str = Field(
        default="pse",
        pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_-]{0,30}$",
        description="Prefix of the Chroma collections, so several deployments can share a server.",
    )
    embedding_model: str | None = Field(
        default=None,
        description="A local sentence-transformers folder; the packaged all-MiniLM-L6-v2 when unset.",
    )
    max_upload_mb: float = Field(default=50, gt=0, description="Largest file `pse ingest` accepts.")
    host: str = Field(default="127.0.0.1", description="Interface `pse serve` listens on.")
    port: int = Field(default=7860, ge=1, le=65535, description="Port `pse serve` listens on.")
    llm_base_url: str | None = Field(
        default=None,
        description="An OpenAI-compatible endpoint, e.g. http://localhost:11434/v1; unset = no LLM.",
    )
    llm_model: str = Field(default="gpt-4o-mini", description="The model name the endpoint serves.")
    llm_api_key: str | None = Field(
        default=None, description="The endpoint's API key, if it wants one."
    )
    llm_timeout: float = Field(
        default=30, gt=0, description="Seconds before falling back to the grounded answer."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Build the settings on first use, never at import time."""
    return Settings()
