"""The database's Alembic migrations, shipped inside the package so `pse db upgrade` needs no alembic.ini.

Lives here: `env.py` (how Alembic runs: on the connection `core.db.Database.upgrade` hands it, under
one lock) and `versions/` (one revision a file, ids `0001_initial`, `0002_…`, each naming its
`down_revision`). May import: SQLAlchemy, Alembic and `pse_assistant.core`; a revision spells out
its own tables and never imports the stores' models, so it still runs when the models change.
"""
