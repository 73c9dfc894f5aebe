"""The public chat page: `GET /` renders `templates/chat.html`.

The page itself is static apart from its language: every string comes from
`bot/content/<lang>/ui.yml`, and both languages are embedded as JSON so the page can switch
language without a reload. The script (`static/chat.js`) talks only to the gateway's chat
endpoints (`POST /webhooks/rest/webhook`, `GET /api/conversations/{sender}/messages`).
"""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.schemas import MAX_MESSAGE_CHARS, SENDER_PATTERN
from bot import content
from bot.config import SUPPORTED_LANGUAGES

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


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def chat_page(request: Request, lang: str | None = None) -> HTMLResponse:
    language = pick_language(lang, request.headers.get("accept-language"))
    strings = {code: content.section(code, "ui") for code in SUPPORTED_LANGUAGES}
    response = templates.TemplateResponse(
        request,
        "chat.html",
        {
            "lang": language,
            "ui": strings[language],
            "all_ui": strings,
            "languages": SUPPORTED_LANGUAGES,
            # The page checks the same limits as the gateway; the gateway stays the authority.
            "max_chars": MAX_MESSAGE_CHARS,
            "sender_pattern": SENDER_PATTERN,
            "base": request.scope.get("root_path", "").rstrip("/"),
            "asset_version": asset_version,
        },
    )
    response.headers["Content-Language"] = language
    response.headers["Vary"] = "Accept-Language"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
