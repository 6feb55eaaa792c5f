"""Accounts, roles, sign-in and the audit log: who may do what, and a record of what was done.

Lives here: `roles` (the four ordered roles and `Principal`, the caller a request or command acts
as), `passwords` (Argon2 hashes), `tokens` (API token format, hashing and expiry), `throttle` (login
rate limits and lockouts), `models` (the users, tokens, invitations and audit tables on the store's
`Base`), `service` (`Accounts`, what the facade exposes to the edges) and `oidc` (claims to a role).
May import: `core` only (the store, settings, errors); SQLAlchemy and argon2 lazily where the module
is about them. Never the facade or an edge.
"""
