"""The UI as people touch it: through gradio_client, and in a real headless Chromium.

One live server and one browser serve the whole module. The browser tests walk the three kinds of
users through the app (a civil servant asking and planning, two assessors sharing an assessment,
a trainer's quiz), then check every tab at desktop and phone sizes: no element wider than the
screen, headings in order, and no serious or critical axe-core violation. Screenshots of every tab
go to test-artifacts/.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client

from pse_assistant.assistant import Assistant
from pse_assistant.server import create_app
from tests.live import serving

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
TABS = ("Ask", "Browse", "Plan", "Assess", "Workshop", "Quiz", "Evaluate")
WAIT = 60_000

# Elements wider than the screen that no scrolling box of theirs clips: what a phone user would
# have to scroll sideways for.
OVERFLOW_JS = """
() => {
  const vw = document.documentElement.clientWidth;
  const bad = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || r.right <= vw + 1 || el.closest('[aria-hidden="true"]')) continue;
    let clipped = false;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o !== 'visible') { clipped = a.getBoundingClientRect().right <= vw + 1; break; }
    }
    if (!clipped) bad.push(`${el.tagName.toLowerCase()}#${el.id}.${el.className} right=${r.right}`);
  }
  return {scroll: document.documentElement.scrollWidth, vw, bad: bad.slice(0, 8)};
}
"""
HEADINGS_JS = """
() => [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')]
  .filter((h) => h.offsetParent !== null && !h.closest('#chat'))
  .map((h) => [Number(h.tagName[1]), h.textContent.trim().slice(0, 60)])
"""
# Before a screenshot: no toast over the page, the page at its top, the chat at its first question.
TIDY_JS = """
() => {
  document.querySelectorAll('[data-testid="toast-close"]').forEach((b) => b.click());
  const chat = document.querySelector('#chat');
  const scroller = chat && [...chat.querySelectorAll('*')].find(
    (e) => e.scrollHeight > e.clientHeight + 20 && getComputedStyle(e).overflowY !== 'visible');
  if (scroller) scroller.scrollTop = 0;
  window.scrollTo(0, 0);
}
"""
AXE_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}
"""


def _needed(what: str, hint: str) -> None:
    """A missing browser or axe fails in CI and skips elsewhere, with a note on how to get it."""
    if os.environ.get("CI"):
        pytest.fail(f"{what} is required in CI: `make test` installs it")
    pytest.skip(f"{what} is not installed ({hint})")


@pytest.fixture(scope="module")
def live_url(real_assistant: Assistant) -> Iterator[str]:
    with serving(create_app(real_assistant, refresh_index=False)) as url:
        yield url


@pytest.fixture(scope="module")
def browser(live_url: str) -> Iterator[Any]:
    """Debian's Chromium driven by Playwright, shared by the module's browser tests."""
    if not Path(CHROMIUM).exists():
        _needed("Debian's chromium", "sudo apt-get install chromium chromium-driver")
    playwright_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def open_app(browser: Any, url: str, viewport: dict[str, int] = DESKTOP) -> Any:
    page = browser.new_context(viewport=viewport, accept_downloads=True).new_page()
    page.goto(url, wait_until="load")
    page.get_by_role("tablist").wait_for(timeout=WAIT)
    return page


def open_tab(page: Any, name: str) -> None:
    """A tab by name; on a phone the last tabs sit behind Gradio's "More tabs" menu."""
    tab = page.get_by_role("tab", name=name)
    if tab.count() and tab.is_visible():
        tab.click()
        return
    page.get_by_role("button", name="More tabs").click()
    page.locator(".overflow-dropdown").get_by_role("button", name=name).click()


def ask(page: Any, question: str) -> None:
    """Type a question and press Enter, as in any chat app; wait for the cited answer."""
    box = page.get_by_role("textbox", name="Your question")
    box.wait_for(timeout=WAIT)
    box.fill(question)
    box.press("Enter")
    page.locator("#chat").get_by_text("Sources:").last.wait_for(timeout=WAIT)


# -- through gradio_client ---------------------------------------------------------------------


def test_gradio_client_asks_and_gets_a_cited_answer(live_url: str) -> None:
    client = Client(live_url, verbose=False)
    history, chips, panel, question, _plan = client.predict("principle 5.2.4", [], api_name="/ask")
    assert question == ""
    reply = history[-1]["content"]
    reply = reply if isinstance(reply, str) else str(reply)
    assert "(#clause-5.2.4)" in reply and "**Sources:**" in reply  # citations are links
    assert "5.2.4" in str(chips)
    assert "### 5.2.4 Accessibility" in str(panel)


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        (
            "how do we handel complients at the countr",
            "I read this as: “how do we handle complaints",
        ),
        ("thanks!", "You're welcome"),
        ("Wie gehen wir mit Beschwerden am Schalter um?", "Die Hinweise von pse-assistant"),
    ],
)
def test_gradio_client_reads_typos_small_talk_and_other_languages(
    live_url: str, message: str, shown: str
) -> None:
    history, *_ = Client(live_url, verbose=False).predict(message, [], api_name="/ask")
    reply = history[-1]["content"]  # text, or Gradio 6's list of typed parts
    text = reply if isinstance(reply, str) else " ".join(str(p.get("text", "")) for p in reply)
    assert shown in text


