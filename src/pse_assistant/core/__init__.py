"""The core every capability shares: settings, errors, the database every store shares, office-file helpers, text.

Lives here: `settings` (the one typed settings object), `errors` (the error hierarchy the edges map),
`db` (the SQLAlchemy database every store shares, SQLite or PostgreSQL, migrated by Alembic),
`office` (Word/Excel styling shared by every export), `text` (the one sentence splitter and word
helpers). May import: only the standard library and third-party
packages, never another `pse_assistant` subpackage.
"""
