"""The dashboard's and the facilitator pages' words in the reader's language.

The words live in bot/content/<lang>/dashboard_ui.yml, read with the project's content loader like
every other text. The language: the account's own choice (Account page) when signed in; otherwise,
and for accounts without a choice, the public pages' rule (api.pages.pick_language: `?lang=`, then
the browser's Accept-Language, then English).

Templates get the strings as `t` (`{{ t.queue.title }}`), `label(group, id)` for stored ids
(severity, status, outcome, ...) and the `fmt` filter to fill placeholders; Python builds its
messages with `say(lang, "notices.claimed")`.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from markupsafe import Markup, escape

from api.pages import pick_language
from bot import content
from bot.config import SUPPORTED_LANGUAGES

TOPIC = "dashboard_ui"


def request_language(request: Request, chosen: str | None = None) -> str:
    """`chosen` (an account's stored language) when it is one we have, else the public pages' rule."""
    if chosen in SUPPORTED_LANGUAGES:
        return chosen
    return pick_language(request.query_params.get("lang"), request.headers.get("accept-language"))


def lang_query(request: Request) -> str:
    """`?lang=xx` when the address asked for a language, so a form posted from the page keeps it."""
    asked = (request.query_params.get("lang") or "").strip().lower()
    return f"?lang={asked}" if asked in SUPPORTED_LANGUAGES else ""


def texts(lang: str) -> dict[str, Any]:
    return content.section(lang, TOPIC)


def care(lang: str) -> dict[str, Any]:
    """Care for mentors and facilitators (bot/content/<lang>/helper_care.yml): self-care, signs, ground rules."""
    return content.section(lang, "helper_care")


def say(lang: str, key: str, **fill: Any) -> str:
    return content.text(lang, f"{TOPIC}.{key}", **fill)


def done_notice(request: Request, lang: str, known: tuple[str, ...]) -> str | None:
    """The notice for `?done=<key>` after an action (dashboard_ui.yml's `notices`), for the keys a page knows."""
    done = request.query_params.get("done", "")
    return say(lang, f"notices.{done}") if done in known else None


def label(lang: str, group: str, value: Any) -> str:
    """The words for a stored id; an id without words yet shows as itself rather than not at all."""
    return texts(lang)["labels"][group].get(value, value) if value is not None else ""


def explain(problem: Exception, lang: str) -> str:
    """An error's words for the reader: errors from bot/ carry a key (content.Explained); anything else
    (such as the directory loaders' checks of the data file) shows its own English message."""
    return problem.text(lang) if isinstance(problem, content.Explained) else str(problem)


def stamp(moment: datetime | None, lang: str, *, year: bool = False, clock: bool = True) -> str:
    """`03 Dec 14:05` with the month in the reader's language (strftime's %b follows the server's locale)."""
    if moment is None:
        return ""
    month = texts(lang)["labels"]["months"][moment.month - 1]
    parts = [f"{moment.day:02d} {month}"] + ([str(moment.year)] if year else []) + \
        ([moment.strftime("%H:%M")] if clock else [])
    return " ".join(parts)


def waiting(minutes: int, lang: str) -> str:
    if minutes < 60:
        return say(lang, "labels.waiting_minutes", minutes=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return say(lang, "labels.waiting_hours", hours=hours, minutes=minutes)
    return say(lang, "labels.waiting_days", days=hours // 24)


def fill(template: str, **values: Any) -> Markup:
    """The `fmt` filter: placeholders filled in, values escaped unless they are markup themselves
    (a `{% set %}` block), so a sentence can carry a `<strong>` without the data file holding HTML."""
    return escape(template).format(**values)  # escape() gives Markup, whose format() escapes the values


@pass_context
def _label(context, group: str, value: Any) -> str:
    return label(context["lang"], group, value)


def install(templates: Jinja2Templates) -> None:
    templates.env.filters["fmt"] = fill
    templates.env.globals["label"] = _label
