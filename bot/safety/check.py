"""The direct safety question: what the bot does in the detector's middle band (DESIGN.md section 3).

An uncertain message ("I just want it all to stop", "ik ben het allemaal zo beu") gets one warm,
direct question: are you thinking about ending your life or hurting yourself? The help lines come
with it (in the text and in ``custom.safety_check``), so they are one tap away whatever the answer.

* "yes" or "not sure" -> the full crisis response and a case, exactly as for a clear signal;
* "no" -> thanks, and the conversation goes on where it was (the gateway then forwards the message
  that raised the question to the dialogue engine); a message of the same kind is not asked about
  again for ``ask_again_after_hours``.

Answers come as button payloads (``/safety_check{"answer": "no"}``) or typed ("nee", "not sure")
while the question is fresh. Wording and typed answers live in ``bot/content/<lang>/crisis.yml``
(section ``safety_check``), the timing in ``safety_check.yml`` beside this module. The gateway and
the dialogue's own crisis intent both ask through :func:`ask`.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.config import SUPPORTED_LANGUAGES
from bot.content import section
from bot.content import text as content_text
from bot.crisis import CrisisAssessment, ask_band_position, max_severity, never_silenced
from bot.reflection import reflect_back, sounds_like_sharing
from bot.safety.directory import helpline_payload, helplines_for, normalise_country
from bot.storage.models import Person, SafetyCheck, utcnow
from bot.text import one_line

ANSWERS = ("yes", "unsure", "no")
PAYLOAD = "/safety_check"
ESCALATING = ("yes", "unsure")
# A "yes" to the question is at least a passive wish: never queued below that.
FLOOR_SEVERITY = "elevated"
_PUNCTUATION = re.compile(r"[^\w\s']+")


@cache
def settings() -> dict[str, Any]:
    with (Path(__file__).resolve().parent / "safety_check.yml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def answer_payload(answer: str) -> str:
    return PAYLOAD + json.dumps({"answer": answer}, separators=(",", ":"))


def _t(lang: str, key: str, **fill: Any) -> str:
    return content_text(lang, f"crisis.safety_check.{key}", **fill)


def _wording(lang: str, unanswered: int) -> str:
    """The question, or, while earlier ones wait unanswered, the next of its other wordings: the
    person never reads the same question twice in a row."""
    if not unanswered:
        return _t(lang, "question")
    variants = section(lang, "crisis")["safety_check"]["question_again"]
    return variants[(unanswered - 1) % len(variants)]


def question(lang: str, country: str | None, unanswered: int = 0, heard: str | None = None) -> dict[str, Any]:
    """The question as one REST-channel message, with the help lines in text and ``custom``.
    *heard* (what the person said, in the bot's words) comes first: listened to, then asked."""
    code = normalise_country(country)
    lines = helplines_for(code, lang, "elevated")
    listed = ", ".join(h.name_and_phone(lang) for h in lines if h.phone)
    body = (f"{heard}\n\n" if heard else "") + _wording(lang, unanswered) + "\n" + _t(lang, "helplines_hint", lines=listed)
    return {
        "text": body,
        "buttons": [{"title": _t(lang, f"buttons.{a}"), "payload": answer_payload(a)} for a in ANSWERS],
        "custom": {"safety_check": {
            "question": _t(lang, "question"),
            "answers": list(ANSWERS),
            "helplines": [helpline_payload(h, lang) for h in lines],
            "country": code,
        }},
    }


def declined_recently(session: Session, person_id: str, kind: str | None) -> bool:
    """The person said "no" to a question about this kind of message (any kind: None) not long ago."""
    since = utcnow() - timedelta(hours=float(settings()["ask_again_after_hours"]))
    query = select(SafetyCheck.id).where(
        SafetyCheck.person_id == person_id, SafetyCheck.answer == "no", SafetyCheck.asked_at >= since,
    )
    if kind is not None:
        query = query.where(SafetyCheck.kind == kind)
    return session.scalar(query.limit(1)) is not None


def kind_of(assessment: CrisisAssessment) -> str:
    return next((s for s in assessment.signals if not s.startswith("layer:")), "unknown")


def ask(session: Session, person: Person, assessment: CrisisAssessment, *, message_id: int | None,
        source: str, text: str | None = None) -> list[dict[str, Any]] | None:
    """The replies that ask the question about *assessment* (band "ask", or the dialogue's crisis
    intent alone), or None when the person already said "no" to this kind of message recently. The dialogue's intent
    alone is the weakest signal: after any "no" it does not ask again (the gateway sends the message
    that raised the question on to the engine after a "no", and its intent must not ask twice).
    With the person's *text*, the question starts by saying back which side of life it touches: when
    the person named a topic, or when the classifier alone asked and the message lies low in its band."""
    kind = kind_of(assessment)
    if declined_recently(session, person.id, None if source == "dialogue" else kind):
        return None
    since = utcnow() - timedelta(minutes=float(settings()["answer_window_minutes"]))
    unanswered = session.scalar(select(func.count(SafetyCheck.id)).where(
        SafetyCheck.person_id == person.id, SafetyCheck.asked_at >= since,
        or_(SafetyCheck.answer.is_(None), SafetyCheck.answer == "superseded"))) or 0
    supersede_open(session, person.id)
    check = SafetyCheck(
        person_id=person.id, message_id=message_id, source=source, kind=kind,
        severity=max_severity((assessment.severity, FLOOR_SEVERITY)) or FLOOR_SEVERITY,
        signals=list(assessment.signals),
    )
    session.add(check)
    heard = reflect_back(text, person.language, topic_needed=not _low_in_band(assessment)) if text else None
    return [question(person.language, person.country, unanswered=unanswered, heard=heard)]


def heard_as_reflection(assessment: CrisisAssessment, text: str, lang: str) -> bool:
    """Listen instead of asking: only the classifier asked, low in its band, and the listening
    mapping is sure the message tells about one side of life (settings: ``listen_instead``). Plain
    reflections in Flemish or in heavy words sit there; crisis messages that read like a reflection
    lie higher in the band (the settings file has the numbers). A threat to someone else is always
    asked about, however it reads (bot.crisis.never_silenced), and so is what the classifier reads as
    self-harm or abuse (``listen_instead_never_for``): such a message is about the body or a
    relationship whatever else it is, so a sure reading of its side of life clears nothing."""
    limits = settings()["listen_instead"].get(lang)
    position = ask_band_position(assessment)
    return (limits is not None and position is not None and position < float(limits["below_band"])
            and not never_silenced(assessment)
            and not set(assessment.signals) & set(settings()["listen_instead_never_for"])
            and sounds_like_sharing(text, lang, surely=float(limits["heard_at_least"])))


def _low_in_band(assessment: CrisisAssessment) -> bool:
    """The classifier alone asked, and only just: more often a plain reflection than a crisis (the
    dialogue's own intent, a lexicon match or the person's past never count as that)."""
    position = ask_band_position(assessment)
    return position is not None and position < float(settings()["say_back_without_topic_below"])


def supersede_open(session: Session, person_id: str) -> None:
    """A new question, or a clear crisis, replaces every question still waiting for its answer."""
    for check in session.scalars(select(SafetyCheck).where(SafetyCheck.person_id == person_id,
                                                           SafetyCheck.answer.is_(None))):
        record_answer(check, "superseded")


def latest_open(session: Session, person_id: str, *, fresh: bool = False) -> SafetyCheck | None:
    """The question still waiting for its answer; with *fresh*, only while a typed answer counts."""
    query = select(SafetyCheck).where(SafetyCheck.person_id == person_id, SafetyCheck.answer.is_(None))
    if fresh:
        since = utcnow() - timedelta(minutes=float(settings()["answer_window_minutes"]))
        query = query.where(SafetyCheck.asked_at >= since)
    return session.scalar(query.order_by(SafetyCheck.id.desc()).limit(1))


def parse_payload(message: str) -> str | None:
    """``/safety_check{"answer": "no"}`` -> "no"; anything else -> None."""
    message = message.strip()
    if not message.startswith(PAYLOAD):
        return None
    try:
        args = json.loads(message[len(PAYLOAD):] or "{}")
    except ValueError:
        return None
    answer = args.get("answer") if isinstance(args, dict) else None
    return answer if answer in ANSWERS else None


@cache
def _typed_answers(lang: str) -> dict[str, str]:
    words = section(lang, "crisis")["safety_check"]["answers"]
    return {phrase: answer for answer in ANSWERS for phrase in words[answer]}


def typed_answer(message: str, lang: str) -> str | None:
    """A typed answer to the question ("nee", "not sure"), only when it is the whole message."""
    plain = one_line(_PUNCTUATION.sub(" ", message.lower().replace("\u2019", "'")))
    # The person's language first; a Dutch speaker may well type "no".
    for code in dict.fromkeys((lang, *SUPPORTED_LANGUAGES)):
        found = _typed_answers(code).get(plain)
        if found:
            return found
    return None


def record_answer(check: SafetyCheck, answer: str) -> None:
    check.answer, check.answered_at = answer, utcnow()


def escalation_assessment(check: SafetyCheck, language: str) -> CrisisAssessment:
    """What a "yes" or "not sure" opens the case with: the question's severity and signals."""
    signals = tuple(s for s in check.signals if not s.startswith("layer:"))
    return CrisisAssessment(True, check.severity, signals + (f"safety_check:{check.answer}", f"layer:{check.source}"),
                            language, band="crisis")


def thanks_for_no(lang: str) -> dict[str, Any]:
    return {"text": _t(lang, "thanks_no")}


def tell_more(lang: str) -> dict[str, Any]:
    return {"text": _t(lang, "tell_more")}
