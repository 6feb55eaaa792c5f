"""The database's Alembic migrations, shipped inside the package so `pse db upgrade` needs no alembic.ini.

Lives here: `env.py` (how Alembic runs: on the connection `core.db.Database.upgrade` hands it, under
one lock), `versions/` (one revision a file, ids `0001_initial`, `0002_…`, each naming its
`down_revision`), `schema` (every model module, so autogenerate and the tests see the whole schema)
and `legacy` (copies the SQLite files of earlier versions into the database, once). May import:
SQLAlchemy, Alembic and `pse_assistant.core`; `schema` names the model modules of the other
packages. A revision spells out its own tables and never imports the stores' models, so it still
runs when the models change.
"""