def test_gradio_client_runs_an_evaluation_of_your_own_set(live_url: str, tmp_path: Path) -> None:
    own = tmp_path / "our-questions.jsonl"
    own.write_text(
        '{"id": "o1", "question": "principle 5.2.4", "gold_clauses": ["5.2.4"], "must_include": [], '
        '"must_not_include": [], "answerable": true, "persona": "trainer", "type": "clause-lookup"}\n'
        '{"id": "o2", "question": "Write me a poem about autumn", "gold_clauses": [], "must_include": [], '
        '"must_not_include": [], "answerable": false, "persona": "evaluator", "type": "out-of-scope"}\n'
    )
    from gradio_client import handle_file

    summary, files, report = Client(live_url, verbose=False).predict(
        "test", False, handle_file(str(own)), api_name="/evaluate"
    )
    assert "Evaluation of our-questions.jsonl" in summary
    assert "2 questions answered" in summary  # a count, never "2.000"
    assert "| Right kind of answer | 1.000 | Answered when it should" in summary
    assert any(str(f).endswith("report.html") for f in files["value"])
    assert report.startswith('<iframe title="Evaluation report" sandbox srcdoc=')


def test_gradio_client_quiz_workshop_and_assessment(live_url: str) -> None:
    client = Client(live_url, verbose=False)
    text, options, _feedback = client.predict("5.2.4", api_name="/start_quiz")
    assert text.startswith("**Question 1 of 4** (on 5.2.4).")
    assert len(options["choices"]) >= 3
    view, files = client.predict("5.1.1", "60", "front-line-staff", api_name="/workshop")
    assert "Answer key" in view
    names = {Path(str(f)).name for f in files["value"]}
    assert {Path(n).suffix for n in names} == {".pptx", ".docx", ".md"}
    assert any(n.endswith("-handout.docx") for n in names)
    aid, header, element, _scale, _progress = client.predict(
        "UI round", "Riverside council", False, "Ana", api_name="/start_assessment"
    )
    assert f"/?assessment={aid}#assess" in header
    assert [c[1] for c in element["choices"]][:2] == ["7.1.1", "7.1.2"]  # never the principles
    table, *_ = client.predict(aid, "Ana", "7.2.3", 3, "Gifts register in use", api_name="/score")
    assert "| 7.2.3 Integrity and conflict management | 3 |" in table
    assert "**Progress:** Ana 1 of 12" in table


# -- in a browser ----------------------------------------------------------------------------------


