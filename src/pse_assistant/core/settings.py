"""One typed settings object, read from `PSE_*` environment variables and an optional `.env` file."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


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
    database_url: str | None = Field(
        default=None,
        description="Where saved work is kept: a SQLAlchemy URL such as "
        "postgresql+psycopg://user@host/db; unset = the SQLite file pse.db in the data folder.",
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
    max_upload_mb: float = Field(
        default=50, gt=0, description="Largest file `pse ingest` accepts, and the UI's uploads."
    )
    host: str = Field(default="127.0.0.1", description="Interface `pse serve` listens on.")
    port: int = Field(default=7860, ge=1, le=65535, description="Port `pse serve` listens on.")
    allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Host names the server answers to, besides the loopback names and `host`.",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins (https://intranet.example) whose pages may call the API; none by default.",
    )
    max_body_kb: int = Field(
        default=64, ge=1, le=10_240, description="Largest request body the API accepts, in KB."
    )
    downloads_max_age: int = Field(
        default=3600, ge=60, description="Seconds a file made for download is kept."
    )
    ingest_max_uncompressed_mb: float = Field(
        default=100, gt=0, description="Largest total unpacked size of a DOCX (all its parts)."
    )
    ingest_max_entry_mb: float = Field(
        default=50, gt=0, description="Largest unpacked size of one part of a DOCX."
    )
    ingest_max_entries: int = Field(default=2000, ge=1, description="Most parts a DOCX may hold.")
    ingest_max_ratio: float = Field(
        default=100, gt=1, description="Largest compression ratio of one part of a DOCX."
    )
    ingest_max_text_mb: float = Field(
        default=10, gt=0, description="Largest HTML, Markdown or text file `pse ingest` reads."
    )
    ingest_max_pages: int = Field(default=2000, ge=1, description="Most pages of a PDF.")
    ingest_max_chunks: int = Field(
        default=5000, ge=1, description="Most passages one file may make."
    )
    ingest_max_seconds: float = Field(
        default=120, gt=0, description="Seconds to read and split one file before it is refused."
    )
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

    @field_validator("allowed_hosts", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """`a.example, b.example` in the environment; a list when built in code."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    def trusted_hosts(self) -> list[str]:
        """Every Host header the server answers to: loopback, `host`, and `allowed_hosts`.

        IPv6 addresses are bracketed, as they appear in a Host header (`[::1]`). A `*` in
        `allowed_hosts` turns the check off (behind a proxy that checks the host itself).
        """
        names = [*LOOPBACK_HOSTS, self.host, *self.allowed_hosts]
        hosts = []
        for name in names:
            name = name.strip().lower()
            if ":" in name and not name.startswith("["):
                name = f"[{name}]"
            if name and name not in ("0.0.0.0", "[::]") and name not in hosts:
                hosts.append(name)
        return hosts


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Build the settings on first use, never at import time."""
    return Settings()
