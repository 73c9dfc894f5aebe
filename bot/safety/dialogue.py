"""What happens when a crisis signal fires, whoever noticed it (the gateway or the dialogue engine).

One home for: choosing the reply (acknowledgement, help lines, "are you safe?"), opening or raising
the escalation case, and notifying the mentors. The gateway and the Rasa actions both call this.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from bot.content import text as content_text
from bot.crisis import CrisisAssessment, detect, severity_rank, sure_ordinary
from bot.mentoring import escalation
from bot.mentoring.notify import CaseNotice, Notifier
from bot.pseudonyms import pseudonym
from bot.safety import check as safety_check
from bot.safety.peers import peer_support_message
from bot.safety.reply import country_reply, crisis_reply
from bot.storage.conversations import touch_person
from bot.storage.models import Person

log = logging.getLogger(__name__)

# The dialogue engine's own crisis intent: at least "elevated" even when the rules saw nothing.
DIALOGUE_FLOOR_SEVERITY = "elevated"
# The engine's classifier is a weak judge of very short messages: "klaar" and "zeven" once came out
# as crisis with full confidence. Short explicit messages ("kms", "ik wil dood") are the lexicon
# layer's job, which runs on every message before this one is even asked.
DIALOGUE_MIN_WORDS = 3
DIALOGUE_MIN_CONFIDENCE = 0.7

_CONTROL = re.compile(r"^/(set_country|consent|peer_support)(\{.*\})?\s*$", re.DOTALL)
COUNTRIES = ("BE", "NL")

_notifier: Notifier | None = None


def notifier() -> Notifier:
    global _notifier
    if _notifier is None:
        from bot.config import load_settings

        _notifier = Notifier(load_settings())
    return _notifier


@dataclass
class CrisisOutcome:
    replies: list[dict[str, Any]]
    case_id: int | None  # None: the help lines went out but no case was opened (rate limit)
    severity: str
    opened: bool


def respond_to_crisis(
    session: Session,
    person: Person,
    assessment: CrisisAssessment,
    *,
    text: str,
    message_id: int | None,
    source: str,
    may_open_case: Callable[[], bool] | None = None,
) -> CrisisOutcome:
    """Help lines always; a case for the mentors unless ``may_open_case`` says no to a new one (the
    gateway's per-address limit against flooding the queue; an open case always takes the message)."""
    first_time = escalation.open_case_for(session, person.id) is None
    replies = crisis_reply(
        assessment.severity, tuple(assessment.signals), person.language, person.country, first_time=first_time
    )
    if first_time and may_open_case is not None and not may_open_case():
        log.warning("no case opened for %s: too many new cases from one address", pseudonym(person.id))
        return CrisisOutcome(replies=replies, case_id=None, severity=assessment.severity, opened=False)
    record = record_case(session, person, severity=assessment.severity, signals=assessment.signals, text=text,
                         message_id=message_id, source=source, replies=replies)
    return CrisisOutcome(replies=replies, case_id=record.case.id, severity=record.case.severity, opened=record.opened)


def record_case(session: Session, person: Person, *, severity: str, signals: Sequence[str], text: str,
                message_id: int | None, source: str, replies: list[dict[str, Any]]) -> escalation.CrisisRecord:
    """Open (or raise) the person's case with the help lines these replies showed; notify when it changed."""
    shown = [line for reply in replies for line in (reply.get("custom") or {}).get("crisis", {}).get("helplines", [])]
    record = escalation.record_crisis(session, person, severity=severity, signals=signals, text=text,
                                      message_id=message_id, source=source, helplines_shown=shown)
    if record.opened or record.raised:
        notifier().submit(CaseNotice(
            case_id=record.case.id, severity=record.case.severity, language=person.language,
            country=person.country, kind="case_opened" if record.opened else "case_raised",
        ))
    return record


def dialogue_intent_counts(text: str, confidence: float) -> bool:
    """Whether the dialogue engine's crisis intent is trustworthy enough to act on for this message.
    A button payload ("/crisis": "I need help now") always counts."""
    text = (text or "").strip()
    if _is_button(text):
        return True
    return confidence >= DIALOGUE_MIN_CONFIDENCE and len(text.split()) >= DIALOGUE_MIN_WORDS


@dataclass(frozen=True)
class DialogueCrisis:
    """What the dialogue does after its own crisis intent fired."""

    full: bool                        # the full crisis response: the crisis form follows
    replies: list[dict[str, Any]]     # empty: go on (listen); see handle_dialogue_crisis


def _is_button(text: str) -> bool:
    return (text or "").strip().startswith("/")


def dialogue_intent_takes_over(text: str, language: str) -> bool:
    """The dialogue's crisis intent takes over fully only when the detector agrees (or for a button)."""
    return _is_button(text) or detect(text or "", language).crisis


def handle_dialogue_crisis(
    sender_id: str, text: str, language: str, country: str | None = None, *, session: Session | None = None
) -> DialogueCrisis:
    """Called by the Rasa action when the NLU's own crisis intent fired.

    On its own that intent only raises the question (the middle band, bot/safety/check.py); when
    the detector agrees, or for a button ("I need help now"), it is the full crisis response. No
    question (empty replies: the dialogue listens) when the person said "no" to this kind lately, or
    when the detector's classifier is sure the message is ordinary (bot.crisis.sure_ordinary, at the
    language's floor in safety_check.yml): the intent reads words, the classifier their sense ("a film
    about a man who wants to end his life")."""
    assessment = detect(text or "", language)
    with _session(session) as db:
        person = touch_person(db, sender_id, language, country)
        if not (assessment.crisis or _is_button(text)):
            floor = float(safety_check.settings()["dialogue_intent_min_probability"].get(language, 0.0))
            if sure_ordinary(assessment, text or "", at_least=floor):
                return DialogueCrisis(False, [])
            asking = CrisisAssessment(False, DIALOGUE_FLOOR_SEVERITY, ("dialogue_intent", "layer:dialogue"), language,
                                      band="ask")
            asked = safety_check.ask(db, person, asking, message_id=None, source="dialogue", text=text)
            return DialogueCrisis(False, asked or [])
        severity = assessment.severity if assessment.crisis else None
        if severity_rank(severity) < severity_rank(DIALOGUE_FLOOR_SEVERITY):
            severity = DIALOGUE_FLOOR_SEVERITY
        merged = CrisisAssessment(
            crisis=True, severity=severity, signals=tuple(assessment.signals) + ("dialogue_intent",),
            language=language, band="crisis",
        )
        return DialogueCrisis(True, respond_to_crisis(db, person, merged, text=text, message_id=None,
                                                      source="dialogue").replies)


def request_mentor(sender_id: str, language: str, *, session: Session | None = None) -> None:
    """The person asked for a human: record consent to be contacted, opening a case if none is open."""
    with _session(session) as db:
        person = touch_person(db, sender_id, language, None)
        case = escalation.set_consent(db, person.id, contact=True)
        if case is None:
            record = escalation.record_crisis(
                db, person, severity="concern", signals=("asked_for_mentor",), text="(asked to talk to a person)",
                message_id=None, source="dialogue",
            )
            escalation.set_consent(db, person.id, contact=True)
            notifier().submit(CaseNotice(record.case.id, "concern", language, person.country))


def parse_control(message: str) -> tuple[str, dict[str, Any]] | None:
    """Button payloads the gateway itself answers: `/set_country{"country":"BE"}`, `/consent{...}`,
    `/peer_support` (people who have been there, bot/safety/peers.py)."""
    match = _CONTROL.match(message.strip())
    if not match:
        return None
    try:
        args = json.loads(match.group(2) or "{}")
    except ValueError:
        return None
    return (match.group(1), args) if isinstance(args, dict) else None


def handle_control(session: Session, person: Person, name: str, args: dict[str, Any]) -> list[dict[str, Any]]:
    if name == "set_country":
        country = str(args.get("country", "")).upper()
        if country not in COUNTRIES:
            country = None
        person.country = country
        case = escalation.open_case_for(session, person.id)
        if case is not None and country:
            case.country = country
        return country_reply(country, person.language)
    if name == "consent":
        transcript, contact = _as_bool(args.get("transcript")), _as_bool(args.get("contact"))
        escalation.set_consent(session, person.id, transcript=transcript, contact=contact)
        if transcript is not None:
            key = "consent_thanks_shared" if transcript else "consent_thanks_private"
        else:
            key = "consent_thanks_contact"
        return [{"text": content_text(person.language, f"gateway.{key}")}]
    if name == "peer_support":
        return [peer_support_message(person.country, person.language)]
    return []


def _as_bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


class _session:
    """Use the caller's session, or open one on the configured database."""

    def __init__(self, session: Session | None) -> None:
        self.given = session
        self._context = None

    def __enter__(self) -> Session:
        if self.given is not None:
            return self.given
        from bot.storage import get_database

        self._context = get_database().session()
        return self._context.__enter__()

    def __exit__(self, *exc: object) -> None:
        if self._context is not None:
            self._context.__exit__(*exc)
