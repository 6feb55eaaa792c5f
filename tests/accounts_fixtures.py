"""An API with sign-in on, its users (one per role, and a second viewer) and their tokens."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from pse_assistant.accounts.roles import Role, operator
from pse_assistant.api.app import create_api
from pse_assistant.assistant import Assistant, get_assistant
from pse_assistant.core.settings import Settings, default_corpus_dir
from pse_assistant.corpus.loader import Corpus
from tests.fakes import HashEmbeddings

PASSWORD = "a long enough password"
ROLES = {"vera": Role.VIEWER, "asa": Role.ASSESSOR, "tom": Role.TRAINER, "ada": Role.ADMIN}


@dataclass
class Site:
    """The assistant, its API app, and a bearer token for each user."""

    assistant: Assistant
    app: FastAPI
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, https: bool = False) -> TestClient:
        """A client without credentials (cookies it is given are kept)."""
        scheme = "https" if https else "http"
        return TestClient(self.app, base_url=f"{scheme}://127.0.0.1")

    def headers(self, user: str) -> dict[str, str]:
        """The Authorization header of a user's token."""
        return {"Authorization": f"Bearer {self.tokens[user]}"}


def make_site(data: Path, corpus: Corpus, fake_index: Path | None = None, **settings: Any) -> Site:
    """An assistant with sign-in on over `data` (a copy of the fake index when given), its users
    (vera viewer, asa assessor, tom trainer, ada admin, and olga, a second viewer) and tokens."""
    if fake_index is not None:
        shutil.copytree(fake_index / "chroma", data / "chroma")
    config = Settings(
        corpus_dir=default_corpus_dir(), data_dir=data, **{"auth": "local", **settings}
    )
    assistant = Assistant(config, corpus=corpus, embedder=HashEmbeddings())
    app = FastAPI()
    app.dependency_overrides[get_assistant] = lambda: assistant
    create_api(app, config, session_secret=assistant.accounts.session_secret())
    site = Site(assistant, app)
    for name, role in {**ROLES, "olga": Role.VIEWER}.items():
        assistant.accounts.add_user(name, role, PASSWORD, operator())
        _, site.tokens[name] = assistant.accounts.create_token(name, timedelta(days=1), operator())
    return site
