"""The web UI with sign-in on: the sign-in page, the same session as the API, each user's own
conversations, and tabs refused to roles below them (through gradio_client, as a script would call
a hidden tab's event directly)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client

from pse_assistant.corpus.loader import Corpus
from pse_assistant.server import create_app
from pse_ui.signin import login_page, safe_next
from tests.accounts_fixtures import PASSWORD, Site, make_site
from tests.live import serving
from tests.test_ui import CHROMIUM, CHROMIUM_FLAGS, WAIT, _needed

pytestmark = pytest.mark.slow  # a live server on a loopback port


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, corpus: Corpus, fake_index: Path
) -> Iterator[tuple[str, Site]]:
    """The whole app (API and UI) with sign-in on, on a loopback port."""
    site = make_site(tmp_path_factory.mktemp("ui-auth") / "data", corpus, fake_index)
    with serving(create_app(site.assistant, refresh_index=False)) as url:
        yield url, site


def _session(url: str, name: str) -> dict[str, str]:
    signed = httpx.post(f"{url}/api/login", json={"name": name, "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    return {"Cookie": f"pse_session={signed.cookies['pse_session']}"}


def test_a_visitor_who_is_not_signed_in_gets_the_sign_in_page(served: tuple[str, Site]) -> None:
    url, _ = served
    page = httpx.get(f"{url}/?assessment=abc&invite=xyz")
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=%2F%3Fassessment%3Dabc%26invite%3Dxyz"
    form = httpx.get(f"{url}/login?next=/?assessment=abc")
    assert form.status_code == 200 and 'id="sign-in"' in form.text
    assert 'data-next="/?assessment=abc"' in form.text
    assert httpx.get(f"{url}/config").status_code == 401  # Gradio's own routes refuse too
    with pytest.raises(Exception):  # noqa: B017 (gradio_client raises its own kinds)
        Client(url, verbose=False)


def test_the_ui_uses_the_api_session_and_keeps_each_users_conversations(
    served: tuple[str, Site],
) -> None:
    url, _ = served
    vera = _session(url, "vera")
    page = httpx.get(f"{url}/", headers=vera)
    assert page.status_code == 200
    client = Client(url, verbose=False, headers=vera)
    history, *_ = client.predict("What does 7.2.3 ask of us?", [], "", [], api_name="/ask")
    assert history[-1]["content"]
    mine = httpx.get(f"{url}/api/conversations", headers=vera).json()["items"]
    assert [c["title"] for c in mine] == ["What does 7.2.3 ask of us?"]
    cid = mine[0]["id"]
    others = httpx.get(f"{url}/api/conversations", headers=_session(url, "olga")).json()["items"]
    assert cid not in [c["id"] for c in others]
    assert httpx.post(f"{url}/logout", headers=vera).status_code == 303


def _view(result: Any) -> str:
    return str(result[0] if isinstance(result, list | tuple) else result)


def test_a_tab_above_the_users_role_is_refused_even_when_called_directly(
    served: tuple[str, Site],
) -> None:
    url, site = served
    viewer = Client(url, verbose=False, headers=_session(url, "vera"))
    refused = viewer.predict("5.1.1", "60", "front-line-staff", api_name="/workshop")
    assert "Answer key" not in _view(refused)
    trainer = Client(url, verbose=False, headers=_session(url, "tom"))
    built = trainer.predict("5.1.1", "60", "front-line-staff", api_name="/workshop")
    assert "Answer key" in _view(built)
    started = viewer.predict("Round", "City hall", False, "vera", api_name="/start_assessment")
    assert started[0] in (None, "", {"__type__": "update"})  # the outputs were left as they were
    assert not site.assistant.training.assessment_page(10).items  # and nothing was started


def test_the_sign_in_page_only_sends_people_to_this_site() -> None:
    assert safe_next("/?assessment=abc#assess") == "/?assessment=abc#assess"
    for outside in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:x"):
        assert safe_next(outside) == "/"
    assert 'href="/api/login/oidc"' in login_page("oidc")
    assert 'id="sign-in"' not in login_page("oidc")


@pytest.mark.browser
def test_in_a_browser_a_viewer_signs_in_sees_their_tabs_and_signs_out(
    served: tuple[str, Site],
) -> None:
    url, _ = served
    if not Path(CHROMIUM).exists():
        _needed("Debian's chromium", "sudo apt-get install chromium chromium-driver")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = chromium.new_page()
            page.goto(f"{url}/?tab=x", wait_until="load")
            assert page.url.startswith(f"{url}/login?next=")
            page.get_by_label("Name").fill("vera")
            page.get_by_label("Password").fill("not her password")
            page.get_by_role("button", name="Sign in").click()
            page.get_by_role("alert").get_by_text("The name or the password is wrong.").wait_for()
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_text("Signed in as").wait_for(timeout=WAIT)
            assert "vera" in page.locator("#user-menu").inner_text()
            page.get_by_role("tab", name="Ask").wait_for(timeout=WAIT)
            page.get_by_role("tab", name="Evaluate").wait_for(state="hidden", timeout=WAIT)
            visible = [t.inner_text().strip() for t in page.get_by_role("tab").all()]
            assert "Ask" in visible and "Quiz" in visible
            assert not {"Assess", "Workshop", "Evaluate"} & set(visible)
            page.get_by_role("button", name="Sign out").click()
            page.wait_for_url(f"{url}/login", timeout=WAIT)
            page.goto(url, wait_until="load")
            assert page.url.startswith(f"{url}/login")
        finally:
            chromium.close()
