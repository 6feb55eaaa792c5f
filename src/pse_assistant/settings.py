"""One typed settings object, read from `PSE_*` environment variables and an optional `.env` file."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_corpus_dir() -> Path:
    """Find the shipped corpus: inside the installed wheel, or beside `src/` in a checkout."""
    packaged = Path(str(resources.files("pse_assistant"))) / "_corpus"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "corpus"


class Settings(BaseSettings):
    """Every knob of pse-assistant; each field is documented in the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="PSE_", env_file=".env", extra="ignore")

    corpus_dir: Path = Field(
        default_factory=default_corpus_dir,
        description="Folder holding standard/, guidance/, crosswalks/ and glossary.yaml.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Build the settings on first use, never at import time."""
    return Settings()
