"""The "my map" page: language choice, landmarks, safe script, matching strings, and URLs that the
real API answers. The page's behaviour in a browser was checked by hand (see the pull request)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from anon_ids import sid
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient

from api import pages
from bot import content
from bot.wellbeing.model import DIMENSIONS, dimension

STATIC_DIR = Path(pages.__file__).resolve().parent / "static"
MAP_JS = (STATIC_DIR / "my_map.js").read_text(encoding="utf-8")
CHAT_JS = "\n".join(p.read_text(encoding="utf-8") for p in [STATIC_DIR / "chat.js", *sorted(STATIC_DIR.glob("chat/*.js"))])


@pytest.fixture(scope="module")
def page_client() -> TestClient:
    app = FastAPI()
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return TestClient(app)


def html_lang(html: str) -> str:
    match = re.search(r"<html[^>]*\blang=\"([a-z]+)\"", html)
    assert match, "the page has no <html lang>"
    return match.group(1)


def visible_markup(html: str) -> str:
    """The page without its embedded JSON (which holds both languages)."""
    return re.sub(r'<script type="application/json" id="[a-z-]+">.*?</script>', "", html, flags=re.S)


def embedded(html: str, element_id: str) -> dict:
    match = re.search(rf'<script type="application/json" id="{element_id}">(.*?)</script>', html, re.S)
    assert match, f"the page does not embed {element_id}"
    return json.loads(match.group(1))


def test_my_map_is_html_in_english_by_default(page_client):
    response = page_client.get("/my-map")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert html_lang(response.text) == "en"
    assert response.headers["content-language"] == "en"
    assert f">{content.text('en', 'ui.map_title')}</h1>" in response.text


def test_query_parameter_picks_dutch(page_client):
    response = page_client.get("/my-map", params={"lang": "nl"})
    assert response.status_code == 200
    assert html_lang(response.text) == "nl"
    markup = visible_markup(response.text)
    for key in ("map_title", "map_intro", "map_back_to_chat", "map_delete_all", "footer_notice"):
        assert content.text("nl", f"ui.{key}") in markup, key
    assert content.text("en", "ui.map_intro") not in markup
    assert html_lang(page_client.get("/my-map", headers={"Accept-Language": "nl-BE,nl;q=0.9"}).text) == "nl"
    assert html_lang(page_client.get("/my-map?lang=fr").text) == "en"


def test_page_has_landmarks_headings_and_a_way_back_to_the_chat(page_client):
    html = page_client.get("/my-map").text
    assert re.search(r'<meta name="viewport" content="width=device-width', html)
    assert "<header" in html and "<footer" in html
    assert re.search(r'<main[^>]*\bid="main"[^>]*aria-labelledby="map-title"', html)
    assert re.search(r'<h1[^>]*id="map-title"', html)
    assert re.search(r'<a class="skip-link" href="#main"', html)
    assert 'href="#message"' not in html, "the map page has no message box to skip to"
    # Back to the chat, from the header and from the empty state ("take stock" there).
    back = re.search(r'<a class="topbar-link" href="/"[^>]*>', html)
    assert back, "no link back to the chat in the header"
    assert re.search(r'<a class="action-link action-primary" href="/"[^>]*data-ui="map_empty_action"', html)
    # The language toggle says which language is on.
    assert re.search(r'data-lang="en"[^>]*aria-pressed="true"', html)
    assert re.search(r'data-lang="nl"[^>]*aria-pressed="false"', html)
    # Every section is labelled by its heading.
    for section in ("map-trend", "map-checkins", "map-downloads", "map-delete", "map-empty"):
        assert re.search(rf'<section[^>]*id="{section}"[^>]*aria-labelledby="[a-z-]+"', html), section
    assert re.search(r'role="status" aria-live="polite"', html)
    assert "<noscript>" in html


def test_trend_toggle_and_inline_confirmations_are_accessible(page_client):
    html = page_client.get("/my-map").text
    buttons = re.findall(r'<button type="button" class="series-button"[^>]*>', html)
    assert len(buttons) == 2 and all("aria-pressed=" in b for b in buttons)
    assert re.search(r'<div class="series-switch" role="group" aria-labelledby="series-label"', html)
    for trigger, panel in (("delete-checkins", "confirm-checkins"), ("delete-all", "confirm-all")):
        opener = re.search(rf'<button[^>]*id="{trigger}"[^>]*>', html).group(0)
        assert f'aria-controls="{panel}"' in opener and 'aria-expanded="false"' in opener
        confirm = re.search(rf'<div class="confirm" id="{panel}"[^>]*>', html).group(0)
        assert "hidden" in confirm and 'role="group"' in confirm and "aria-labelledby=" in confirm
    # The script confirms inline, never only with a browser dialog.
    assert "window.confirm" not in MAP_JS


def test_downloads_are_links_with_the_download_attribute(page_client):
    html = page_client.get("/my-map").text
    for link_id in ("download-csv", "download-json", "download-all"):
        assert re.search(rf'<a class="download-link" id="{link_id}" href="#" download="[\w.-]+"', html), link_id


def test_page_sets_a_strict_content_security_policy_that_allows_blob_pictures(page_client):
    policy = page_client.get("/my-map").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'self'" in policy
    assert "img-src 'self' blob:" in policy
    assert "https:" not in policy and "http://" not in policy
    assert page_client.get("/my-map").headers["x-content-type-options"] == "nosniff"
    # The chat page keeps its own policy.
    assert "img-src 'self' https: data:" in page_client.get("/").headers["content-security-policy"]


def test_page_loads_nothing_from_other_hosts(page_client):
    html = page_client.get("/my-map").text
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for asset in ("my_map.css", "my_map.js"):
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", (STATIC_DIR / asset).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("my_map.js", "javascript"), ("my_map.css", "text/css"), ("chat.css", "text/css")],
)
def test_static_assets_are_served(page_client, path, media_type):
    html = page_client.get("/my-map").text
    assert re.search(rf'/static/{re.escape(path)}\?v=[0-9a-f]+', html)
    response = page_client.get(f"/static/{path}")
    assert response.status_code == 200
    assert media_type in response.headers["content-type"]


def test_root_path_prefixes_assets_links_and_endpoints():
    app = FastAPI()
    app.include_router(pages.router)
    html = TestClient(app, root_path="/companion").get("/my-map").text
    assert 'src="/companion/static/my_map.js?v=' in html
    assert 'data-checkins-url="/companion/api/me/{sender}/checkins"' in html
    assert 'data-trend-url="/companion/api/me/{sender}/trend.png"' in html
    assert 'data-delete-all-url="/companion/api/me/{sender}"' in html
    assert 'data-chat-url="/companion/"' in html
    assert 'data-base="/companion"' in html


def test_script_never_parses_data_as_html():
    assert "innerHTML" not in MAP_JS, "my_map.js builds everything with DOM calls and textContent"
    for sink in ("outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "DOMParser",
                 "createContextualFragment", "srcdoc"):
        assert sink not in MAP_JS, f"{sink} must not be used in my_map.js"
    assert "textContent" in MAP_JS


def test_script_uses_only_the_endpoints_the_page_names():
    assert not re.search(r"fetch\(\s*[\"']", MAP_JS), "endpoints come from the page, not literals"
    for name in ("data-checkins-url", "data-trend-url", "data-csv-url", "data-json-url", "data-export-url",
                 "data-delete-checkins-url", "data-delete-all-url"):
        assert name in MAP_JS, name
    # The trend picture is fetched to read its alt text, and shown through an object URL.
    assert "X-Alt-Text" in MAP_JS and "createObjectURL" in MAP_JS and "revokeObjectURL" in MAP_JS
    # The radar pictures are lazy and keep the alt text the API wrote.
    assert 'img.loading = "lazy"' in MAP_JS and "item.radar_alt" in MAP_JS


def test_every_string_key_the_script_uses_exists_in_both_languages():
    en, nl = content.section("en", "ui"), content.section("nl", "ui")
    used = set(re.findall(r"\bt\(\s*\"([a-z_A-Z]+)\"\s*[,)]", MAP_JS))  # t("key") and t("key", {...})
    used |= set(re.findall(r"setStatus\(\"([a-z_A-Z]+)\"", MAP_JS))
    used |= {f"map_series_{series}" for series in ("investment", "fulfilment")}
    used |= {f"dim_{dim}" for dim in DIMENSIONS}
    assert {"map_skipped", "map_table_caption", "map_trend_error", "map_deleted_all"} <= used
    assert not sorted(used - set(en)), f"missing from en ui.yml: {sorted(used - set(en))}"
    assert not sorted(used - set(nl)), f"missing from nl ui.yml: {sorted(used - set(nl))}"


def test_ui_keys_are_the_same_in_both_languages():
    en, nl = content.section("en", "ui"), content.section("nl", "ui")
    assert set(en) == set(nl), f"only en: {sorted(set(en) - set(nl))}; only nl: {sorted(set(nl) - set(en))}"
    for key in en:
        assert set(re.findall(r"\{(\w+)\}", en[key])) == set(re.findall(r"\{(\w+)\}", nl[key])), key


def test_dimension_names_match_the_model():
    for lang in ("en", "nl"):
        for dim in DIMENSIONS:
            assert content.text(lang, f"ui.dim_{dim}") == dimension(dim, lang).name, (lang, dim)


def test_page_embeds_strings_and_value_labels_for_both_languages(page_client):
    html = page_client.get("/my-map?lang=nl").text
    assert embedded(html, "ui-strings") == {"en": content.section("en", "ui"), "nl": content.section("nl", "ui")}
    labels = embedded(html, "value-labels")
    assert set(labels) == {"en", "nl"}
    assert labels["nl"]["physical"]["health"] == dimension("physical", "nl").value("health").label
    assert set(labels["en"]) == set(DIMENSIONS)


def test_embedded_json_cannot_break_out_of_the_script_tag():
    template = pages.templates.get_template("my_map.html")
    hostile = {"en": {"product_name": "</script><script>alert(1)</script>"}}
    html = template.render(
        lang="en", ui={}, all_ui=hostile, value_labels=hostile, dimensions=DIMENSIONS, languages=("en",),
        sender_pattern="^x$", base="", asset_version=lambda name: "0",
    )
    assert "</script><script>alert(1)" not in html
    assert embedded(html, "ui-strings") == hostile
    assert embedded(html, "value-labels") == hostile


# ---------- the chat page links to the map ----------

def test_chat_page_links_to_my_map(page_client):
    html = page_client.get("/").text
    assert re.search(r'<a class="text-button map-link" id="my-map-link" href="/my-map"', html)
    assert content.text("en", "ui.my_map_link") in html
    assert 'data-base=""' in html


def test_chat_script_shows_only_same_site_links_from_the_bot():
    assert "custom.link" in CHAT_JS
    check = re.search(r"function localHref\(raw\) \{.*?\n  \}", CHAT_JS, re.S)
    assert check, "chat.js checks bot links with localHref()"
    # Only "/path", not "//host" or "/\host" (which browsers treat as another host), and same origin.
    assert r"!/^\/(?![\/\\])/.test(raw)" in check.group(0)
    assert "url.origin === window.location.origin" in check.group(0)
    assert 'linkButton(custom.link)' in CHAT_JS


# ---------- the page's URL templates against the real API ----------

def _checkin(client, person: str) -> None:
    from bot.storage.conversations import touch_person
    from bot.wellbeing.conversation import CheckinConversation

    answers = ["9", "3", "skip", "skip", "1", "2", "skip", "skip", "2", "5", "skip", "skip", "1", "5", "skip", "skip"]
    db = client.app.state.db
    with db.session() as session:
        touch_person(session, person, "en", None)
        CheckinConversation(session, person, "en").begin()
    for text in answers:
        with db.session() as session:
            CheckinConversation(session, person, "en").answer(text)


def test_the_urls_the_page_names_are_answered_by_the_api(client):
    html = client.get("/my-map").text
    assert html_lang(html) == "en"
    urls = dict(re.findall(r'data-([a-z-]+-url)="([^"]+)"', html))
    _checkin(client, sid("map-visitor"))
    _checkin(client, sid("map-visitor"))

    def url(name: str) -> str:
        return urls[name].replace("{sender}", sid("map-visitor"))

    listing = client.get(url("checkins-url"))
    assert listing.status_code == 200 and len(listing.json()["checkins"]) == 2
    radar = listing.json()["checkins"][0]["radar_url"]
    assert radar.startswith("/") and client.get(radar + "?lang=en").status_code == 200
    trend = client.get(url("trend-url") + "?series=fulfilment&lang=nl")
    assert trend.status_code == 200 and trend.headers["x-alt-text"]
    for name in ("csv-url", "json-url", "export-url"):
        response = client.get(url(name))
        assert response.status_code == 200 and "attachment" in response.headers["content-disposition"], name
    assert client.delete(url("delete-checkins-url")).json() == {"deleted_checkins": 2}
    assert client.delete(url("delete-all-url")).status_code == 200
    assert client.get(url("checkins-url")).json()["checkins"] == []
    assert client.get(urls["checkins-url"].replace("{sender}", "nobody")).status_code == 422
