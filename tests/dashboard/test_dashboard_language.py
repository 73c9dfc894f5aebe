"""The mentor dashboard in Dutch and English (issue 14): every word comes from
bot/content/<lang>/dashboard_ui.yml, a Dutch page shows none of the English ones, and each account
chooses its language on the Account page (before signing in, and without a choice: the browser's)."""
from __future__ import annotations

import re

import pytest
from dashboard_helpers import Browser, csrf_of, make_account, make_case
from language_pages import (
    PLACEHOLDER,
    TOPIC,
    TOPICS,
    all_pages,
    build_world,
    choose_language,
    english_fragments,
    english_on,
    html_lang,
    leaves,
)

from bot import content
from bot.mentoring import accounts


def _dashboard(path: str) -> bool:
    return not path.startswith("/dashboard/groups")  # the facilitator pages: tests/groups/


# ------------------------------------------------------------------------------------ the data files

@pytest.mark.parametrize("topic", TOPICS)
def test_both_languages_have_the_same_keys_and_placeholders(topic):
    english, dutch = (dict(leaves(content.section(lang, topic))) for lang in ("en", "nl"))
    assert english.keys() == dutch.keys()
    differ = {key: (english[key], dutch[key]) for key in english
              if set(PLACEHOLDER.findall(english[key])) != set(PLACEHOLDER.findall(dutch[key]))}
    assert not differ


@pytest.mark.parametrize("topic", TOPICS)
def test_no_key_hides_behind_a_method_of_the_mapping(topic):
    """Templates read the strings with dots (`t.queue.title`); a key named `items` would give the method."""
    keys = {part for path, _ in leaves(content.section("en", topic)) for part in re.split(r"[.\[]", path)}
    assert not keys & set(dir(dict))


def test_the_check_finds_english_when_there_is_some(ann):
    """The Dutch-page test below could not fail if it never found anything: on an English page it does."""
    found = {piece for _, piece in english_on(ann.get("/dashboard/queue").text)}
    assert {"Queue", "Sign out", "No open cases right now"} <= found


# ------------------------------------------------------------------------------------ every page in Dutch

@pytest.fixture
def dutch_world(app, db, client):
    return build_world(app, db, client, "nl")


def test_every_dashboard_page_in_dutch_shows_no_english_string(dutch_world):
    fragments = english_fragments()
    pages = [(name, markup) for name, path, markup in all_pages(dutch_world, "nl-BE,nl;q=0.9")
             if _dashboard(path)]
    assert len(pages) >= 40
    assert {name: html_lang(markup) for name, markup in pages} == {name: "nl" for name, _ in pages}
    english = {name: found for name, markup in pages if (found := english_on(markup, fragments))}
    assert not english, english


def test_the_live_queue_and_conversation_speak_the_accounts_language(dutch_world):
    ann = dutch_world.browsers["ann"]
    waiting = {row["id"]: row["waiting"] for row in ann.get("/dashboard/queue.json").json()["cases"]}
    assert waiting[dutch_world.ids["held"]] == "2 dagen"
    assert waiting[dutch_world.ids["open"]] == "1 u 15 min"
    live = ann.get(f"/dashboard/cases/{dutch_world.ids['held']}/live.json").json()
    months = content.section("nl", TOPIC)["labels"]["months"]
    assert live["messages"] and all(m["time"].split()[1] in months for m in live["messages"])


# ------------------------------------------------------------------------------------ choosing the language

def test_english_stays_the_default_and_the_browser_decides_before_signing_in(app):
    anonymous = Browser(app)
    page = anonymous.get("/dashboard/login")
    assert html_lang(page.text) == "en" and ">Sign in</h1>" in page.text
    assert page.headers["content-language"] == "en"
    dutch = anonymous.get("/dashboard/login", headers={"Accept-Language": "nl-BE,nl;q=0.9,en;q=0.8"})
    assert html_lang(dutch.text) == "nl" and ">Aanmelden</h1>" in dutch.text
    assert dutch.headers["content-language"] == "nl"
    asked = anonymous.get("/dashboard/login?lang=en", headers={"Accept-Language": "nl"})
    assert html_lang(asked.text) == "en"
    # The page links to itself in the other language, keeping where to go after signing in.
    assert 'href="/dashboard/login?next=%2Fdashboard%2Fqueue&amp;lang=nl"' in \
        anonymous.get("/dashboard/login?next=/dashboard/queue").text


def test_a_sign_in_form_in_dutch_stays_dutch_after_a_mistake(app, db):
    make_account(db, "ann@example.org", "mentor", "Ann")
    anonymous = Browser(app)
    form = anonymous.get("/dashboard/login?lang=nl")
    assert 'action="/dashboard/login?lang=nl"' in form.text
    wrong = anonymous.post("/dashboard/login?lang=nl", csrf=False, data={
        "email": "ann@example.org", "password": "wrong", "csrf_token": csrf_of(form.text)})
    assert wrong.status_code == 401 and html_lang(wrong.text) == "nl" and "klopt niet" in wrong.text


def test_the_language_switch_on_the_account_page_changes_the_next_page(app, db, ann):
    account = ann.get("/dashboard/account")
    assert html_lang(account.text) == "en"
    switch = re.search(r'<label for="language">([^<]+)</label>\s*<select id="language" name="language"', account.text)
    assert switch and switch.group(1) == "Language of the dashboard"  # a labelled control in a form

    response = ann.post("/dashboard/account/language", {"language": "nl"})
    assert response.status_code == 303
    after = ann.get(response.headers["location"])
    assert html_lang(after.text) == "nl" and "Je taal is opgeslagen." in after.text
    assert '<option value="nl" lang="nl" selected>' in after.text

    # The account's choice wins over the browser's, on every page, and after signing in again.
    queue = ann.get("/dashboard/queue", headers={"Accept-Language": "en"})
    assert html_lang(queue.text) == "nl" and "<h1>Wachtrij</h1>" in queue.text
    again = Browser(app)
    assert again.login("ann@example.org").status_code == 303
    assert html_lang(again.get("/dashboard/my-load").text) == "nl"

    # No choice: the browser's language again.
    assert ann.post("/dashboard/account/language", {"language": ""}).status_code == 303
    assert html_lang(ann.get("/dashboard/queue").text) == "en"
    assert html_lang(ann.get("/dashboard/queue", headers={"Accept-Language": "nl-NL"}).text) == "nl"


def test_the_language_switch_refuses_what_it_does_not_offer_and_needs_the_form_token(db, ann):
    refused = ann.post("/dashboard/account/language", {"language": "fr"})
    assert refused.status_code == 422 and "Choose one of the listed languages." in refused.text
    assert ann.post("/dashboard/account/language", {"language": "nl", "csrf_token": "forged"}).status_code == 403
    with db.session() as session:
        assert accounts.find_mentor(session, "ann@example.org").language is None


def test_messages_built_in_python_follow_the_account(db, ann):
    choose_language(ann, "nl")
    case_id = make_case(db, "a" * 32, "high")
    refused = ann.post(f"/dashboard/cases/{case_id}/close", {"outcome": "reached_safe", "note": "x"})
    assert "Neem de casus eerst op je; daarna kun je de casus sluiten." in refused.text
    assert ann.post(f"/dashboard/cases/{case_id}/claim").status_code == 303
    claimed = ann.get(f"/dashboard/cases/{case_id}?done=claimed")
    assert "Deze casus staat nu op jouw naam." in claimed.text and ">hoog</span>" in claimed.text
