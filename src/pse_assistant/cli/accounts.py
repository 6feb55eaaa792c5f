"""`pse users`, `pse tokens` and `pse audit`: accounts, API tokens and the audit log from the terminal.

Each change is written to the audit log as the operating-system user who ran the command. A token
is printed once, alone on the last line of the output, so a script can take it with `tail -n 1`.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from pse_assistant.accounts.roles import Role, operator
from pse_assistant.cli.common import current_assistant, err, out
from pse_assistant.core.errors import InvalidInput

users_app = typer.Typer(help="Local accounts: add, list, disable, enable, set-password, set-role.")
tokens_app = typer.Typer(help="API tokens for scripts: create, list, revoke.")
app = typer.Typer()
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")
RoleOption = Annotated[
    str,
    typer.Option("--role", help="viewer, assessor, trainer or admin (each holds the ones before)."),
]


def _password(from_stdin: bool) -> str:
    """The new password: the first line of standard input, or typed twice at a hidden prompt."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise InvalidInput("The password is empty.")
    return password


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user name (letters, digits, . _ @ + -).")],
    role: RoleOption = "viewer",
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Add a local account; the password is kept only as an Argon2 hash."""
    chosen = Role.parse(role)
    user = current_assistant().accounts.add_user(
        name, chosen, _password(password_stdin), operator()
    )
    out.print(f"Added {user.name} ({user.role.value}).")


@users_app.command("list")
def users_list() -> None:
    """Every account: name, role, where it comes from (local or oidc), and whether it is disabled."""
    users = current_assistant().accounts.users()
    if not users:
        out.print("No accounts yet: pse users add NAME --role admin")
    for user in users:
        state = "  disabled" if user.disabled else ""
        out.print(
            f"{user.name}\t{user.role.value}\t{user.source}\t{user.created}{state}",
            soft_wrap=True,
            highlight=False,
        )


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="The user name.")]) -> None:
    """Disable an account: its sessions and tokens stop working at once."""
    user = current_assistant().accounts.set_disabled(name, True, operator())
    out.print(f"Disabled {user.name}.")


@users_app.command("enable")
def users_enable(name: Annotated[str, typer.Argument(help="The user name.")]) -> None:
    """Enable a disabled account again."""
    user = current_assistant().accounts.set_disabled(name, False, operator())
    out.print(f"Enabled {user.name}.")


@users_app.command("set-password")
def users_set_password(
    name: Annotated[str, typer.Argument(help="The user name.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Give a local account a new password (a reset: the old one stops working)."""
    user = current_assistant().accounts.set_password(name, _password(password_stdin), operator())
    out.print(f"New password set for {user.name}.")


@users_app.command("set-role")
def users_set_role(
    name: Annotated[str, typer.Argument(help="The user name.")],
    role: Annotated[str, typer.Argument(help="viewer, assessor, trainer or admin.")],
) -> None:
    """Give a user another role; it applies to their next request."""
    user = current_assistant().accounts.set_role(name, Role.parse(role), operator())
    out.print(f"{user.name} is now {user.role.value}.")


@tokens_app.command("create")
def tokens_create(
    user: Annotated[str, typer.Option("--user", help="Whose token it is (it acts as them).")],
    expires: Annotated[str, typer.Option("--expires", help="Lifetime: 12h, 90d, 4w.")] = "90d",
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
) -> None:
    """Make an API token; it is printed once, alone on the last line, and only its hash is kept."""
    from pse_assistant.accounts.tokens import parse_lifetime

    info, text = current_assistant().accounts.create_token(
        user, parse_lifetime(expires), operator(), label=label
    )
    err.print(
        f"Token {info.id} for {info.user}, valid until {info.expires}. It is shown only once:"
    )
    out.print(text, soft_wrap=True, highlight=False)


@tokens_app.command("list")
def tokens_list(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's tokens.")] = None,
) -> None:
    """Tokens: id, user, label, expiry, and when revoked or last used (never the token itself)."""
    for token in current_assistant().accounts.tokens(user):
        state = (
            f"revoked {token.revoked}" if token.revoked else f"last used {token.last_used or '-'}"
        )
        out.print(
            f"{token.id}\t{token.user}\t{token.label or '-'}\texpires {token.expires}\t{state}"
        )


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (pse tokens list).")],
) -> None:
    """Revoke a token; it stops working at once."""
    token = current_assistant().accounts.revoke_token(token_id, operator())
    out.print(f"Revoked token {token.id} of {token.user}.")


@app.command("audit")
def audit(
    limit: Annotated[int, typer.Option("--limit", min=1, max=200, help="How many entries.")] = 50,
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """The audit log, newest first: when, who (role), what, on what, from where."""
    page = current_assistant().accounts.audit.page(limit)
    for entry in page.items:
        if json_output:
            out.print(entry.model_dump_json(), soft_wrap=True, highlight=False)
            continue
        detail = f" ({entry.detail})" if entry.detail else ""
        out.print(
            f"{entry.at}  {entry.actor} ({entry.role})  {entry.action} {entry.target}{detail}"
            f"  from {entry.address}",
            highlight=False,
            soft_wrap=True,
        )
