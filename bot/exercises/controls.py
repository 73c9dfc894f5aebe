"""The words that steer a guided exercise: ready/next, back, more time, stop, skip, and "no".

All words live in ``bot/content/<lang>/exercises.yml`` (section ``controls``), none in Python.
A control counts only when it is (nearly) the whole message: after taking out the control phrase
and the polite ``fillers``, at most ``max_extra_words`` words may remain and none of the
``blockers``. So "ok, I'm ready now" moves on and "can we stop please" stops, while "I'm not
ready" or "I can't stop thinking about it" are the person's own words. Stop words from the
check-in's pause list (``answers.is_pause``) count as stop too.

Controls are checked in a fixed order: stop, back, more, skip, no, ready. The message is read in
the session's language first, then in the other one (people mix: "klaar" works in English too).
A button's payload is its title, so buttons go through the same parsing as typed text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from bot.content import check_language, section
from bot.text import normalise, phrase_regex
from bot.wellbeing.answers import is_pause
from bot.wellbeing.model import LANGUAGES

READY, BACK, MORE, STOP, SKIP, NO = "ready", "back", "more", "stop", "skip", "no"
ORDER = (STOP, BACK, MORE, SKIP, NO, READY)


@dataclass(frozen=True)
class _Words:
    patterns: dict[str, re.Pattern[str] | None]
    fillers: re.Pattern[str] | None
    blockers: re.Pattern[str] | None
    max_extra: int
    labels: dict[str, str]


@cache
def _words(lang: str) -> _Words:
    data: dict[str, Any] = section(check_language(lang), "exercises")["controls"]
    labels = {kind: str(data[kind]["label"]) for kind in ORDER}
    labels.update({str(k): str(v) for k, v in (data.get("labels") or {}).items()})
    return _Words(
        patterns={kind: phrase_regex(list(data[kind]["words"]) + [labels[kind]]) for kind in ORDER},
        fillers=phrase_regex(list(data.get("fillers") or [])),
        blockers=phrase_regex(list(data.get("blockers") or [])),
        max_extra=int(data.get("max_extra_words", 1)),
        labels=labels,
    )


def _is(kind: str, t: str, words: _Words) -> bool:
    pattern = words.patterns.get(kind)
    if not pattern or not pattern.search(t):
        return False
    rest = pattern.sub(" ", t)
    if words.fillers:
        rest = words.fillers.sub(" ", rest)
    if any(w.blockers and w.blockers.search(rest) for w in map(_words, LANGUAGES)):
        return False
    return len(rest.split()) <= words.max_extra


def _parse_in(text: str, lang: str) -> str | None:
    t = normalise(text)
    if not t:
        return None
    words = _words(lang)
    for kind in ORDER:
        if _is(kind, t, words):
            return kind
        if kind == STOP and is_pause(text, lang):
            return STOP
    return None


def parse(text: str, lang: str) -> str | None:
    """Which control a message is (READY, BACK, MORE, STOP, SKIP, NO), or None for the person's own words."""
    check_language(lang)
    for candidate in (lang, *(other for other in LANGUAGES if other != lang)):
        kind = _parse_in(text or "", candidate)
        if kind is not None:
            return kind
    return None


def label(kind: str, lang: str) -> str:
    """The button title of a control (or of an extra label such as "fits", "finish")."""
    return _words(check_language(lang)).labels[kind]


def button(kind: str, lang: str) -> dict[str, str]:
    title = label(kind, lang)
    return {"title": title, "payload": title}


def buttons(lang: str, *kinds: str) -> list[dict[str, str]]:
    return [button(kind, lang) for kind in kinds]
