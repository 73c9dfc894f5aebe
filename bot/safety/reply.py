"""What the bot says when a crisis signal is raised, as Rasa REST-channel messages.

Each message is a dict with "text" and optionally "buttons" ([{"title", "payload"}]) and
"custom". All wording lives in `bot/content/<lang>/crisis.yml`; this module only chooses and
assembles it. The help-line message carries the machine-readable list in
`custom["crisis"]["helplines"]`, in the same order as the text, so a widget, the escalation case
and the text can never disagree about which lines were shown.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from bot.config import SUPPORTED_LANGUAGES
from bot.content import section, text
from bot.crisis import SEVERITIES
from bot.safety.directory import (
    COUNTRIES,
    CRISIS_PLACE_KINDS,
    Helpline,
    RecoveryCentre,
    has_abuse_signal,
    has_friend_signal,
    helpline_payload,
    helplines_for,
    normalise_country,
    recovery_centre_payload,
    recovery_centres_for,
)

# The service is for Belgium and the Netherlands: with no usable language, answer in Dutch.
FALLBACK_LANGUAGE = "nl"
# Languages for which an unknown country is asked about (Dutch is spoken in both countries).
ASK_COUNTRY_LANGUAGES = ("nl",)

PAYLOAD_CONFIRM_SAFE = "/confirm_safe"
PAYLOAD_NOT_SAFE = "/not_safe"
PAYLOAD_REQUEST_MENTOR = "/request_mentor"


def set_country_payload(country: str) -> str:
    return "/set_country" + json.dumps({"country": country}, separators=(",", ":"))


# ------------------------------------------------------------------------------------- helpers

def _lang(lang: str | None) -> str:
    code = (lang or "").strip().lower()
    return code if code in SUPPORTED_LANGUAGES else FALLBACK_LANGUAGE


def _t(lang: str, key: str, **fill: Any) -> str:
    return text(lang, f"crisis.{key}", **fill)


def _has(lang: str, key: str) -> bool:
    node: Any = section(lang, "crisis")
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return isinstance(node, str)


def _variant(severity: str, signals: Sequence[str]) -> str:
    """self / friend / abuse: whose safety the wording addresses."""
    if has_friend_signal(signals):
        return "friend"
    if has_abuse_signal(signals) and severity not in ("high", "elevated"):
        return "abuse"
    return "self"


def _wording_severity(severity: str | None) -> str:
    # An unexpected severity must still get a serious answer, never a lighter one.
    return severity if severity in SEVERITIES else "high"


def _pick(lang: str, group: str, variant: str, severity: str) -> str:
    for key in (f"{group}.{variant}.{severity}", f"{group}.{variant}.default", f"{group}.self.default"):
        if _has(lang, key):
            return _t(lang, key)
    raise KeyError(f"crisis.{group}.{variant} has no text in {lang}")


def _helpline_details(h: Helpline, lang: str) -> str:
    if h.alt_phone:
        call = _t(lang, "helplines.call_alt", phone=h.phone, alt_phone=h.alt_phone)
    else:
        call = _t(lang, "helplines.call", phone=h.phone)
    hours = h.hours_in(lang)
    call += " " + (_t(lang, "helplines.hours", hours=hours) if hours else _t(lang, "helplines.no_hours"))
    parts = [call]
    if h.chat_url:
        parts.append(_t(lang, "helplines.chat", url=h.chat_url))
    elif h.web:
        parts.append(_t(lang, "helplines.web", url=h.web))
    return _t(lang, "helplines.joiner").join(parts)


def _helpline_line(h: Helpline, lang: str, with_country: bool) -> str:
    details = _helpline_details(h, lang)
    if with_country and "emergency" not in h.kinds:  # 112 works in both countries
        country = _t(lang, f"countries.{h.country}")
        return _t(lang, "helplines.line_country", name=h.name(lang), country=country, details=details)
    return _t(lang, "helplines.line", name=h.name(lang), details=details)


def _centre_line(c: RecoveryCentre, lang: str) -> str:
    parts = []
    if c.phone:
        call = _t(lang, "helplines.call", phone=c.phone)
        hours = c.hours_in(lang)
        parts.append(call + (" " + _t(lang, "helplines.hours", hours=hours) if hours else ""))
    if c.web:
        parts.append(_t(lang, "helplines.web", url=c.web))
    place = c.city or c.region
    details = _t(lang, "helplines.joiner").join(parts)
    return _t(lang, "helplines.centre_line", name=c.name(lang), place=place, details=details)


def _compose(
    country: str | None,
    lang: str,
    severity: str | None,
    signals: Sequence[str],
    *,
    intro: str | None = None,
    repeat: bool = False,
) -> tuple[str, list[Helpline], list[RecoveryCentre]]:
    code = normalise_country(country)
    lines = helplines_for(code, lang, severity, tuple(signals))
    group = "intro_repeat" if repeat else "intro"
    heading = intro if intro is not None else _t(lang, f"helplines.{group}.{code or 'unknown'}")
    body = [heading]
    body += [_helpline_line(h, lang, with_country=code is None) for h in lines]
    centres: list[RecoveryCentre] = []
    # Recovery centres are for later and for nearby: not while life is in danger now, and only
    # once the country is known.
    if not repeat and severity != "imminent" and code is not None:
        centres = recovery_centres_for(code, lang, kinds=CRISIS_PLACE_KINDS)
        if centres:
            body.append(_t(lang, "helplines.centres_intro"))
            body += [_centre_line(c, lang) for c in centres]
    if not repeat:
        body.append(_t(lang, "helplines.outro"))
    return "\n".join(body), lines, centres


def _helplines_message(
    country: str | None, lang: str, severity: str | None, signals: Sequence[str], **wording: Any,
) -> dict[str, Any]:
    """The help lines as a REST message with its machine-readable part; `wording` as for _compose."""
    body, lines, centres = _compose(country, lang, severity, signals, **wording)
    crisis: dict[str, Any] = {
        "severity": severity,
        "helplines": [helpline_payload(h, lang) for h in lines],
        "country": normalise_country(country),
    }
    if centres:
        crisis["recovery_centres"] = [recovery_centre_payload(c, lang) for c in centres]
    return {"text": body, "custom": {"crisis": crisis}}


def _country_question(lang: str) -> dict[str, Any]:
    return {
        "text": _t(lang, "country.question"),
        "buttons": [
            {"title": _t(lang, f"country.buttons.{code}"), "payload": set_country_payload(code)}
            for code in COUNTRIES
        ],
    }


def _safety_question(lang: str, variant: str) -> dict[str, Any]:
    return {
        "text": _t(lang, f"safe.question.{variant}"),
        "buttons": [
            {"title": _t(lang, f"safe.buttons.confirm.{variant}"), "payload": PAYLOAD_CONFIRM_SAFE},
            {"title": _t(lang, "safe.buttons.deny"), "payload": PAYLOAD_NOT_SAFE},
            {"title": _t(lang, "safe.buttons.mentor"), "payload": PAYLOAD_REQUEST_MENTOR},
        ],
    }


# ------------------------------------------------------------------------------------- public

def helplines_text(
    country: str | None,
    lang: str,
    severity: str | None = None,
    signals: Sequence[str] = (),
    *,
    repeat: bool = False,
) -> str:
    """The help-line list as one text: intro, one line per service, (recovery centres), outro."""
    return _compose(country, _lang(lang), severity, signals, repeat=repeat)[0]


def helplines_message(
    country: str | None,
    lang: str,
    severity: str | None = None,
    signals: Sequence[str] = (),
    *,
    repeat: bool = False,
) -> dict[str, Any]:
    """The help-line message with its `custom["crisis"]` payload."""
    return _helplines_message(country, _lang(lang), severity, signals, repeat=repeat)


def crisis_reply(
    severity: str,
    signals: tuple[str, ...],
    lang: str,
    country: str | None,
    *,
    first_time: bool = True,
) -> list[dict[str, Any]]:
    """The bot's whole answer to a crisis message.

    First time: acknowledgement; the help lines (with the custom payload); which country, when
    unknown and the language is Dutch or unknown; are you safe right now (with buttons to confirm,
    say no, or ask for a person). Later messages in the same crisis: a shorter acknowledgement, the
    lines again, and the safety question again -- the crisis flow only ends when they say they are safe.
    """
    asked_lang = (lang or "").strip().lower()
    lang = _lang(lang)
    signals = tuple(signals or ())
    wording = _wording_severity(severity)
    variant = _variant(wording, signals)
    code = normalise_country(country)

    if not first_time:
        return [
            {"text": _pick(lang, "repeat", variant, "imminent" if wording == "imminent" else "default")},
            _helplines_message(code, lang, severity, signals, repeat=True),
            _safety_question(lang, variant),
        ]

    messages = [
        {"text": _pick(lang, "ack", variant, wording)},
        _helplines_message(code, lang, severity, signals),
    ]
    if code is None and (asked_lang in ASK_COUNTRY_LANGUAGES or asked_lang not in SUPPORTED_LANGUAGES):
        messages.append(_country_question(lang))
    messages.append(_safety_question(lang, variant))
    return messages


def country_reply(
    country: str | None,
    lang: str,
    *,
    severity: str | None = None,
    signals: Sequence[str] = (),
) -> list[dict[str, Any]]:
    """After the person picked a country: thanks, and the lines for that country.

    An unusable country answers with the lines for both countries and asks again.
    """
    lang = _lang(lang)
    code = normalise_country(country)
    if code is None:
        return [_helplines_message(None, lang, severity, signals), _country_question(lang)]
    intro = _t(lang, "country.thanks", country=_t(lang, f"countries.{code}"))
    return [_helplines_message(code, lang, severity, signals, intro=intro)]
