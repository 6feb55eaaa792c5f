"""Sign-in and sign-out: POST /api/login, /api/logout, GET /api/me, and OIDC single sign-on."""

from __future__ import annotations

import json
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from pse_assistant.accounts.audit import now
from pse_assistant.accounts.roles import Role
from pse_assistant.api.access import CallerDep
from pse_assistant.api.deps import AssistantDep, errors
from pse_assistant.core.errors import BackendUnavailable, InvalidInput, NotFound, Unauthorized
from pse_assistant.core.fields import Line
from pse_assistant.core.settings import Settings

router = APIRouter(prefix="/api", tags=["accounts"])
_CREDENTIALS_SCHEMA = {
    "type": "object",
    "required": ["name", "password"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 80},
        "password": {"type": "string", "minLength": 1, "maxLength": 1024},
    },
}
_LOGIN_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": _CREDENTIALS_SCHEMA},
            "application/x-www-form-urlencoded": {"schema": _CREDENTIALS_SCHEMA},
        },
    }
}


class Credentials(BaseModel):
    """A local account's name and password."""

    name: Line = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=1024)


class Me(BaseModel):
    """Who the caller is, and how the server signs people in."""

    name: str
    role: Role
    via: str
    auth: Literal["off", "local", "oidc"]


async def _form_or_json(request: Request) -> Any:
    """The body as a dict, from a form (a plain HTML form) or JSON (a script)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        async with request.form() as form:
            return {key: value for key, value in form.items() if isinstance(value, str)}
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("The request body is not valid JSON.") from None


@router.post(
    "/login", response_model=Me, responses=errors(401, 404, 422, 429), openapi_extra=_LOGIN_BODY
)
async def login(request: Request, assistant: AssistantDep) -> Me:
    """Sign in with a local account (`PSE_AUTH=local`); the answer sets the session cookie.

    Repeated failures lock the account and the client address out for a while (429).
    """
    mode = assistant.settings.auth
    if mode != "local":
        where = "use single sign-on at /api/login/oidc" if mode == "oidc" else "PSE_AUTH is off"
        raise NotFound(f"There is no password sign-in on this server: {where}.")
    credentials = Credentials.model_validate(await _form_or_json(request))
    address = request.client.host if request.client else "unknown"
    principal = await run_in_threadpool(
        assistant.accounts.sign_in, credentials.name, credentials.password, address
    )
    request.session.clear()
    request.session.update({"user": principal.name, "via": "session", "since": now()})
    return Me(name=principal.name, role=principal.role, via="session", auth=mode)


@router.post("/logout", status_code=204)
def logout(request: Request, assistant: AssistantDep) -> None:
    """Sign out: the session cookie is emptied (API tokens stay valid until revoked)."""
    if assistant.settings.auth != "off":
        request.session.clear()


@router.get("/me", response_model=Me, responses=errors(401))
def me(principal: CallerDep, assistant: AssistantDep) -> Me:
    """The signed-in user and their role (the one local person, as admin, when auth is off)."""
    return Me(
        name=principal.name,
        role=principal.role,
        via=principal.via,
        auth=assistant.settings.auth,
    )


@router.get("/login/oidc", status_code=302, responses=errors(404, 503))
async def oidc_login(request: Request, assistant: AssistantDep) -> RedirectResponse:
    """Start single sign-on: a redirect to the OpenID provider (`PSE_AUTH=oidc`)."""
    import httpx

    client = _oidc_client(request, assistant.settings.auth)
    try:
        response: RedirectResponse = await client.authorize_redirect(
            request, str(request.url_for("oidc_callback"))
        )
    except httpx.HTTPError as error:
        raise BackendUnavailable(f"The OpenID provider cannot be reached: {error}.") from None
    return response


@router.get("/login/oidc/callback", status_code=303, responses=errors(401, 403, 404, 503))
async def oidc_callback(request: Request, assistant: AssistantDep) -> RedirectResponse:
    """Where the provider sends the browser back: the claims give the user and their role."""
    import httpx
    from authlib.integrations.starlette_client import OAuthError

    client = _oidc_client(request, assistant.settings.auth)
    try:
        token = await client.authorize_access_token(request)
        claims = dict(token.get("userinfo") or {})
        if assistant.settings.oidc_role_claim not in claims:
            claims.update(await client.userinfo(token=token))
    except OAuthError as error:
        raise Unauthorized(f"Single sign-on failed: {error.description or error.error}.") from None
    except httpx.HTTPError as error:
        raise BackendUnavailable(f"The OpenID provider cannot be reached: {error}.") from None
    principal = await run_in_threadpool(assistant.accounts.sign_in_oidc, claims)
    request.session.clear()
    request.session.update({"user": principal.name, "via": "oidc", "since": now()})
    return RedirectResponse("/", status_code=303)


def _oidc_client(request: Request, mode: str) -> Any:
    """The app's registered OpenID client; 404 when single sign-on is not configured."""
    client = getattr(request.app.state, "oidc", None)
    if mode != "oidc" or client is None:
        raise NotFound("Single sign-on is not configured on this server (PSE_AUTH=oidc).")
    return client


def register_oidc(app: Any, settings: Settings) -> None:
    """Register the OpenID client (Authlib's Starlette integration) on the app, for `PSE_AUTH=oidc`.

    The provider's endpoints and keys come from its discovery document, read on the first sign-in.
    """
    if settings.auth != "oidc" or not settings.oidc_issuer:
        return
    from authlib.integrations.starlette_client import OAuth

    secret = settings.oidc_client_secret
    oauth = OAuth()
    app.state.oidc = oauth.register(
        "pse",
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_id=settings.oidc_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        client_kwargs={"scope": settings.oidc_scope},
    )
