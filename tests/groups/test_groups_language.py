"""The facilitator pages in Dutch and English (issue 14), by the dashboard's rule: the account's
language when signed in, otherwise `?lang=` or the browser's Accept-Language. Their words live in
bot/content/<lang>/dashboard_ui.yml; a Dutch page shows none of the English ones."""
from __future__ import annotations

from dashboard_helpers import Browser
from groups_helpers import open_group
from language_pages import all_pages, build_world, choose_language, english_fragments, english_on, html_lang, page_text

from bot import content


def test_every_facilitator_page_in_dutch_shows_no_english_string(app, db, client):
    world = build_world(app, db, client, "nl")
    fragments = english_fragments()
    pages = [(name, markup) for name, path, markup in all_pages(world, "nl-NL,nl;q=0.9")
             if path.startswith("/dashboard/groups")]
    assert len(pages) >= 10
    assert {name: html_lang(markup) for name, markup in pages} == {name: "nl" for name, _ in pages}
    english = {name: found for name, markup in pages if (found := english_on(markup, fragments))}
    assert not english, english


def test_registration_follows_the_address_then_the_browser(app):
    anonymous = Browser(app)
    assert html_lang(anonymous.get("/dashboard/groups/register").text) == "en"
    dutch = anonymous.get("/dashboard/groups/register", headers={"Accept-Language": "nl-BE"})
    assert html_lang(dutch.text) == "nl" and "Registreren als groepsbegeleider" in dutch.text
    asked = anonymous.get("/dashboard/groups/register?lang=nl")
    assert html_lang(asked.text) == "nl" and 'action="/dashboard/groups/register?lang=nl"' in asked.text


def test_a_facilitator_reads_an_english_group_in_their_own_language(fay):
    group_id, _ = open_group(fay, "Tuesday circle", "en")
    theme = {"kind": "dimension", "dimension": "spiritual"}
    assert fay.post(f"/dashboard/groups/{group_id}/theme", theme).status_code == 303
    english = fay.get(f"/dashboard/groups/{group_id}")
    assert html_lang(english.text) == "en" and "</span> Meaning</p>" in english.text
    choose_language(fay, "nl")
    page = fay.get(f"/dashboard/groups/{group_id}", headers={"Accept-Language": "en"})
    assert html_lang(page.text) == "nl" and "<h2>Het thema kiezen</h2>" in page.text
    assert "</span> Zingeving</p>" in page.text  # the theme's side of life, by the glossary's name


def test_a_facilitator_sees_the_ground_rules_and_prints_them_for_the_meeting(fay):
    """Ground rules (issue 14.3) on the group page, with a word for the facilitator; the printed
    preparation sheet has the rules only, in the facilitator's language."""
    group_id, _ = open_group(fay, "Thursday circle", "en")
    rules = content.section("en", "helper_care")["ground_rules"]
    page = page_text(fay.get(f"/dashboard/groups/{group_id}").text)
    assert all(rule in page for rule in rules["rules"]) and rules["facilitator_title"] in page
    assert "What is said here stays here" in page and "the one exception to confidentiality" in page
    sheet = page_text(fay.get(f"/dashboard/groups/{group_id}/prepare").text)
    assert all(rule in sheet for rule in rules["rules"]) and rules["facilitator_title"] not in sheet
    choose_language(fay, "nl")
    dutch = fay.get(f"/dashboard/groups/{group_id}/prepare").text
    assert "Wat hier gezegd wordt, blijft hier." in dutch and "What is said here" not in dutch
