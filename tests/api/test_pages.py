"""The public chat page: language choice, accessibility landmarks, safe script, matching strings."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.testclient import TestClient

from api import pages
from bot import content

STATIC_DIR = Path(pages.__file__).resolve().parent / "static"
TEMPLATES_DIR = Path(pages.__file__).resolve().parent / "templates"
CHAT_JS = "\n".join(p.read_text(encoding="utf-8") for p in [STATIC_DIR / "chat.js", *sorted(STATIC_DIR.glob("chat/*.js"))])


@pytest.fixture(scope="module")
def client() -> TestClient:
    app = FastAPI()
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    return TestClient(app)


def html_lang(html: str) -> str:
    match = re.search(r"<html[^>]*\blang=\"([a-z]+)\"", html)
    assert match, "the page has no <html lang>"
    return match.group(1)


def visible_markup(html: str) -> str:
    """The page without its embedded JSON strings (which hold both languages)."""
    return re.sub(r'<script type="application/json" id="ui-strings">.*?</script>', "", html, flags=re.S)


def embedded_strings(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="ui-strings">(.*?)</script>', html, re.S)
    assert match, "the page does not embed its UI strings"
    return json.loads(match.group(1))


def test_page_is_html_in_english_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert html_lang(response.text) == "en"
    assert content.text("en", "ui.send") in response.text
    assert response.headers["content-language"] == "en"


def test_query_parameter_picks_dutch(client):
    response = client.get("/", params={"lang": "nl"})
    assert response.status_code == 200
    assert html_lang(response.text) == "nl"
    markup = visible_markup(response.text)
    for key in ("send", "input_label", "footer_notice", "intro_title"):
        assert content.text("nl", f"ui.{key}") in markup
    assert content.text("en", "ui.footer_notice") not in markup


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("nl-BE", "nl"),
        ("nl-BE,nl;q=0.9,en;q=0.8", "nl"),
        ("fr-BE,fr;q=0.9,nl;q=0.8,en;q=0.5", "nl"),
        ("en-GB,en;q=0.9,nl;q=0.8", "en"),
        ("de-DE,de;q=0.9", "en"),
        ("en;q=0.2,nl;q=0.9", "nl"),
        ("nl;q=0", "en"),
        ("garbage;;q=x,,", "en"),
    ],
)
def test_accept_language_header_picks_the_language(client, header, expected):
    response = client.get("/", headers={"Accept-Language": header})
    assert html_lang(response.text) == expected


def test_query_parameter_beats_the_header_and_unknown_values_fall_back(client):
    assert html_lang(client.get("/?lang=en", headers={"Accept-Language": "nl-NL"}).text) == "en"
    assert html_lang(client.get("/?lang=NL").text) == "nl"
    assert html_lang(client.get("/?lang=fr", headers={"Accept-Language": "nl"}).text) == "nl"
    assert html_lang(client.get("/?lang=%3Cscript%3E").text) == "en"


def test_page_has_landmarks_log_and_labelled_input(client):
    html = client.get("/").text
    assert re.search(r'<meta name="viewport" content="width=device-width', html)
    assert "<main" in html and "<header" in html and "<footer" in html
    assert re.search(r'<a class="skip-link" href="#message"', html)
    log = re.search(r"<div[^>]*\bid=\"log\"[^>]*>", html).group(0)
    assert 'role="log"' in log and 'aria-live="polite"' in log
    assert 'aria-labelledby="log-label"' in log
    assert re.search(r'<textarea id="message"', html)
    assert re.search(r'<label[^>]*for="message"[^>]*>' + re.escape(content.text("en", "ui.input_label")), html)
    assert re.search(r'<form[^>]*aria-labelledby="message-label"', html)
    assert re.search(r'role="status" aria-live="polite"', html)
    # The language toggle says which language is on.
    assert re.search(r'data-lang="en"[^>]*aria-pressed="true"', html)
    assert re.search(r'data-lang="nl"[^>]*aria-pressed="false"', html)
    # The help banner is a labelled region, hidden until the bot sends help lines.
    assert re.search(r'<section[^>]*role="region" aria-labelledby="help-title" hidden', html)


def test_page_embeds_both_languages_for_switching_without_reload(client):
    html = client.get("/?lang=nl").text
    strings = embedded_strings(html)
    assert set(strings) == {"en", "nl"}
    assert strings["en"] == content.section("en", "ui")
    assert strings["nl"] == content.section("nl", "ui")


def test_embedded_strings_cannot_break_out_of_the_script_tag():
    template = pages.templates.get_template("chat.html")
    hostile = {"en": {"product_name": "</script><script>alert(1)</script>"}}
    html = template.render(
        lang="en", ui={}, all_ui=hostile, languages=("en",), max_chars=2000, sender_pattern="^x$", base="",
        asset_version=lambda name: "0",
    )
    assert "</script><script>alert(1)" not in html
    assert embedded_strings(html) == hostile


def test_page_sets_a_strict_content_security_policy(client):
    policy = client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'self'" in policy
    assert "http://" not in policy and "cdn" not in policy


def test_page_loads_nothing_from_other_hosts(client):
    html = client.get("/").text
    assert not re.search(r'(src|href)="(https?:)?//', html)
    for asset in ("chat.css", "chat.js"):
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", (STATIC_DIR / asset).read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("path", "media_type"),
    [("chat.js", "javascript"), ("chat.css", "text/css"), ("favicon.svg", "image/svg+xml")],
)
def test_static_assets_are_served(client, path, media_type):
    html = client.get("/").text
    assert f"/static/{path}" in html
    response = client.get(f"/static/{path}")
    assert response.status_code == 200
    assert media_type in response.headers["content-type"]


def test_root_path_prefixes_assets_and_endpoints():
    app = FastAPI()
    app.include_router(pages.router)
    html = TestClient(app, root_path="/companion").get("/").text
    assert 'src="/companion/static/chat.js?v=' in html
    assert 'data-webhook-url="/companion/webhooks/rest/webhook"' in html
    assert 'data-history-url="/companion/api/conversations/{sender}/messages"' in html


def test_script_never_parses_message_content_as_html():
    """innerHTML is allowed only to clear an element (`= ""`); the file does not even do that."""
    for match in re.finditer(r"innerHTML\s*(\+?=)?\s*([^;\n]*)", CHAT_JS):
        operator, value = match.group(1), match.group(2).strip()
        assert operator == "=" and value in ('""', "''"), f"innerHTML used with {match.group(0)!r}"
    for sink in ("outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "DOMParser"):
        assert sink not in CHAT_JS, f"{sink} must not be used in chat.js"


def test_script_uses_only_the_gateway_endpoints():
    assert "data-webhook-url" in CHAT_JS and "data-history-url" in CHAT_JS
    assert not re.search(r"fetch\(\s*[\"']", CHAT_JS), "endpoints come from the page, not literals"


def test_every_string_key_used_by_page_and_script_exists():
    en = content.section("en", "ui")
    used = set(re.findall(r"\bt\(\s*\"([a-z_A-Z]+)\"", CHAT_JS))
    used |= set(re.findall(r"labelled\([^)]*\"([a-z_A-Z]+)\"\)", CHAT_JS))
    used |= set(re.findall(r"setStatus\(\"([a-z_A-Z]+)\"", CHAT_JS))
    used |= set(re.findall(r"\"([a-z_]+_label)\"", re.search(r"var WHO = \{[^}]*\}", CHAT_JS).group(0)))
    for template in TEMPLATES_DIR.glob("*.html"):
        source = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"\bui\.([a-zA-Z_]+)", source))
        used |= set(re.findall(r"data-ui(?:-[a-z]+)?=\"([a-zA-Z_]+)\"", source))
    assert used, "found no string keys; the patterns above are out of date"
    assert {"typing", "slow_hint", "retry", "mentor_label", "help_call"} <= used
    missing = sorted(used - set(en))
    assert not missing, f"keys used but missing from ui.yml: {missing}"


def test_both_languages_have_the_same_keys_and_placeholders():
    en, nl = content.section("en", "ui"), content.section("nl", "ui")
    assert set(en) == set(nl), f"only en: {sorted(set(en) - set(nl))}; only nl: {sorted(set(nl) - set(en))}"
    for key in en:
        assert isinstance(en[key], str) and en[key].strip(), f"en ui.{key} is empty"
        assert isinstance(nl[key], str) and nl[key].strip(), f"nl ui.{key} is empty"
        assert set(re.findall(r"\{(\w+)\}", en[key])) == set(re.findall(r"\{(\w+)\}", nl[key])), key


def test_the_footer_says_it_is_a_bot_and_gives_the_emergency_number(client):
    for lang in ("en", "nl"):
        notice = content.text(lang, "ui.footer_notice")
        assert "112" in notice
        assert "bot" in notice.lower()
        assert notice in client.get("/", params={"lang": lang}).text


def test_the_chat_modules_are_served_and_revalidated(settings):
    """chat.js imports its modules without a version: each must be served, and browsers told to
    revalidate it, or an old cached module could run beside a new one after an update."""
    import re

    from api.app import create_app

    client = TestClient(create_app(settings, warm_up_models=False))
    entry = client.get("/static/chat.js")
    imports = re.findall(r"""from\s+["'](\./[^"']+)["']""", entry.text)
    assert "./page_kit.js" in imports and any(i.startswith("./chat/") for i in imports)
    for module in imports:
        response = client.get(f"/static/{module[2:]}")
        assert response.status_code == 200, module
        assert response.headers["cache-control"] == "no-cache"
        again = client.get(f"/static/{module[2:]}", headers={"if-none-match": response.headers["etag"]})
        assert again.status_code == 304
