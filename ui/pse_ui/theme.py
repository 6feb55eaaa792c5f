"""The look of the app: a theme with WCAG AA contrast, the CSS for phones, and the page script.

Gradio 6 takes the theme, CSS and script when the app is mounted, so `look()` hands them to
`pse_assistant.server`. Colours are chosen for contrast on white: the primary blue carries white
text at 6.7:1, secondary text is slate-600 (7.6:1), nothing relies on the default orange (2.8:1).
"""

from __future__ import annotations

from typing import Any

import gradio as gr

PRIMARY = "#1d4ed8"  # blue-700: white text on it is 6.7:1
PRIMARY_HOVER = "#1e40af"  # blue-800
SUBDUED = "#475569"  # slate-600 on white: 7.6:1
FONTS = [
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "Helvetica Neue",
    "Arial",
    "sans-serif",
]

CSS = """
.gradio-container { max-width: 1280px !important; }
h1 { font-size: 1.6rem !important; margin: 0.2rem 0 !important; }
.tab-heading h2 { font-size: 1.25rem; margin: 0.25rem 0 0.5rem; }
/* Tables scroll inside their own box and never break words letter by letter. */
.prose table, .md table { display: block; max-width: 100%; overflow-x: auto; border: 0 !important; }
.prose td, .prose th, .md td, .md th {
  word-break: normal !important; overflow-wrap: normal !important; hyphens: manual;
  min-width: 7rem; vertical-align: top;
}
.prose td:first-child, .md td:first-child { min-width: 10rem; }
.prose pre, .md pre { max-width: 100%; overflow-x: auto; }
.chips .wrap { gap: 6px; }
#clause-tree a, #clause-panel a, #chat a[href^="#clause-"] { text-decoration: underline; }
#clause-tree ul { list-style: none; padding-left: 0.8rem; }
#clause-tree li, #clause-tree ul ul { font-size: 1rem !important; }
#report-frame iframe { width: 100%; height: 720px; border: 1px solid #cbd5e1; border-radius: 6px; }
:focus-visible { outline: 3px solid #f59e0b !important; outline-offset: 2px; }
@media (max-width: 720px) {
  .gradio-container { padding: 6px !important; }
  .row, .form { flex-wrap: wrap !important; }
  .row > .column, .row > .block, .row > .form, .form > .block {
    min-width: 100% !important; flex: 1 1 100% !important;
  }
  #chat { height: 420px !important; }
  #report-frame iframe { height: 520px; }
}
"""

# Clause links (`#clause-7.2.3`) in an answer, a clause panel or the Browse tree open that clause
# in place: the click goes to a hidden text box and button, so the server does the work and a
# keyboard user gets the same as a mouse (links are focusable and Enter clicks them).
JS = """
() => {
  const open = (target, clause) => {
    const box = document.querySelector(`#${target} textarea, #${target} input`);
    const button = document.querySelector(`#${target}-go`);
    if (!box || !button) return;
    box.value = clause;
    box.dispatchEvent(new Event('input', { bubbles: true }));
    setTimeout(() => button.click(), 50);
    // On a phone the clause opens below the chat: bring it into view once it is there.
    const panel = document.querySelector(target === 'browse-request' ? '#browse-guidance' : '#clause-panel');
    setTimeout(() => {
      const top = panel ? panel.getBoundingClientRect().top : 0;
      if (panel && (top < 0 || top > innerHeight * 0.8)) panel.scrollIntoView({ block: 'start' });
    }, 600);
  };
  // Repairs to Gradio's markup, as elements appear. Tables and code blocks scroll inside their
  // box: make each reachable by keyboard. Empty file and gallery boxes carry an aria-label on a
  // plain div: give them a role that may have one.
  const scrollers = ['.prose table', '.md table', '.prose pre', '.md pre']
    .map((s) => `${s}:not([tabindex])`).join(', ');
  const tidy = () => {
    document.querySelectorAll(scrollers)
      .forEach((box) => { box.setAttribute('tabindex', '0'); });
    document.querySelectorAll('div.empty[aria-label]:not([role])')
      .forEach((box) => { box.setAttribute('role', 'note'); });
    // A toast's header is a "button" holding the close button: keep the close button only.
    document.querySelectorAll('.toast-header[role="button"]').forEach((header) => {
      header.removeAttribute('role');
      header.removeAttribute('tabindex');
    });
  };
  new MutationObserver(tidy).observe(document.body, { childList: true, subtree: true });
  tidy();
  document.addEventListener('click', (event) => {
    const link = event.target.closest && event.target.closest('a[href^="#clause-"]');
    if (!link) return;
    event.preventDefault();
    event.stopPropagation();
    const clause = decodeURIComponent(link.getAttribute('href').slice('#clause-'.length));
    open(link.closest('#browse-tab') ? 'browse-request' : 'clause-request', clause);
  }, true);
}
"""


def theme() -> gr.themes.Base:
    """Gradio's default theme with the project's blue and darker secondary text, offline fonts."""
    base = gr.themes.Default(
        primary_hue=gr.themes.colors.blue,
        secondary_hue=gr.themes.colors.slate,
        neutral_hue=gr.themes.colors.slate,
        font=FONTS,
        font_mono=["ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace"],
    )
    themed: gr.themes.Base = base.set(
        button_primary_background_fill=PRIMARY,
        button_primary_background_fill_hover=PRIMARY_HOVER,
        button_primary_background_fill_dark=PRIMARY,
        button_primary_text_color="#ffffff",
        button_primary_border_color=PRIMARY,
        body_text_color_subdued=SUBDUED,
        block_info_text_color=SUBDUED,
        block_label_text_color="#1e293b",
        block_title_text_color="#1e293b",
        link_text_color=PRIMARY,
        link_text_color_visited="#5b21b6",
        input_placeholder_color=SUBDUED,
        checkbox_label_text_color="#1e293b",
        color_accent=PRIMARY,
        color_accent_soft="#dbeafe",
    )
    return themed


def look() -> dict[str, Any]:
    """What `gr.mount_gradio_app` needs besides the Blocks: theme, CSS and the page script."""
    return {"theme": theme(), "css": CSS, "js": JS}
