"""In a real browser (headless Chromium from the distribution, driven by Playwright; no browser
download): a person in crisis on the chat page, a mentor who signs in, sees the case arrive at the top
of the queue, claims it, writes to the person, reads the reply, hands back and closes the case.

Screenshots of the queue and the case view go to $DASHBOARD_SCREENSHOTS (default
/tmp/dashboard-screenshots).
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, serve, sign_in

from bot.mentoring import accounts

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def live_server(tmp_path, fake_rasa):
    with serve(tmp_path, fake_rasa) as served:
        yield served


def test_mentor_reaches_a_person_in_crisis_through_the_dashboard(live_server, fake_rasa):
    app, url = live_server
    with app.state.db.session() as session:
        accounts.create_account(session, email="ann@example.org", display_name="Ann", role="mentor", password=PASSWORD)
    shots = Path(os.environ.get("DASHBOARD_SCREENSHOTS", "/tmp/dashboard-screenshots"))
    shots.mkdir(parents=True, exist_ok=True)

    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            mentor = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            person = browser.new_context(viewport={"width": 420, "height": 800}).new_page()
            expect = playwright_api.expect

            # The mentor signs in and waits with an empty queue.
            sign_in(mentor, url, "ann@example.org", PASSWORD)
            expect(mentor.get_by_role("heading", name="Queue")).to_be_visible()
            expect(mentor.locator("#queue-empty")).to_be_visible()

            # A person writes a crisis message on the chat page and gets help lines at once.
            person.goto(f"{url}/?lang=en")
            person.locator("#message").fill("i want to kill myself")
            person.locator("#message").press("Enter")
            expect(person.locator("#help-banner")).to_be_visible(timeout=15000)
            assert fake_rasa.sent == []

            # The case appears at the top of the mentor's queue by itself, with an alert.
            first_row = mentor.locator("#queue-body tr").first
            expect(first_row).to_be_visible(timeout=25000)
            expect(mentor.locator("#queue-alert")).to_be_visible()
            expect(mentor.locator("#queue-live")).to_contain_text("new case")
            mentor.screenshot(path=str(shots / "queue.png"), full_page=True)

            first_row.get_by_role("link").click()
            mentor.get_by_role("button", name="Claim this case").click()
            expect(mentor.get_by_text("You hold this case.")).to_be_visible()
            mentor.get_by_label("Message to the person").fill("Hi, I'm Ann, a mentor. I'm here with you now.")
            mentor.get_by_role("button", name="Send to the person").click()
            expect(mentor.locator("#transcript")).to_contain_text("I'm here with you now.")

            # The person's page shows that a human joined, and the mentor's words marked as a mentor's.
            mentor_bubble = person.locator(".msg-mentor")
            expect(mentor_bubble).to_contain_text("I'm here with you now.", timeout=25000)
            expect(mentor_bubble.locator(".msg-who")).to_have_text("Mentor")
            expect(person.locator(".notice").filter(has_text="real person")).to_be_visible()

            # The person answers; the bot stays silent and the mentor sees the reply live.
            person.locator("#message").fill("thank you, i am at home and safe for now")
            person.locator("#message").press("Enter")
            expect(mentor.locator("#transcript")).to_contain_text("safe for now", timeout=15000)
            assert fake_rasa.sent == []
            assert any(events == [{"event": "pause"}] for _, events in fake_rasa.events)
            mentor.screenshot(path=str(shots / "case.png"), full_page=True)
            person.screenshot(path=str(shots / "person-chat.png"), full_page=True)

            # Hand back, then close with an outcome; a heavy case ends with the debrief prompt.
            mentor.get_by_role("button", name="Hand back to the bot").click()
            expect(person.locator(".notice").filter(has_text="left the conversation")).to_be_visible(timeout=25000)
            assert any(events == [{"event": "resume"}] for _, events in fake_rasa.events)
            mentor.get_by_label("Reached, and safe for now").check()
            mentor.get_by_label("Closing note").fill("Talked for a while; safe at home, will call 1813 if needed.")
            mentor.get_by_role("button", name="Close the case").click()
            expect(mentor.get_by_role("heading", name="A moment for you")).to_be_visible()
            mentor.screenshot(path=str(shots / "debrief.png"), full_page=True)
        finally:
            browser.close()