@pytest.mark.browser
def test_a_civil_servant_asks_follows_a_citation_and_opens_the_answer_in_plan(
    browser: Any, live_url: str, tmp_path: Path
) -> None:
    page = open_app(browser, live_url)
    box = page.get_by_role("textbox", name="Your question")
    box.wait_for(timeout=WAIT)
    box.fill("first line")
    box.press("Shift+Enter")  # a new line, not a question sent
    box.type("second line")
    assert box.input_value() == "first line\nsecond line"
    ask(page, "We're a tax office with 300 staff. How do we stop bribes at the permit counter?")
    chat, panel = page.locator("#chat"), page.locator("#clause-panel")
    assert "[7.2.3]" in chat.inner_text()
    related = panel.locator('a[href^="#clause-"]').last  # a related clause, linked in the panel
    other = (related.get_attribute("href") or "").removeprefix("#clause-")
    related.click()
    panel.get_by_role("heading", name=re.compile(f"^{re.escape(other)} ")).wait_for(timeout=WAIT)
    chat.locator('a[href="#clause-7.2.3"]').first.click()  # a citation in the answer
    title = panel.get_by_role("heading", name="7.2.3 Integrity and conflict management")
    title.wait_for(timeout=WAIT)
    assert "Evidence an assessor looks for" in panel.inner_text()
    page.evaluate(TIDY_JS)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "flow-ask.png"))

    page.get_by_role("button", name="Open in Plan").click()
    note = page.locator("#plan-context")
    note.get_by_text("Filled in from your conversation").wait_for(timeout=WAIT)
    assert "7.2.3" in note.inner_text() and "organization" in note.inner_text()
    assert page.locator("#plan-org").get_by_role("textbox").input_value() == "tax office"
    assert "7.2.3" in page.locator("#plan-clauses").inner_text()
    page.get_by_role("button", name="Draft plan").click()
    xlsx_row = page.locator("#plan-files tr").filter(has_text=".xlsx")
    xlsx_row.wait_for(timeout=WAIT)
    with page.expect_download() as download_info:
        xlsx_row.locator("a").first.click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert target.suffix == ".xlsx" and target.stat().st_size > 1000
    assert "Review rhythm" in page.locator("#plan-view").inner_text()

    page.reload(wait_until="load")  # the chat is kept: the conversation id is in the browser
    page.locator("#chat").get_by_text("We're a tax office with 300 staff").wait_for(timeout=WAIT)
    assert "[7.2.3]" in page.locator("#chat").inner_text()
    open_tab(page, "Browse")  # the table of contents is links, by keyboard too
    tree_link = page.locator("#clause-tree").get_by_role("link", name="5.2.4 Accessibility")
    tree_link.focus()
    page.keyboard.press("Enter")
    guidance = page.locator("#browse-guidance")
    guidance.get_by_role("heading", name="5.2.4 Accessibility").wait_for(timeout=WAIT)
    open_tab(page, "Ask")
    page.get_by_text("Your conversations").click()
    page.locator("#history-picker input").click()
    saved = page.get_by_role("option").all_inner_texts()
    assert any(s.startswith("We're a tax office with 300 staff") for s in saved)
    page.context.close()


@pytest.mark.browser
def test_two_assessors_score_one_assessment_through_its_join_link(
    browser: Any, live_url: str
) -> None:
    first = open_app(browser, live_url)
    first.get_by_role("tab", name="Assess").click()
    first.get_by_role("textbox", name="Your name (assessor)").fill("Ana")
    first.get_by_role("button", name="Start assessment").click()
    link = first.locator("#assessment-header a")
    link.wait_for(timeout=WAIT)
    join = link.get_attribute("href")
    assert join and re.fullmatch(r"/\?assessment=[0-9a-f]{12}#assess", join)
    first.locator("#score").get_by_text("2", exact=True).click()
    first.get_by_role("button", name="Save my score").click()
    first.locator("#my-progress").get_by_text("Ana: 1 of 12 scored.").wait_for(timeout=WAIT)

    second = open_app(browser, live_url + join, PHONE)  # another person, on a phone
    second.locator("#assessment-header").get_by_text("Riverside council").wait_for(timeout=WAIT)
    second.get_by_role("textbox", name="Your name (assessor)").fill("Ben")
    second.screenshot(path=str(ARTIFACTS / "flow-join-phone.png"))  # what Ben sees on joining
    second.locator("#element input").click()
    offered = [o.strip("✓\n ") for o in second.get_by_role("option").all_inner_texts()]
    second.keyboard.press("Tab")  # leave the list as it was
    second.get_by_role("heading", name="Self-assessment").click()
    assert len(offered) == 12 and all(o.startswith("7.") for o in offered)  # its own elements only
    second.locator("#score").get_by_text("4", exact=True).click()
    second.get_by_role("button", name="Save my score").click()
    second.locator("#my-progress").get_by_text("Ben: 1 of 12 scored.").wait_for(timeout=WAIT)

    first.get_by_role("button", name="Show consensus, charts and reports").click()
    consensus = first.locator("#consensus")
    consensus.get_by_text("Ana 1 of 12 · Ben 1 of 12").wait_for(timeout=WAIT)
    row = consensus.locator("tr").filter(has_text="7.1.1 Public service excellence purpose")
    assert [c.strip() for c in row.locator("td").all_inner_texts()][1:3] == ["2", "4"]
    errors = first.locator(".toast-body").filter(has_text="not in the list of choices")
    assert errors.count() == 0
    first.evaluate(TIDY_JS)
    first.wait_for_timeout(300)
    first.screenshot(path=str(ARTIFACTS / "flow-assess.png"))
    first.context.close()
    second.context.close()


