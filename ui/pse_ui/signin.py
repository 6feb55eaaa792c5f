"""The sign-in page (shown before the app when sign-in is on) and the user menu with sign-out.

The page is plain HTML with one small script: it posts the name and password to `POST /api/login`
(the API's own sign-in, so the UI has no sign-in logic of its own) and then opens the page the
visitor asked for. With single sign-on it offers the provider's sign-in instead.
"""

from __future__ import annotations

import html
from urllib.parse import urlsplit

from pse_assistant.accounts.roles import Principal

_STYLE = """
body{font-family:system-ui,sans-serif;background:#f6f7f9;color:#1f2328;margin:0}
main{max-width:24rem;margin:10vh auto;padding:2rem;background:#fff;border:1px solid #c9ced6;
border-radius:8px}
h1{font-size:1.4rem;margin-top:0}label{display:block;margin:1rem 0 .3rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.6rem;border:1px solid #6e7781;border-radius:4px;
font-size:1rem}
button,a.button{display:inline-block;margin-top:1.2rem;padding:.6rem 1.2rem;background:#0b5cad;
color:#fff;border:0;border-radius:4px;font-size:1rem;text-decoration:none;cursor:pointer}
#problem{color:#a40e26;margin-top:1rem}
"""

_SCRIPT = """
document.getElementById('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const answer = await fetch('/api/login', {method: 'POST', headers: {'content-type':
    'application/json'}, body: JSON.stringify({name: form.get('name'),
    password: form.get('password')})});
  if (answer.ok) { window.location.assign(event.target.dataset.next); return; }
  const body = await answer.json().catch(() => ({message: 'Sign-in failed.'}));
  document.getElementById('problem').textContent = body.message;
});
"""


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never `//host` or a full URL)."""
    parts = urlsplit(target or "/")
    if (
        parts.scheme
        or parts.netloc
        or not (target or "/").startswith("/")
        or "\\" in (target or "")
    ):
        return "/"
    return target or "/"


def login_page(mode: str, next_path: str | None = None) -> str:
    """The sign-in page: a password form (`PSE_AUTH=local`) or the single sign-on link (`oidc`)."""
    target = html.escape(safe_next(next_path), quote=True)
    if mode == "oidc":
        body = (
            "<p>Sign in with your organization's account.</p>"
            '<a class="button" href="/api/login/oidc">Sign in with single sign-on</a>'
        )
    else:
        body = (
            f'<form id="sign-in" data-next="{target}">'
            '<label for="name">Name</label>'
            '<input id="name" name="name" autocomplete="username" required maxlength="80">'
            '<label for="password">Password</label>'
            '<input id="password" name="password" type="password" '
            'autocomplete="current-password" required maxlength="1024">'
            '<button type="submit">Sign in</button>'
            '<p id="problem" role="alert" aria-live="polite"></p></form>'
            f"<script>{_SCRIPT}</script>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Sign in — pse-assistant</title><style>{_STYLE}</style></head>"
        f"<body><main><h1>pse-assistant</h1>{body}</main></body></html>"
    )


def user_menu(principal: Principal | None, hidden_tabs: list[str] | None = None) -> str:
    """Who is signed in, their role, and a sign-out button (nothing when auth is off), with a
    style rule hiding the buttons and panels of the tabs their role may not use."""
    if principal is None or principal.via == "off":
        return ""
    name = html.escape(principal.name)
    rules = ",".join(f"#{tab}-tab-button,#{tab}-tab" for tab in hidden_tabs or [])
    style = f"<style>{rules}{{display:none !important}}</style>" if rules else ""
    return style + (
        f'<div id="user-menu">Signed in as <strong>{name}</strong> ({principal.role.value}) '
        '<form method="post" action="/logout" style="display:inline">'
        '<button type="submit">Sign out</button></form></div>'
    )
