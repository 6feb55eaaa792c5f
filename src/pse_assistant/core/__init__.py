"""The core every capability shares: settings, errors, the SQLite store base, office-file helpers, text.

Lives here: `settings` (the one typed settings object), `errors` (the error hierarchy the edges map),
`db` (the SQLAlchemy database every store shares, SQLite or PostgreSQL, and its Alembic
migrations), `store` (how records are kept in SQLite), `office` (Word/Excel styling shared by every export), `text`
(the one sentence splitter and word helpers). May import: only the standard library and third-party
packages, never another `pse_assistant` subpackage.
"""
