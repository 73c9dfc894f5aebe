"""The public pages: `GET /` (the chat, `templates/chat.html`), `GET /my-map` (a visitor's own
check-ins, `templates/my_map.html`) and `GET /groups/{id}` (a member's group, `templates/group.html`).

Both pages are static apart from their language: every string comes from
`bot/content/<lang>/ui.yml`, and both languages are embedded as JSON so a page can switch
language without a reload. The chat script (`static/chat.js`) talks only to the gateway's chat
endpoints (`POST /webhooks/rest/webhook`, `GET /api/conversations/{sender}/messages`); the map
script (`static/my_map.js`) only to the visitor's own data (`/api/me/{sender}/...`, see api/me.py).
The anonymous id lives in the browser (localStorage `wb.sender`), never in the page the server renders.
"""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.schemas import MAX_MESSAGE_CHARS, SENDER_PATTERN, RowId
from bot import content
from bot.config import SUPPORTED_LANGUAGES
from bot.groups.rules import MAX_REFLECTION_CHARS
from bot.wellbeing.model import DIMENSIONS, dimension

API_DIR = Path(__file__).resolve().parent
STATIC_DIR = API_DIR / "static"
templates = Jinja2Templates(directory=str(API_DIR / "templates"))

DEFAULT_LANGUAGE = "en"

# The page loads nothing from elsewhere; bot images may come from any https host.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' https: data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

# The map page shows trend pictures it fetched itself (to read their alt text) through blob: URLs,
# and needs no pictures from other hosts.
MY_MAP_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("img-src 'self' https: data:", "img-src 'self' blob:")

router = APIRouter(tags=["pages"])


def language_from_accept_header(header: str | None) -> str | None:
    """The supported language the browser prefers most, honouring q-values (`nl-BE` counts as nl)."""
    if not header:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if primary in SUPPORTED_LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def pick_language(query_lang: str | None, accept_language: str | None) -> str:
    """`?lang=` wins when it names a supported language, then Accept-Language, then English."""
    if query_lang and query_lang.strip().lower() in SUPPORTED_LANGUAGES:
        return query_lang.strip().lower()
    return language_from_accept_header(accept_language) or DEFAULT_LANGUAGE


@cache
def asset_version(name: str) -> str:
    """A short content hash so browsers fetch the new script or style after a deploy."""
    path = STATIC_DIR / name
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else "0"


def _secure(response: HTMLResponse, language: str, policy: str) -> HTMLResponse:
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Security-Policy"] = policy
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _ui_strings() -> dict[str, dict[str, str]]:
    return {code: content.section(code, "ui") for code in SUPPORTED_LANGUAGES}


@cache
def value_labels() -> dict[str, dict[str, dict[str, str]]]:
    """language -> dimension -> value id -> label: a check-in stores value ids, the page shows labels."""
    return {
        code: {dim: {value.id: value.label for value in dimension(dim, code).values} for dim in DIMENSIONS}
        for code in SUPPORTED_LANGUAGES
    }


def _page(request: Request, template: str, lang: str | None, policy: str, **extra) -> HTMLResponse:
    """A public page in the language asked for, with both languages' strings embedded."""
    language = pick_language(lang, request.headers.get("accept-language"))
    strings = _ui_strings()
    context = {"lang": language, "ui": strings[language], "all_ui": strings, "languages": SUPPORTED_LANGUAGES,
               "sender_pattern": SENDER_PATTERN, "base": request.scope.get("root_path", "").rstrip("/"),
               "asset_version": asset_version, **extra}
    return _secure(templates.TemplateResponse(request, template, context), language, policy)


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page(request: Request, lang: str | None = None) -> HTMLResponse:
    # The page checks the same limits as the gateway; the gateway stays the authority.
    return _page(request, "chat.html", lang, CONTENT_SECURITY_POLICY, max_chars=MAX_MESSAGE_CHARS)


@router.get("/my-map", response_class=HTMLResponse, include_in_schema=False)
def my_map_page(request: Request, lang: str | None = None) -> HTMLResponse:
    """The visitor's check-ins as pictures, sentences and numbers, with downloads and deletion.

    The page knows nobody: the script reads the anonymous id from the browser and asks the API.
    """
    return _page(request, "my_map.html", lang, MY_MAP_CONTENT_SECURITY_POLICY, value_labels=value_labels(),
                 dimensions=DIMENSIONS)


@router.get("/groups/{group_id}", response_class=HTMLResponse, include_in_schema=False)
def group_page(request: Request, group_id: RowId, lang: str | None = None) -> HTMLResponse:
    """A member's group page. Like /my-map it knows nobody: the script asks the member API with the
    anonymous id from the browser, and the API decides what this member may see."""
    return _page(request, "group.html", lang, CONTENT_SECURITY_POLICY, group_id=group_id,
                 max_chars=MAX_REFLECTION_CHARS)
