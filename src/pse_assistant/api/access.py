"""Who may call which route: the one table of minimum roles, and the dependency that enforces it.

Every route of the API is in `MINIMUM` (`create_api` refuses to start if one is missing, so a new
route cannot ship unguarded), and `authorize` runs before each: with `PSE_AUTH=off` it lets everyone
through as the one local person; otherwise it finds the caller from an `Authorization: Bearer`
token or the session cookie, answers 401 when there is none and 403 when their role is below the
route's. It is a sync dependency because it reads the database (FastAPI runs it in a thread).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute

from pse_assistant.accounts.roles import LOCAL, Principal, Role
from pse_assistant.api.deps import AssistantDep
from pse_assistant.core.errors import Unauthorized

PUBLIC = None
V, A, T, X = Role.VIEWER, Role.ASSESSOR, Role.TRAINER, Role.ADMIN
# The minimum role of each route, `METHOD path`; PUBLIC routes need no sign-in.
MINIMUM: dict[str, Role | None] = {
    "GET /api/health": PUBLIC,
    "POST /api/login": PUBLIC,
    "POST /api/logout": PUBLIC,
    "GET /api/login/oidc": PUBLIC,
    "GET /api/login/oidc/callback": PUBLIC,
    "GET /api/me": V,
    "POST /api/ask": V,
    "POST /api/ask/stream": V,
    "GET /api/conversations": V,
    "GET /api/conversations/{conversation_id}": V,
    "DELETE /api/conversations/{conversation_id}": V,
    "POST /api/feedback": V,
    "GET /api/feedback": T,
    "POST /api/search": V,
    "GET /api/clauses": V,
    "GET /api/clauses/{clause_id}": V,
    "GET /api/documents": V,
    "POST /api/plans": V,
    "GET /api/templates": V,
    "GET /api/templates/{template_id}": V,
    "GET /api/quiz/{clause}": V,
    "POST /api/quiz/{clause}/answers": V,
    "GET /api/assessment-items": A,
    "GET /api/assessments": A,
    "GET /api/assessments/{assessment_id}": A,
    "PUT /api/assessments/{assessment_id}/scores": A,
    "GET /api/assessments/{assessment_id}/result": A,
    "GET /api/assessments/{assessment_id}/charts/{name}": A,
    "GET /api/assessments/{assessment_id}/report": A,
    "POST /api/invitations/{code}": A,
    "POST /api/assessments": T,
    "DELETE /api/assessments/{assessment_id}": T,
    "PUT /api/assessments/{assessment_id}/consensus": T,
    "POST /api/assessments/{assessment_id}/plan": T,
    "POST /api/assessments/{assessment_id}/invitations": T,
    "POST /api/workshops": T,
    "POST /api/evals": X,
    "GET /api/audit": X,
}


def route_key(route: APIRoute) -> str:
    """`METHOD path` of a route, as `MINIMUM` names it (each route here serves one method)."""
    return f"{min(route.methods or {'GET'})} {route.path}"


def check_table(routes: list[APIRoute]) -> None:
    """Refuse to build an API with a route the table does not name, or a name with no route."""
    keys = {route_key(route) for route in routes}
    missing, stale = keys - set(MINIMUM), set(MINIMUM) - keys
    if missing or stale:
        raise RuntimeError(
            f"pse_assistant.api.access.MINIMUM is out of date: routes without a role "
            f"{sorted(missing)}, roles without a route {sorted(stale)}."
        )


def caller(request: Request, assistant: AssistantDep) -> Principal | None:
    """Who sent the request, and from where: a bearer token's user, else the session's, else None.

    A token that is present but wrong (unknown, expired, revoked, its user disabled) is a 401 even
    when a session cookie is there too: a script must learn that its token stopped working.
    """
    address = request.client.host if request.client else ""
    if assistant.settings.auth == "off":
        return replace(LOCAL, address=address)
    header = request.headers.get("authorization", "")
    found: Principal | None = None
    if header:
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() != "bearer" or not credentials.strip():
            raise Unauthorized("Send an API token as `Authorization: Bearer <token>`.")
        found = assistant.accounts.principal_for_token(credentials.strip())
        if found is None:
            raise Unauthorized("This API token is not valid: unknown, expired or revoked.")
    elif name := request.session.get("user"):
        via = str(request.session.get("via", "session"))
        since = str(request.session.get("since", ""))
        found = assistant.accounts.principal_for_session(str(name), via, since)
    return replace(found, address=address) if found else None


def authorize(request: Request, assistant: AssistantDep) -> Principal:
    """The caller, if their role reaches the route's minimum; 401 or 403 otherwise."""
    route = request.scope.get("route")
    needed = MINIMUM[route_key(route)] if isinstance(route, APIRoute) else Role.ADMIN
    principal = caller(request, assistant)
    if needed is PUBLIC:
        return principal or Principal(name="", role=Role.VIEWER, via="anonymous")
    if principal is None:
        raise Unauthorized("Sign in first (POST /api/login), or send an API token.")
    return assistant.require(principal, needed)


CallerDep = Annotated[Principal, Depends(authorize)]
