"""In a real browser (headless Chromium from the distribution, driven by Playwright): a facilitator
opens a group and sets a theme; two members join from the chat page with the invite link; one shares
a reflection, the other keeps one private and shares another; the facilitator's group page shows
exactly what was shared, under the nicknames.

Screenshots go to $GROUP_SCREENSHOTS (default /tmp/group-screenshots).
"""
from __future__ import annotations

import os
import re
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


def join_from_the_chat_page(page, url: str, invite: str, nickname: str, expect) -> None:
    page.goto(f"{url}{invite}&lang=en")
    # The invite link opens the options menu with the code filled in and the nickname field ready.
    expect(page.locator("#group-code")).to_have_value(re.compile(r"^[A-Z0-9]{8}$"))
    page.get_by_label("Nickname in the group").fill(nickname)
    page.get_by_role("button", name="Join the group").click()
    expect(page.locator("#log")).to_contain_text(f"as {nickname}")
    # The group's current theme is offered right away, once.
    expect(page.locator("#log")).to_contain_text("has a new theme: What gave you strength this week?")
    page.get_by_role("link", name="Open my group page").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tuesday circle")


def test_facilitator_and_two_members_share_in_a_group(tmp_path, fake_rasa):
    from bot import crisis

    crisis.warm_up(background=False)  # as the app does at start-up; every shared text goes through it
    shots = Path(os.environ.get("GROUP_SCREENSHOTS", "/tmp/group-screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    with serve(tmp_path, fake_rasa) as (app, url), playwright_api.sync_playwright() as playwright:
        with app.state.db.session() as session:
            accounts.create_account(session, email="fay@example.org", display_name="Fay", role="facilitator",
                                   password=PASSWORD)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        expect = playwright_api.expect
        try:
            fay = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
            ada = browser.new_context(viewport={"width": 420, "height": 850}).new_page()
            bea = browser.new_context(viewport={"width": 420, "height": 850}).new_page()

            # The facilitator signs in, opens a group and sets this fortnight's theme.
            sign_in(fay, url, "fay@example.org", PASSWORD)
            expect(fay.get_by_role("heading", name="Your groups")).to_be_visible()
            fay.get_by_label("Name", exact=True).fill("Tuesday circle")
            fay.get_by_label("Meeting rhythm").fill("every other Tuesday")
            fay.get_by_role("button", name="Open the group").click()
            expect(fay.get_by_role("heading", name="Tuesday circle")).to_be_visible()
            fay.get_by_label("Question").check()
            fay.locator("input[name=question]").fill("What gave you strength this week?")
            fay.get_by_role("button", name="Set theme").click()
            expect(fay.locator(".group-theme")).to_contain_text("What gave you strength this week?")
            invite = re.search(r"/\?group=[A-Z0-9]+", fay.locator("code").nth(1).inner_text()).group(0)

            # Two members join from the chat page with the invite link, under nicknames.
            join_from_the_chat_page(ada, url, invite, "Ada", expect)
            join_from_the_chat_page(bea, url, invite, "Bea", expect)
            expect(ada.locator("#group-theme")).to_contain_text("What gave you strength this week?")
            expect(ada.locator("#group-facts")).to_contain_text("Ada")

            # Ada shares a reflection with the group.
            ada.get_by_label("Your reflection").fill("My neighbour's soup when I was ill.")
            ada.get_by_role("button", name="Share with my group").first.click()
            expect(ada.locator("#group-result")).to_have_text("Shared with your group.")
            expect(ada.locator("#shared-list")).to_contain_text("Ada (you)")

            # Bea keeps one reflection private, then shares another.
            bea.get_by_label("Your reflection").fill("Honestly, nothing much. I was tired.")
            bea.get_by_role("button", name="Keep it private").click()
            expect(bea.locator("#mine-list")).to_contain_text("Private")
            bea.get_by_label("Your reflection").fill("Walking the dog in the rain.")
            bea.get_by_role("button", name="Share with my group").first.click()
            expect(bea.locator("#shared-list")).to_contain_text("My neighbour's soup")
            expect(bea.locator("#shared-list")).to_contain_text("Walking the dog in the rain.")
            expect(bea.locator("#group-map-waiting")).to_contain_text("3 more needed")
            bea.screenshot(path=str(shots / "member-group-page.png"), full_page=True)

            # The facilitator's group page: both shared reflections under their nicknames, nothing private.
            fay.reload()
            shared = fay.locator(".group-shared")
            expect(shared).to_contain_text("Ada")
            expect(shared).to_contain_text("My neighbour's soup when I was ill.")
            expect(shared).to_contain_text("Bea")
            expect(shared).to_contain_text("Walking the dog in the rain.")
            expect(fay.locator("main")).not_to_contain_text("nothing much")
            fay.screenshot(path=str(shots / "facilitator-group-page.png"), full_page=True)

            # Bea takes hers back; it disappears from the group and stays in her own list.
            bea.get_by_role("button", name="Take back from the group").click()
            expect(bea.locator("#group-result")).to_have_text("Taken back. It is private again.")
            fay.reload()
            expect(fay.locator(".group-shared")).not_to_contain_text("Walking the dog")
            expect(fay.locator(".group-shared")).to_contain_text("My neighbour's soup")

            # Back in the chat the theme is not offered again; "Reflect on it in the chat" asks the bot for it.
            ada.get_by_role("link", name="Reflect on it in the chat").click()
            expect(ada.locator("#log")).to_contain_text("Reflect on it now")
            expect(ada.locator("#log")).not_to_contain_text("has a new theme")
            expect(ada.locator("#log")).to_contain_text('echo: /group_theme{"group": ')  # the scripted engine's answer
        finally:
            browser.close()
