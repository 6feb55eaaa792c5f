"""One typed settings object, read from `PSE_*` environment variables and an optional `.env` file."""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# The roles, lowest first; `pse_assistant.accounts.roles.Role` gives them their order and rights.
RoleName = Literal["viewer", "assessor", "trainer", "admin"]
ROLE_NAMES: tuple[RoleName, ...] = ("viewer", "assessor", "trainer", "admin")


def is_loopback(host: str) -> bool:
    """Whether a listening address reaches only this machine (localhost, 127.0.0.0/8, ::1)."""
    import ipaddress

    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


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

    auth: Literal["off", "local", "oidc"] = Field(
        default="off",
        description="Who may use the server: off (no login, one person on loopback), local "
        "accounts and tokens, or OIDC single sign-on (local tokens still valid).",
    )
    session_secret: SecretStr | None = Field(
        default=None,
        description="Key that signs session cookies; generated into the data folder when unset "
        "(set it, the same everywhere, when several instances share the sessions).",
    )
    session_max_age: int = Field(
        default=8 * 3600, ge=300, description="Seconds a sign-in lasts before a new one is asked."
    )
    cookie_secure: bool | None = Field(
        default=None,
        description="Mark the session cookie Secure: always (true), never (false), or when the "
        "request came over HTTPS (unset).",
    )
    login_max_failures: int = Field(
        default=5, ge=1, description="Failed sign-ins (per account, per address) before a lockout."
    )
    login_lockout_seconds: int = Field(
        default=900, ge=1, description="Seconds an account or address stays locked out."
    )
    oidc_issuer: str | None = Field(
        default=None, description="The OpenID provider's issuer URL (its discovery document)."
    )
    oidc_client_id: str | None = Field(default=None, description="This app's client id there.")
    oidc_client_secret: SecretStr | None = Field(
        default=None, description="This app's client secret there."
    )
    oidc_scope: str = Field(default="openid email profile", description="Scopes to ask for.")
    oidc_username_claim: str = Field(
        default="email", description="The claim that names the user (email, preferred_username)."
    )
    oidc_role_claim: str = Field(
        default="groups", description="The claim holding the user's groups or roles."
    )
    oidc_role_map: Annotated[dict[str, RoleName], NoDecode] = Field(
        default_factory=dict,
        description="Claim value to role, `pse-admins=admin,pse-trainers=trainer`; the highest "
        "matching role wins.",
    )
    oidc_default_role: RoleName | None = Field(
        default="viewer",
        description="The role of a signed-in user no mapped claim value matches; unset refuses them.",
    )

    @field_validator("allowed_hosts", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        """`a.example, b.example` in the environment; a list when built in code."""
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("oidc_role_map", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        """`group=role, group=role` in the environment; a dict when built in code."""
        if isinstance(value, str):
            pairs = [part.split("=", 1) for part in value.split(",") if part.strip()]
            if any(len(pair) != 2 for pair in pairs):
                raise ValueError("write each mapping as claim-value=role, comma-separated")
            return {key.strip(): role.strip() for key, role in pairs}
        return value

    @field_validator("oidc_default_role", mode="before")
    @classmethod
    def _empty_is_none(cls, value: Any) -> Any:
        """`PSE_OIDC_DEFAULT_ROLE=` (empty) refuses users no claim value maps."""
        return None if value == "" else value

    @model_validator(mode="after")
    def _oidc_complete(self) -> Settings:
        """Single sign-on cannot start without the provider and this app's client id."""
        if self.auth == "oidc" and not (self.oidc_issuer and self.oidc_client_id):
            raise ValueError("PSE_AUTH=oidc needs PSE_OIDC_ISSUER and PSE_OIDC_CLIENT_ID")
        return self

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