@pytest.mark.browser
def test_the_quiz_ends_with_a_score_and_a_new_clause_restarts_it(
    browser: Any, live_url: str
) -> None:
    page = open_app(browser, live_url)
    page.get_by_role("tab", name="Quiz").click()
    page.get_by_role("button", name="Start the quiz").click()
    question = page.locator("#quiz-question")
    question.get_by_text("Question 1 of 4").wait_for(timeout=WAIT)
    for number in range(1, 5):
        question.get_by_text(f"Question {number} of 4").wait_for(timeout=WAIT)
        page.locator("#quiz-options label").first.click()
        page.get_by_role("button", name="Check my answer").click()
        page.locator("#quiz-feedback").get_by_text("[5.2.4]").wait_for(timeout=WAIT)
        page.locator("#quiz-next").click()
    question.get_by_text("Your score:").wait_for(timeout=WAIT)
    assert re.search(r"Your score: \d of 4", question.inner_text())
    page.screenshot(path=str(ARTIFACTS / "flow-quiz.png"), full_page=True)
    page.get_by_role("button", name="Restart the quiz").click()
    question.get_by_text("Question 1 of 4").wait_for(timeout=WAIT)
    page.locator("#quiz-clause input").fill("7.2.3")
    page.get_by_role("option", name=re.compile("^7.2.3 ")).click()
    question.get_by_text("(on 7.2.3)").wait_for(timeout=WAIT)  # a new quiz, on the new clause
    page.context.close()


def _fill_tab(page: Any, tab: str) -> None:
    """Give a tab something to show before its screenshot."""
    if tab == "Plan" and not page.locator("#plan-view").inner_text().strip():
        page.get_by_role("button", name="Draft plan").click()
        page.locator("#plan-view").get_by_text("Review rhythm").wait_for(timeout=WAIT)
    elif tab == "Workshop" and not page.locator("#workshop-view").inner_text().strip():
        page.get_by_role("button", name="Build the workshop pack").click()
        page.locator("#workshop-view").get_by_role("heading", name="Answer key").wait_for(
            timeout=WAIT
        )
    elif tab == "Assess" and not page.locator("#assessment-header a").count():
        page.locator("#assessor").get_by_role("textbox").fill("Ana")
        page.get_by_role("button", name="Start assessment").click()
        page.locator("#assessment-header a").wait_for(timeout=WAIT)
    elif tab == "Quiz" and "Question" not in page.locator("#quiz-question").inner_text():
        page.get_by_role("button", name="Start the quiz").click()
        page.locator("#quiz-question").get_by_text("Question 1 of").wait_for(timeout=WAIT)


@pytest.mark.browser
@pytest.mark.parametrize(("size", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_every_tab_fits_the_screen_reads_in_order_and_passes_axe(
    browser: Any, live_url: str, size: str, viewport: dict[str, int]
) -> None:
    if not AXE.exists():
        _needed("axe-core", "`make axe` installs it from the npm registry into .cache/axe")
    page = open_app(browser, live_url, viewport)
    ask(page, "What evidence would an assessor want for 7.4.3?")
    problems: list[str] = []
    for tab in TABS:
        open_tab(page, tab)
        page.locator(f"#{tab.lower()}-tab").wait_for(timeout=WAIT)
        _fill_tab(page, tab)
        page.wait_for_timeout(300)
        page.evaluate(TIDY_JS)
        page.locator(".toast-body").first.wait_for(state="detached", timeout=5_000)
        page.screenshot(path=str(ARTIFACTS / f"ui-{tab.lower()}-{size}.png"))
        page.screenshot(path=str(ARTIFACTS / f"ui-{tab.lower()}-{size}-full.png"), full_page=True)
        overflow = page.evaluate(OVERFLOW_JS)
        if overflow["scroll"] > overflow["vw"] or overflow["bad"]:
            problems.append(f"{tab}: wider than the screen: {overflow}")
        levels = [level for level, _ in page.evaluate(HEADINGS_JS)]
        if levels[:1] != [1] or any(b > a + 1 for a, b in itertools.pairwise(levels)):
            problems.append(f"{tab}: headings out of order: {page.evaluate(HEADINGS_JS)}")
        page.add_script_tag(path=str(AXE))
        problems += [f"{tab}: {v}" for v in page.evaluate(AXE_JS)]
    page.context.close()
    assert not problems, "\n".join(problems)


def test_gradio_client_reads_and_downloads_a_template(live_url: str) -> None:
    """The Browse tab's templates section: read how to fill one in, then get both files."""
    client = Client(live_url, verbose=False)
    view = client.predict("complaint-log", api_name="/template")
    assert view.startswith("### Complaint log") and "#### How to fill it in" in view
    assert "Scottish Public Services Ombudsman" in view
    files = client.predict("complaint-log", api_name="/template_files")
    paths = [Path(str(f["path"] if isinstance(f, dict) else f)) for f in files]
    assert sorted(p.name for p in paths) == ["complaint-log.docx", "complaint-log.xlsx"]
    clause = client.predict("7.2.3", api_name="/clause")
    assert "#### References" in clause and "Gifts and hospitality register" in clause
