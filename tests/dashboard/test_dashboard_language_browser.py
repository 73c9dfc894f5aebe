"""The dashboard in Dutch in a real browser (headless Chromium from the distribution, driven by
Playwright): a mentor whose browser asks for English chooses Dutch on the Account page with the
keyboard only; the queue (also as its script rebuilds it and announces a new case) and a case page
then show no English string of bot/content/en/dashboard_ui.yml, and every control has a name.

Screenshots go to $DASHBOARD_SCREENSHOTS (default /tmp/dashboard-screenshots), as
dashboard_nl_queue.png, dashboard_nl_case.png and dashboard_nl_my_load.png; the test prints their paths.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, serve, sign_in, unlabelled_controls
from dashboard_helpers import make_case
from language_pages import english_fragments, english_on

from bot.mentoring import accounts

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
PASSWORD = "correct horse battery staple"


def test_a_mentor_who_chose_dutch_sees_the_queue_and_a_case_in_dutch(tmp_path, fake_rasa):
    shots = Path(os.environ.get("DASHBOARD_SCREENSHOTS", "/tmp/dashboard-screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    fragments = english_fragments()
    with serve(tmp_path, fake_rasa) as (app, url), playwright_api.sync_playwright() as playwright:
        db = app.state.db
        with db.session() as session:
            accounts.create_account(session, email="ann@example.org", display_name="Ann", role="mentor",
                                   password=PASSWORD)
        first = make_case(db, "c" * 32, "high", minutes_ago=130, language="nl", country="BE", transcript=True)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900}).new_page()
            expect = playwright_api.expect

            # Signed in, the browser's English applies until the account chooses.
            sign_in(page, url, "ann@example.org", PASSWORD)
            expect(page.get_by_role("heading", name="Queue")).to_be_visible()
            expect(page.locator("html")).to_have_attribute("lang", "en")

            # The switch, with the keyboard only: the labelled select, then its button.
            page.goto(f"{url}/dashboard/account")
            page.get_by_label("Language of the dashboard").focus()
            page.keyboard.press("End")  # the last option: Nederlands
            expect(page.get_by_label("Language of the dashboard")).to_have_value("nl")
            page.keyboard.press("Tab")
            expect(page.get_by_role("button", name="Save language")).to_be_focused()
            page.keyboard.press("Enter")
            expect(page.locator("html")).to_have_attribute("lang", "nl")
            expect(page.get_by_text("Je taal is opgeslagen.")).to_be_visible()

            # The queue: server-rendered, then rebuilt by its script when a new case arrives.
            page.get_by_role("link", name="Wachtrij").click()
            expect(page.get_by_role("heading", name="Wachtrij")).to_be_visible()
            make_case(db, "d" * 32, "imminent", language="en", country="NL")
            expect(page.locator("#queue-live")).to_contain_text("1 nieuwe casus in de wachtrij", timeout=25000)
            expect(page.locator("#queue-alert")).to_contain_text("acuut")
            expect(page.locator("#updated")).to_contain_text("Bijgewerkt om")
            assert english_on(page.content(), fragments) == []
            assert unlabelled_controls(page) == []
            queue_shot = shots / "dashboard_nl_queue.png"
            page.screenshot(path=str(queue_shot), full_page=True)
            print(f"screenshot: {queue_shot}")

            # A case: claim it, and everything around the conversation is Dutch too.
            page.get_by_role("link", name=f"Casus {first}").click()
            page.get_by_role("button", name="Neem deze casus op je").click()
            expect(page.get_by_text("Deze casus staat nu op jouw naam.")).to_be_visible()
            expect(page.get_by_label("Bericht aan de persoon (taal: NL)")).to_be_visible()
            page.get_by_label("Bereikt, en voorlopig veilig").check()
            assert english_on(page.content(), fragments) == []
            assert unlabelled_controls(page) == []
            case_shot = shots / "dashboard_nl_case.png"
            page.screenshot(path=str(case_shot), full_page=True)
            print(f"screenshot: {case_shot}")

            # Care for the mentor (issue 14.3): the ABC, the two poles, Pesso's needs opened by keyboard.
            page.get_by_role("link", name="Mijn draaglast").click()
            expect(page.get_by_role("heading", name="Het ABC van zelfzorg")).to_be_visible()
            expect(page.get_by_role("heading", name="Te ver of te dichtbij")).to_be_visible()
            page.locator("summary", has_text="Steun").focus()
            page.keyboard.press("Enter")
            expect(page.get_by_text("Voelt om steun vragen voor mij als zwakte?")).to_be_visible()
            assert english_on(page.content(), fragments) == []
            assert unlabelled_controls(page) == []
            load_shot = shots / "dashboard_nl_my_load.png"
            page.screenshot(path=str(load_shot), full_page=True)
            print(f"screenshot: {load_shot}")
        finally:
            browser.close()
