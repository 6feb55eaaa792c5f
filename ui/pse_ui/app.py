"""The Gradio Blocks app: one module per tab, assembled here over the one `Assistant` facade."""

from __future__ import annotations

import gradio as gr

from pse_assistant.accounts.roles import Role
from pse_assistant.assistant import Assistant

from .ask import ask_tab
from .assess import assess_tab
from .browse import browse_tab
from .common import COPYRIGHT
from .evaluate import evaluate_tab
from .links import link_tabs
from .plan import plan_tab
from .quiz import quiz_tab
from .signin import user_menu
from .workshop import workshop_tab

# The role each restricted tab needs: the role of the API routes it stands for (scores, workshop
# packs, evaluation runs). A tab hidden here is also refused in its handlers, through the facade.
TAB_ROLES = {"assess": Role.ASSESSOR, "workshop": Role.TRAINER, "evaluate": Role.ADMIN}


def build_ui(assistant: Assistant) -> gr.Blocks:
    """The whole UI for one assistant (mount it with `pse_ui.look()` for its theme and script).

    Gradio's copies of downloads (its cache) are deleted on the same schedule as the assistant's
    own download folder, and all of them when the server stops.
    """
    age = assistant.settings.downloads_max_age
    with gr.Blocks(
        title="pse-assistant — ISO 11367 public service excellence",
        delete_cache=(min(300, age // 4), age),
    ) as demo:
        gr.Markdown(
            "# pse-assistant\nGuidance for **ISO 11367:2025** public service excellence, with clause "
            "citations you can check."
        )
        # With sign-in on: who is signed in, and a sign-out button (nothing changes with auth off).
        menu = gr.HTML("", elem_id="user-menu-box") if assistant.settings.auth != "off" else None
        with gr.Tabs(elem_id="tabs") as tabs:
            ask = ask_tab(assistant)
            browse_tab(assistant)
            plan = plan_tab(assistant)
            assess = assess_tab(assistant)
            workshop_tab(assistant)
            quiz_tab(assistant)
            evaluate_tab(assistant)
        gr.Markdown(f"---\n{COPYRIGHT}", elem_id="copyright")
        link_tabs(assistant, demo, tabs, ask, plan, assess)
        if menu is not None:
            _show_by_role(assistant, demo, menu)
    blocks: gr.Blocks = demo
    return blocks


def _show_by_role(assistant: Assistant, demo: gr.Blocks, menu: gr.HTML) -> None:
    """On page load: who is signed in (with a sign-out button), and only the tabs their role may
    use (every tab with auth off). Gradio 6 cannot update a tab's visibility from an event, so
    the menu carries a style rule that hides the others; their events are refused anyway."""

    def shown(request: gr.Request) -> str:
        principal = assistant.principal(getattr(request, "username", None))
        role = principal.role if principal else Role.VIEWER
        hidden = [tab for tab, needed in TAB_ROLES.items() if not role.covers(needed)]
        return user_menu(principal, hidden)

    demo.load(shown, None, menu, api_visibility="private")
