"""The whole schema as models: every module that defines tables on `core.db.Base`, imported at once."""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

from pse_assistant.core.db import Base

# The modules whose models make up the schema. A module adding tables is listed here, so that
# `alembic revision --autogenerate` and the test comparing models with migrations see all of them.
MODELS = (
    "pse_assistant.answer.conversations",
    "pse_assistant.training.assessment_store",
    "pse_assistant.migrations.legacy",
    "pse_assistant.accounts.models",
)


def metadata() -> MetaData:
    """`Base.metadata` with every model module imported (each table registers on import)."""
    for module in MODELS:
        importlib.import_module(module)
    return Base.metadata
