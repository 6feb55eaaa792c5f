"""The HTTP API edge under /api: FastAPI routes that only call the `Assistant` facade.

Lives here: `app` (`create_api`: error handlers and middleware), `deps` (the facade dependency, error
body, downloads), and one routes module per capability. May import: the facade (`assistant`) and the
public models of the core packages; never the CLI or the UI, and routers never import `app`.
"""
