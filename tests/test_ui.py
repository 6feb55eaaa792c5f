"""The UI as people touch it: through gradio_client, and in a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from gradio_client import Client

from pse_assistant.assistant import Assistant
from pse_assistant.server import create_app

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
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


@pytest.fixture(scope="module")
def live_url(real_assistant: Assistant) -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    app = create_app(real_assistant, refresh_index=False)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    assert server.started, "the server did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    server.force_exit = True  # the gradio client keeps a connection open; do not wait for it
    thread.join(timeout=10)


def test_gradio_client_asks_and_gets_a_cited_answer(live_url: str) -> None:
    client = Client(live_url, verbose=False)
    history, chips, panel, question = client.predict("principle 5.2.4", [], api_name="/ask")
    assert question == ""
    reply = history[-1]["content"]
    reply = reply if isinstance(reply, str) else str(reply)
    assert "[5.2.4]" in reply and "**Sources:**" in reply
    assert "5.2.4" in str(chips)
    assert "5.2.4 Accessibility" in str(panel)


@pytest.mark.browser
def test_a_person_in_a_browser(live_url: str, tmp_path: Path) -> None:
    """Type a question, see the cited answer, open the clause from its chip, draft and download a plan."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(
                "Chromium is required in CI: `make test` installs Debian's chromium as root"
            )
        pytest.skip(
            "Debian's chromium is not installed (sudo apt-get install chromium chromium-driver)"
        )
    playwright_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page.goto(live_url, wait_until="load")
        page.get_by_role("textbox", name="Your question").wait_for(timeout=30_000)
        page.get_by_role("textbox", name="Your question").fill(
            "How do we stop favouritism and bribes at the permit counter?"
        )
        page.get_by_role("button", name="Ask", exact=True).click()
        chat = page.locator("#chat")
        chat.get_by_text("Sources:").wait_for(timeout=60_000)
        assert "[7.2.3]" in chat.inner_text()
        chips = page.locator("#citations")
        chips.get_by_text("7.2.3 Integrity and conflict management").click()
        panel = page.locator("#clause-panel")
        panel.get_by_text("Evidence an assessor looks for").wait_for(timeout=20_000)
        assert "7.2.3 Integrity and conflict management" in panel.inner_text()
        page.screenshot(path=str(ARTIFACTS / "ui-ask.png"), full_page=False)

        page.get_by_role("tab", name="Plan").click()
        page.get_by_role("button", name="Draft plan").click()
        files = page.locator("#plan-files")
        xlsx_row = files.locator("tr").filter(has_text=".xlsx")
        xlsx_row.wait_for(timeout=60_000)
        assert files.locator("tr").filter(has_text=".docx").count() == 1
        with page.expect_download() as download_info:
            xlsx_row.locator("a").first.click()
        download = download_info.value
        target = tmp_path / download.suggested_filename
        download.save_as(target)
        assert target.name == "plan-7.2.2-12m.xlsx" and target.stat().st_size > 1000
        assert "Review rhythm" in page.locator("#plan-view").inner_text()
        page.screenshot(path=str(ARTIFACTS / "ui-plan.png"), full_page=False)

        page.get_by_role("tab", name="Quiz").click()
        page.get_by_role("button", name="Start the quiz").click()
        page.get_by_text("Question 1 of 8").wait_for(timeout=20_000)
        page.locator("#quiz-options label").first.click()
        page.get_by_role("button", name="Check my answer").click()
        feedback = page.locator("#quiz-feedback")
        feedback.get_by_text("[5.2.4]").wait_for(timeout=20_000)
        assert "Right." in feedback.inner_text() or "Not quite" in feedback.inner_text()

        page.set_viewport_size({"width": 390, "height": 844})  # a phone: still usable
        page.get_by_role("tab", name="Ask").click()
        assert page.get_by_role("textbox", name="Your question").is_visible()
        page.screenshot(path=str(ARTIFACTS / "ui-narrow.png"), full_page=False)
        browser.close()


def test_gradio_client_runs_an_evaluation_of_your_own_set(live_url: str, tmp_path: Path) -> None:
    from gradio_client import handle_file

    own = tmp_path / "our-questions.jsonl"
    own.write_text(
        '{"id": "o1", "question": "principle 5.2.4", "gold_clauses": ["5.2.4"], "must_include": [], '
        '"must_not_include": [], "answerable": true, "persona": "trainer", "type": "clause-lookup"}\n'
        '{"id": "o2", "question": "Write me a poem about autumn", "gold_clauses": [], "must_include": [], '
        '"must_not_include": [], "answerable": false, "persona": "evaluator", "type": "out-of-scope"}\n'
    )
    summary, files = Client(live_url, verbose=False).predict(
        "test", False, handle_file(str(own)), api_name="/evaluate"
    )
    assert "Evaluation of our-questions.jsonl" in summary
    assert "| Right kind of answer | 1.000 |" in summary
    assert any(str(f).endswith("report.html") for f in files)


def test_gradio_client_quiz_workshop_and_assessment(live_url: str) -> None:
    client = Client(live_url, verbose=False)
    text, options, _feedback = client.predict("5.2.4", api_name="/start_quiz")
    assert text.startswith("**Question 1 of 8.**")
    assert len(options["choices"]) >= 3
    view, files = client.predict("5.1.1", "60", "front-line-staff", api_name="/workshop")
    assert "Answer key" in view
    assert {Path(str(f)).suffix for f in files} == {".pptx", ".docx", ".md"}
    aid, _element = client.predict(
        "UI round", "Riverside council", False, api_name="/start_assessment"
    )
    table = client.predict(aid, "Ana", "7.2.3", 3, "Gifts register in use", api_name="/score")
    assert "| 7.2.3 Integrity and conflict management | 3 |" in table


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
