"""The "my map" page in a real browser (headless Chromium from the distribution): a returning
visitor's check-in is listed with its picture, and the page switches to Dutch without a reload."""
from __future__ import annotations

import pytest
from anon_ids import sid
from browser_helpers import CHROMIUM, CHROMIUM_ARGS, serve

playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium"),
]


def test_my_map_lists_a_checkin_and_switches_language(tmp_path, fake_rasa):
    from bot.storage.conversations import touch_person
    from bot.wellbeing import checkins
    from bot.wellbeing.model import DIMENSIONS, CheckIn, DimensionAnswer

    with serve(tmp_path, fake_rasa) as (app, url), playwright_api.sync_playwright() as playwright:
        with app.state.db.session() as session:
            touch_person(session, sid("map-visitor"), "en", None)
            record = checkins.start(session, sid("map-visitor"), "en")
            answers = {d: DimensionAnswer(dimension=d, investment=6, fulfilment=4) for d in DIMENSIONS}
            checkins.save(session, record, CheckIn(answers=answers), {}, status="complete")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        expect = playwright_api.expect
        try:
            page = browser.new_page()
            # A crafted link cannot plant an id: the page neither adopts nor keeps it.
            page.goto(f"{url}/my-map?lang=en&sender={sid('map-visitor')}")
            page.wait_for_load_state("networkidle")
            assert "sender=" not in page.url
            assert page.evaluate("window.localStorage.getItem('wb.sender')") is None
            expect(page.locator("#checkin-list > li")).to_have_count(0)
            # The id the chat stored on this device is the only way in.
            page.evaluate(f"window.localStorage.setItem('wb.sender', '{sid('map-visitor')}')")
            page.reload()
            expect(page.locator("#checkin-list > li")).to_have_count(1)
            expect(page.locator("#checkin-list img").first).to_be_visible()
            page.get_by_role("button", name="NL").click()
            expect(page.locator("html")).to_have_attribute("lang", "nl")
            expect(page.get_by_role("link", name="Terug naar de chat")).to_have_attribute("href", "/?lang=nl")
        finally:
            browser.close()
