"""People who have been there: peer groups, experts by experience and recovery colleges.

Offered as a button after a check-in whose social or spiritual side gives little back
(bot/wellbeing/conversation.py) and after a crisis has calmed down (the crisis flow's last
buttons); the gateway answers the button itself (bot/safety/dialogue.py, handle_control), so it
works whatever the dialogue engine is doing. The places are the operator's directory
(`bot/content/recovery_centres.yml`), grouped by kind; the words are `bot/content/<lang>/peers.yml`,
except the explanation of what peers offer when the operator wrote their own (`peer_intro` in the
directory, edited on the dashboard's directory page).
"""
from __future__ import annotations

from typing import Any

from bot.content import section
from bot.safety.directory import (
    COUNTRIES,
    RecoveryCentre,
    load_peer_intro,
    normalise_country,
    recovery_centre_payload,
    recovery_centres_for,
)
from bot.text import one_line

PAYLOAD = "/peer_support"
# Peers first: that is what the person asked for; first help (welfare) is in the crisis reply.
ORDER = ("peer", "recovery", "family", "bereaved")


def button(lang: str) -> dict[str, str]:
    return {"title": section(lang, "peers")["button"], "payload": PAYLOAD}


def _contact(place: RecoveryCentre, words: dict[str, Any]) -> str:
    parts = [words["contact"]["web"].format(web=place.web)] if place.web else []
    if place.phone:
        parts.append(words["contact"]["phone"].format(phone=place.phone))
    return " · ".join(parts)


def _block(places: list[RecoveryCentre], lang: str, words: dict[str, Any]) -> list[str]:
    lines = []
    for kind in ORDER:
        chosen = [p for p in places if p.kind == kind]
        if chosen:
            lines.append(words["headings"][kind])
            lines += [f'{words["line"].format(name=p.name(lang), offers=p.offers_in(lang))} {_contact(p, words)}'
                      for p in chosen]
    return lines


def peer_support_message(country: str | None, lang: str) -> dict[str, Any]:
    """What peers and experts by experience offer, then the places in the person's country (both
    countries, each under its name, when the country is unknown)."""
    words = section(lang, "peers")
    code = normalise_country(country)
    places = recovery_centres_for(code, lang, kinds=ORDER)
    own = load_peer_intro()   # the operator's words, edited on the dashboard's directory page
    body = [own[lang] if own else one_line(words["intro"])]
    if not places:
        body.append(one_line(words["none"]))
    elif code is not None:
        body += _block(places, lang, words)
    else:
        for country_code in COUNTRIES:
            mine = [p for p in places if p.country == country_code]
            if mine:
                body.append(words["countries"][country_code])
                body += _block(mine, lang, words)
    if places:
        body.append(one_line(words["outro"]))
    return {"text": "\n".join(body),
            "custom": {"peers": {"country": code, "places": [recovery_centre_payload(p, lang) for p in places]}}}
